"""A pool of render worker processes: emails render on every core.

Contract:
- `RenderPool(workers)` starts `workers` processes with the *spawn* method (as macOS and
  Windows must; a worker never inherits the engine's database connections, locks or
  threads). `start()` starts them now (else the first `submit` does); `close()` stops
  them (idempotent; workers are daemons, so they also end with the engine process).
- `submit(jobs, common)` hands a chunk of `render_job.RenderJob`s to the least busy
  worker and returns the chunk's id. Each worker reads its chunks from its own pipe,
  written here directly (no feeder thread: a thread would wait for the engine's GIL, up
  to a switch interval per chunk, while the worker idles); a chunk of 48 plain emails
  pickles to ~8 KB, and a worker answers on a pipe of its own.
- `collect(wanted)` waits until at least one of the `wanted` chunks is answered and
  returns `{chunk_id: [(job_id, answer), ...]}` for those answered; other chunks' answers
  wait for their own `collect`, and those of chunks no longer wanted (`forget`) are
  dropped.
- A worker that dies (killed, out of memory, a crash in a C library) is noticed by its
  process sentinel: what it had already answered counts, every job of the chunk it was
  rendering (its first unanswered one: a worker takes its chunks in order) is answered
  `("crashed", reason)`, so only those messages fail, with the reason; a new worker
  takes its place (`replaced` counts them) and the chunks it had not begun, as sent.
- A worker's queue holds at most MAX_QUEUED chunks and QUEUED_BYTES of them (more where
  the pipes could be widened), so a send never blocks: the engine never waits on a worker
  that waits for the engine to read its answers. A chunk too large for any worker's room
  waits in `submit` while answers are read, until a worker has room or nothing out. `drain()` takes the answers that are
  in without waiting (the engine calls it while it writes a batch).
- `peak_rss_mb()`: the sum of every worker's peak resident memory, as last reported
  (add the engine's own to get the footprint of the whole engine).

Rendering only reads its job: nothing a worker does is written anywhere until the engine
flushes the batch, so a lost chunk is never half-sent, and a chunk is never answered twice
(its id leaves the books at its first answer).
"""

from __future__ import annotations

import itertools
import pickle
try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
import multiprocessing
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any

from engine.runtime import render_worker

#: at most this many chunks wait in one worker's queue (the rest go to the others), and
#: at most QUEUED_BYTES of them: a send never blocks (a pipe holds that much), so the
#: engine can never wait on a worker that waits for the engine to read its answers
MAX_QUEUED, QUEUED_BYTES = 3, 48 << 10
#: where the pipes could be widened (Linux): a worker's queue holds enough to keep it
#: rendering while the engine writes a batch (~50 ms: ~25 chunks of 48 emails)
MAX_QUEUED_WIDE, QUEUED_BYTES_WIDE = 32, 768 << 10
#: room in a worker's pipes (Linux): a chunk's answers (~200 KB of HTML) go in one
#: write, instead of the worker and the engine taking turns 64 KB at a time
PIPE_BYTES = 1 << 20


def _widen(connection) -> bool:
    setsize = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if setsize is None:
        return False
    try:
        fcntl.fcntl(connection.fileno(), setsize, PIPE_BYTES)
    except OSError:  # above /proc/sys/fs/pipe-max-size: keep the default
        return False
    return True


@dataclass
class _Worker:
    process: Any
    tasks: Any
    results: Any
    #: how many chunks, and how many bytes of them, may be out at once (see MAX_QUEUED)
    max_chunks: int = MAX_QUEUED
    max_bytes: int = QUEUED_BYTES
    chunks: dict[int, list[int]] = field(default_factory=dict)  # chunk id -> job ids, as sent
    sent: dict[int, bytes] = field(default_factory=dict)  # chunk id -> what was sent

    def full(self) -> bool:
        return len(self.chunks) >= self.max_chunks or self._bytes_out() >= self.max_bytes

    def takes(self, size: int) -> bool:
        """Whether a chunk of `size` bytes can be sent without the send blocking: with
        nothing out the worker reads as it comes (it has no answer left to write)."""
        return not self.chunks or self._bytes_out() + size <= self.max_bytes

    def _bytes_out(self) -> int:
        return sum(map(len, self.sent.values()))


