"""The main function of one render worker process (started by render_pool.RenderPool).

Contract: `serve(tasks, results)` takes chunks `(chunk_id, (shop, now, links), jobs)`
from its own pipe until it gets None, renders every job with
`render_job.render_job` and sends `(chunk_id, [(job_id, answer), ...], peak_rss_mb)`
back on its own pipe. It touches no database and keeps nothing between chunks but the
compiled-template caches, so a worker can die at any moment and lose only its chunk.
A worker whose engine process died (even by kill -9) exits within a second. Ctrl+C in a
terminal interrupts the whole process group, workers included: a worker ignores it and
ends when the engine, which does handle it, closes the pool (no traceback per worker).
"""

from __future__ import annotations

import multiprocessing
import signal
import sys

try:
    import resource
except ImportError:  # Windows
    resource = None

from engine.runtime.render_job import render_job

#: how often an idle worker checks that the engine process is still there
PARENT_CHECK_SECONDS = 1.0


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MiB.

    On Linux from /proc (VmHWM): `ru_maxrss` survives exec, so a spawned worker would
    report the engine's peak at the moment it was started, not its own."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    if resource is None:
        return 0.0  # not measured here
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # macOS: bytes; else KiB
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def serve(tasks, results) -> None:
    # the engine decides when to stop (it sends None or closes the pipe), not Ctrl+C
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    while True:
        try:
            if not tasks.poll(PARENT_CHECK_SECONDS):
                if parent is not None and not parent.is_alive():
                    return  # the engine was killed (kill -9): nobody will read our answers
                continue
            item = tasks.recv()
        except (EOFError, OSError):
            return  # the engine closed our pipe: it is gone or stopping
        if item is None:
            break
        chunk_id, (shop, now, links), jobs = item
        answers = []
        for job in jobs:
            try:
                answer = render_job(job, shop=shop, now=now, links=links)
            except Exception as error:  # a bug, not a template: fail this one message
                answer = ("error", f"the render failed unexpectedly: {type(error).__name__}: {error}")
            answers.append((job.id, answer))
        results.send((chunk_id, answers, peak_rss_mb()))
    results.send(("bye", [], peak_rss_mb()))
