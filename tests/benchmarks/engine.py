"""Engine throughput, measured (not a test): `python -m tests.benchmarks.engine [--contacts N]`.

Prints ONE JSON line (all figures from the same run on the same machine: compare them
with each other, not with another run's):
- `steps_per_s`: non-message steps through `advance` (SQLite file, WAL): score, field
  updates, delays, goal — each step logged, all effects committed per batch;
- `steps_per_s_split`: the same steps behind an A/B test on a random split (sticky hash,
  the winner lookup, the engine's watch evaluating the test as contacts arrive);
- `emails_per_s`: send-email steps rendered into the outbox (guards, Jinja, layout, CSS
  inlining, text part, tracked links) by `render_workers` processes, the engine's own
  included (the default of `main.py run`: one per core, so a pool of cores − 1 workers);
  `emails_per_s_single`: the same, rendered in the engine process (`render_workers` 1); `emails_per_s_render_free`: the same with
  every render answered at once (engine_parts.RenderFreePool), the engine process alone:
  the ceiling that no number of render workers can pass on this database;
- `emails_cpu_us`: the CPU time one pooled email cost, in µs, in the engine process and in
  the render workers together (Linux: read from /proc; null elsewhere), and
  `emails_per_s_cpu_bound`: this machine's cores divided by that time — what a perfect
  schedule of the same work on every core could give, an upper bound of `emails_per_s`;
- `naive_jobs_per_s`: the design a Python developer reaches for first, measured here in the
  same run: one APScheduler job per contact step in a `SQLAlchemyJobStore` (SQLite), only
  *scheduling* them (running them would cost more still);
- `welcome_series_s` (pool) and `welcome_series_s_single`: N contacts signing up and
  walking a three-email welcome series (day 0, day 2, day 6) over 7 simulated days on a
  virtual clock, events to last email;
- `pool_start_s`: starting the render workers (once per engine, not per tick);
- `peak_rss_mb`: the peak resident memory of the engine process plus the peaks of its
  render workers (`engine_rss_mb`, `workers_rss_mb`); run with 1,000,000 contacts to see
  that memory stays flat: work is claimed in batches, nothing holds all enrollments.

`--postgres` measures PostgreSQL instead (tests/benchmarks/engine_postgres.py): a server
of its own, as the tests start one, and 1 then 2 engine workers sharing the queue.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--naive-jobs", type=int, default=5_000,
                        help="jobs to schedule for the naive baseline (it is slow)")
    parser.add_argument("--render-workers", type=int, default=max(2, os.cpu_count() or 1),
                        help="processes that render in the pooled figures, the engine's own "
                        "included (default: the cores, at least 2)")
    parser.add_argument("--postgres", action="store_true",
                        help="measure PostgreSQL with 1 and 2 engine workers instead")
    args = parser.parse_args()
    # imported here, not above: render workers (spawned) import this module again
    from engine.runtime.render_pool import RenderPool
    from engine.runtime.render_worker import peak_rss_mb
    from tests.benchmarks.engine_parts import (
        RenderFreePool, measure_emails, measure_naive_jobs, measure_split_steps, measure_steps,
        measure_welcome_series,
    )

    if args.postgres:
        from tests.benchmarks.engine_postgres import main as postgres_main

        print(json.dumps(postgres_main(args.contacts)))
        return
    if args.render_workers < 2:
        parser.error("--render-workers must be at least 2 (1 is the single-process figure)")
    n = args.contacts
    # what `main.py run` does after start-up: what exists by now is never collected
    gc.freeze()
    with tempfile.TemporaryDirectory(prefix="trellis-bench-") as folder:
        folder = Path(folder)
        began = time.perf_counter()
        pool = RenderPool(args.render_workers - 1).start()  # the engine renders too
        warm_up(pool)
        pool_start = time.perf_counter() - began
        try:
            cpu: dict = {}
            result = {
                "contacts": n,
                "render_workers": args.render_workers,
                "steps_per_s": round(measure_steps(folder, n)),
                "steps_per_s_split": round(measure_split_steps(folder, n)),
                "emails_per_s": round(measure_emails(folder, min(n, 50_000), pool, cpu)),
                "emails_per_s_single": round(measure_emails(folder, min(n, 50_000), None)),
                "emails_per_s_render_free": round(measure_emails(
                    folder, min(n, 50_000), RenderFreePool())),
                "naive_jobs_per_s": round(measure_naive_jobs(folder, min(n, args.naive_jobs))),
                "welcome_series_s": round(measure_welcome_series(folder, n, pool), 1),
                "welcome_series_s_single": round(measure_welcome_series(folder, n, None), 1),
                "pool_start_s": round(pool_start, 1),
            }
            result |= cpu_figures(cpu)
        finally:
            pool.close()  # the workers report their peak memory as they stop
    engine_rss = peak_rss_mb()
    result |= {"peak_rss_mb": round(engine_rss + pool.peak_rss_mb()),
               "engine_rss_mb": round(engine_rss), "workers_rss_mb": round(pool.peak_rss_mb())}
    print(json.dumps(result))


def cpu_figures(cpu: dict) -> dict:
    """`emails_cpu_us` and the bound the cores put on emails/s at that cost."""
    if cpu.get("workers") is None:
        return {"emails_cpu_us": None, "emails_per_s_cpu_bound": None}
    total = cpu["engine"] + cpu["workers"]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"emails_cpu_us": {**cpu, "total": round(total, 1)},
            "emails_per_s_cpu_bound": round(cores * 1e6 / total)}


def warm_up(pool) -> None:
    """Every worker has started (spawned, imported) before a figure is timed."""
    waiting = {pool.submit([], (None, None, None)) for _ in range(pool.size)}
    while waiting:
        waiting -= set(pool.collect(waiting))


if __name__ == "__main__":
    main()
