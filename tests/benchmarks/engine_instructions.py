"""The engine's work per email and per step, counted in instructions (not a test):
`python -m tests.benchmarks.engine_instructions [--contacts N]`.

Why a count: on a shared virtual machine the speed of a core moves by a third within half
an hour, so two timed runs of the engine benchmark (engine.py) compare two changes only
roughly. The number of instructions a tick executes is the same on every run (to 0.1%):
it shows a change of a few per cent that timing cannot. It is not time — a cache miss
costs more than an add, and the kernel's share (writing the WAL) is not counted — so
engine.py's timed figures stay the judges; this one tells which way a change goes.

Counted with Valgrind's callgrind in a child process per figure, switched on around the
measured tick only (`callgrind_control`); each figure is a difference between N and 2N
contacts, divided by N, so fixed costs (compiling the template, the first render, the
start-up) are left out. Prints ONE JSON line:
- `engine_ir_per_email`: the engine process's own work for one send-email step, every
  render answered at once (engine_parts.RenderFreePool): claim, guards, the outbox row,
  step logs, the bulk writes and the commit;
- `render_ir_per_email`: what rendering adds (the same tick rendering in-process, minus
  the engine's own work);
- `ir_per_step`: one non-message step of engine.py's `steps_per_s` journey;
- `naive_ir_per_job`: the naive baseline of engine.py (one APScheduler job per step in a
  SQLAlchemy job store), scheduling only.
Without Valgrind it prints `{"skipped": "<why>"}` and exits with 0.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

_COLLECTED = re.compile(r"Collected\s*:\s*([\d,]+)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=2000,
                        help="N: each figure is counted at N and 2N contacts (default 2000)")
    parser.add_argument("--child", nargs=2, metavar=("FIGURE", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], int(args.child[1]))
        return
    missing = [tool for tool in ("valgrind", "callgrind_control") if shutil.which(tool) is None]
    if missing:
        print(json.dumps({"skipped": f"{' and '.join(missing)} not found (install Valgrind)"}))
        return
    n = args.contacts
    engine_alone = _marginal("emails_render_free", n)
    result = {
        "contacts": n,
        "engine_ir_per_email": round(engine_alone),
        "render_ir_per_email": round(_marginal("emails_in_process", n) - engine_alone),
        "ir_per_step": round(_marginal("steps", n) / 7),  # engine.py's journey: 7 steps each
        "naive_ir_per_job": round(_marginal("naive_jobs", max(100, n // 4))),
    }
    print(json.dumps(result))


def _marginal(figure: str, n: int) -> float:
    return (_count(figure, 2 * n) - _count(figure, n)) / n


def _count(figure: str, n: int) -> int:
    """Instructions of the measured part of `figure` at `n`, in a child under callgrind."""
    with tempfile.TemporaryDirectory(prefix="trellis-ir-") as folder:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no",
             f"--callgrind-out-file={Path(folder) / 'callgrind.out'}",
             sys.executable, "-m", "tests.benchmarks.engine_instructions",
             "--child", figure, str(n)],
            capture_output=True, text=True, check=False,
            # the same hash seed each time: dict and set order, and so the work, repeat
            env={**os.environ, "PYTHONHASHSEED": "0"})
    found = _COLLECTED.findall(done.stderr)
    if done.returncode != 0 or not found:
        raise SystemExit(f"counting {figure} at {n} failed (exit {done.returncode}):\n"
                         f"{done.stderr[-2000:]}")
    return int(found[-1].replace(",", ""))


@contextmanager
def _counted():
    """Callgrind counts instructions inside this block only."""
    _callgrind("--instr=on")
    try:
        yield
    finally:
        _callgrind("--instr=off")


def _callgrind(flag: str) -> None:
    subprocess.run(["callgrind_control", flag, str(os.getpid())], check=True,
                   capture_output=True)


def _child(figure: str, n: int) -> None:
    import gc

    from tests.benchmarks.engine_parts import (
        RenderFreePool, measure_emails, measure_naive_jobs, measure_steps,
    )

    gc.freeze()  # as engine.py and `main.py run` do
    with tempfile.TemporaryDirectory(prefix="trellis-ir-") as folder:
        folder = Path(folder)
        if figure == "emails_render_free":
            measure_emails(folder, n, RenderFreePool(), measured=_counted)
        elif figure == "emails_in_process":
            measure_emails(folder, n, None, measured=_counted)
        elif figure == "steps":
            measure_steps(folder, n, measured=_counted)
        elif figure == "naive_jobs":
            with _counted():
                measure_naive_jobs(folder, n)
        else:
            raise SystemExit(f"unknown figure {figure!r}")


if __name__ == "__main__":
    main()
