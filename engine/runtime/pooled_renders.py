"""The emails of one batch that render in the pool, from hand-off to filled-in rows.

Contract: `BatchRenders(pool, shop, now, links)` belongs to one batch. `add(template,
contact, event, key, row, data)` registers an outbox row (already queued in the batch, status RENDERING) and
sends jobs to the pool in chunks as they come (as long as a worker has room: the engine
never waits there), so the workers render while the engine runs the batch's other
enrollments. `finish()` waits for every answer and fills each row in place: rendered, or
failed with the reason (render error, crashed worker); while every worker is full it
renders jobs of the buffer itself, with the database provider, as one worker does. A
worker's data call (`("need", call)`) is answered here, in the engine process, with the
row's database provider (`data()`, made on first need), and the job goes back to the
pool with the answer. `abandon()` drops the batch's chunks (the batch is rolled back).
After `finish()`, no row is RENDERING: the batch flushes rows that are whole.
`ahead`: the previous batch's BatchRenders while it still waits for answers (advance.py
runs the next batch's steps meanwhile): whenever this one sends chunks, that one's waiting
jobs go first, since its answers are wanted first. `pending` holds the emails still out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from engine.runtime.render_job import RenderJob, answer_call, link_builder, render_message

RENDERING = "rendering"
CHUNK = 48
#: while the workers are full, look again for room and answers after this many emails
LOOK_EVERY = 16
#: while the workers are full at the end of a batch, the engine renders this many of its
#: buffer between two looks at the pool
RENDER_HERE = 4


@dataclass
class _Pending:
    job: RenderJob
    row: dict[str, Any]
    make_data: Callable[[], Any]
    data: Any = None


class BatchRenders:
    def __init__(self, pool, shop, now, links, ahead: BatchRenders | None = None):
        self.pool = pool
        self.common = (shop, now, links)
        #: the previous batch's renders while they are still out (advance.py runs this
        #: batch meanwhile): its waiting jobs go to the pool first
        self.ahead = ahead
        self.pending: dict[int, _Pending] = {}
        self.chunks: set[int] = set()
        self._buffer: list[RenderJob] = []
        self._count = 0

    def add(self, template, contact, event, key: str, row: dict[str, Any],
            make_data: Callable[[], Any]) -> None:
        self._count += 1
        job = RenderJob(self._count, template, contact, event, key)
        self.pending[job.id] = _Pending(job, row, make_data)
        self._buffer.append(job)
        # a look at the pool (a poll of every worker's pipe) every LOOK_EVERY emails once a
        # chunk is whole, not at every email while the workers are full
        waiting = len(self._buffer)
        if waiting >= CHUNK and waiting % LOOK_EVERY == 0:
            self.feed()
            if self.chunks:  # answers already in: take them now, never wait here
                self._handle(self.pool.collect(self.chunks, timeout=0))

    def feed(self) -> None:
        """Send the buffer in chunks (the last one perhaps short) while a worker has room;
        the rest waits in the buffer. The batch ahead, if its jobs still wait, sends
        first (its answers are wanted first)."""
        if self.ahead is not None:
            if self.ahead.pending:
                self.ahead.feed()
            else:
                self.ahead = None
        while self._buffer and not self.pool.busy():
            chunk, self._buffer = self._buffer[:CHUNK], self._buffer[CHUNK:]
            self.chunks.add(self.pool.submit(chunk, self.common))

    def finish(self) -> None:
        """Every job answered. While the workers are full, the engine process renders
        from the buffer itself rather than wait idle."""
        self.ahead = None  # batches finish in claim order: the one ahead is written
        while self._buffer or self.chunks:
            self.feed()
            if self.chunks:
                self._handle(self.pool.collect(self.chunks, timeout=0))
            if self._buffer and self.pool.busy():
                # a few at a time: a look at the pool costs a selector over every pipe,
                # and a worker's chunk takes far longer than these renders
                for _ in range(min(RENDER_HERE, len(self._buffer))):
                    self._render_here(self._buffer.pop())
            elif self.chunks and not self._buffer:
                self._handle(self.pool.collect(self.chunks))

    def _render_here(self, job: RenderJob) -> None:
        pending = self.pending.pop(job.id)
        shop, now, links = self.common
        if pending.data is None:
            pending.data = pending.make_data()
        pending.row.update(render_message(job.template, job.contact, shop=shop,
                                          data=pending.data, now=now,
                                          links=link_builder(links), key=job.key,
                                          event=job.event))

    def abandon(self) -> None:
        self.ahead = None
        self.pool.forget(self.chunks)
        self.chunks.clear()
        self.pending.clear()
        self._buffer = []

    def _handle(self, done: dict[int, list]) -> None:
        for chunk_id, answers in done.items():
            self.chunks.discard(chunk_id)
            for job_id, answer in answers:
                self._answer(self.pending.pop(job_id), answer)

    def _answer(self, pending: _Pending, answer: tuple) -> None:
        kind, value = answer
        if kind == "done":
            pending.row.update(value)
            return
        if kind == "need":
            if pending.data is None:
                pending.data = pending.make_data()
            pending.job.answers[value] = answer_call(pending.data, value)
            self.pending[pending.job.id] = pending
            self._buffer.append(pending.job)
            return
        # "crashed" or "error": this message fails, with the reason
        pending.row.update({"status": "failed", "subject": pending.job.template.subject,
                            "html": "", "text": "", "headers": {}, "last_error": value,
                            "retry_at": None})