class RenderPool:
    def __init__(self, workers: int):
        if workers < 1:
            raise ValueError(f"a render pool needs at least one worker, not {workers}")
        self.size = workers
        self.replaced = 0
        self._context = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []
        self._ids = itertools.count(1)
        self._forgotten: set[int] = set()
        self._ready: dict[int, list] = {}  # answered, not yet collected
        self._peaks: dict[int, float] = {}
        self._closed = False

    # --- life ----------------------------------------------------------------------------

    def start(self) -> "RenderPool":
        if self._closed:
            raise RuntimeError("this render pool is closed")
        while len(self._workers) < self.size:
            self._workers.append(self._spawn())
        return self

    def _spawn(self) -> _Worker:
        receive, send = self._context.Pipe(duplex=False)
        task_receive, tasks = self._context.Pipe(duplex=False)
        wide = _widen(receive) & _widen(tasks)
        process = self._context.Process(target=render_worker.serve,
                                        args=(task_receive, send),
                                        name="trellis-render", daemon=True)
        process.start()
        send.close()  # the worker holds the sending end: EOF here means it is gone
        task_receive.close()
        if wide:
            return _Worker(process, tasks, receive, MAX_QUEUED_WIDE, QUEUED_BYTES_WIDE)
        return _Worker(process, tasks, receive)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for worker in self._workers:
            try:
                worker.tasks.send(None)
            except (OSError, ValueError):  # already gone
                pass
        for worker in self._workers:
            self._drain(worker, timeout=5)
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.terminate()
                worker.process.join(timeout=5)
            worker.tasks.close()
            worker.results.close()
        self._workers = []

    def _drain(self, worker: _Worker, timeout: float) -> None:
        """Read what a stopping worker still says (its last peak memory)."""
        try:
            while worker.results.poll(timeout):
                chunk_id, _, peak = worker.results.recv()
                self._peaks[worker.process.pid] = peak
                if chunk_id == "bye":
                    break
        except (EOFError, OSError):
            pass

    @property
    def pids(self) -> list[int]:
        return [worker.process.pid for worker in self._workers]

    def peak_rss_mb(self) -> float:
        return sum(self._peaks.values())

    # --- work ----------------------------------------------------------------------------

    def submit(self, jobs: list, common: tuple) -> int:
        if not self._workers:
            self.start()
        chunk_id = next(self._ids)
        data = pickle.dumps((chunk_id, common, jobs), protocol=pickle.HIGHEST_PROTOCOL)
        while not (room := [w for w in self._workers if w.takes(len(data))]):
            self._read_some(None)  # a large chunk: answers first (kept for their collect)
        self._send(min(room, key=lambda w: len(w.chunks)), chunk_id,
                   [job.id for job in jobs], data)
        return chunk_id

    @staticmethod
    def _send(worker: _Worker, chunk_id: int, job_ids: list[int], data: bytes) -> None:
        worker.chunks[chunk_id], worker.sent[chunk_id] = job_ids, data
        try:
            worker.tasks.send_bytes(data)  # the worker's recv() unpickles it
        except OSError:
            # the worker is gone (its end of the pipe closed): the chunk stays on its
            # books, and the next collect sees the process end and deals with it
            pass

    def busy(self) -> bool:
        """True while every worker's queue is full (MAX_QUEUED): collect before more."""
        return bool(self._workers) and all(w.full() for w in self._workers)

    def drain(self) -> None:
        """Take the answers that are in, without waiting (they wait for their collect):
        called between the statements that write a batch, so that a worker whose answer
        pipe is full does not stop rendering while the engine writes."""
        for worker in list(self._workers):
            self._read(worker)

    def forget(self, chunk_ids) -> None:
        """These chunks' answers are not wanted any more (the batch was given up)."""
        for chunk in chunk_ids:
            if self._ready.pop(chunk, None) is None:
                self._forgotten.add(chunk)

    def collect(self, wanted, timeout: float | None = None) -> dict[int, list]:
        """Answers of the wanted chunks that are done; waits for at least one of them
        (up to `timeout`: None waits as long as one is out). Answers of other chunks that
        come meanwhile are kept for the caller who wants them."""
        wanted = set(wanted)
        while not wanted & self._ready.keys() and any(
                chunk in wanted for w in self._workers for chunk in w.chunks):
            if not self._read_some(timeout):
                break
        return {chunk: self._ready.pop(chunk) for chunk in wanted & self._ready.keys()}

    def _read_some(self, timeout: float | None) -> bool:
        """Wait (up to `timeout`) until a worker answers or ends, and read; False if none did."""
        by_handle = {}
        for worker in self._workers:
            by_handle[worker.results] = worker
            by_handle[worker.process.sentinel] = worker
        ready = wait(list(by_handle), timeout)
        for worker in {id(by_handle[h]): by_handle[h] for h in ready}.values():
            self._read(worker)
        return bool(ready)

    def _read(self, worker: _Worker) -> None:
        try:
            while worker.results.poll():
                chunk_id, answers, peak = worker.results.recv()
                self._peaks[worker.process.pid] = peak
                self._answered(worker, chunk_id, answers)
        except (EOFError, OSError):
            pass
        if not worker.process.is_alive():
            worker.process.join()
            self._replace(worker)

    def _answered(self, worker: _Worker, chunk_id: int, answers: list) -> None:
        worker.sent.pop(chunk_id, None)
        if worker.chunks.pop(chunk_id, None) is None:
            return
        if chunk_id in self._forgotten:
            self._forgotten.discard(chunk_id)
            return
        self._ready[chunk_id] = answers

    def _replace(self, worker: _Worker) -> None:
        code = worker.process.exitcode
        reason = (f"the render worker stopped unexpectedly (exit code {code}) while rendering "
                  "this email; it was not sent")
        worker.tasks.close()
        worker.results.close()
        index = self._workers.index(worker)
        self.replaced += 1
        replacement = self._workers[index] = self._spawn()
        # a worker takes its chunks in the order they were sent: the first one still
        # unanswered is the one it was rendering, and it fails; it had not begun the
        # others, so they go to its replacement as they were (those no longer wanted
        # are dropped)
        unanswered = list(worker.chunks.items())
        for position, (chunk_id, job_ids) in enumerate(unanswered):
            if position == 0:
                self._answered(worker, chunk_id, [(job_id, ("crashed", reason))
                                                  for job_id in job_ids])
            elif chunk_id in self._forgotten:
                self._forgotten.discard(chunk_id)
            else:
                self._send(replacement, chunk_id, job_ids, worker.sent[chunk_id])
