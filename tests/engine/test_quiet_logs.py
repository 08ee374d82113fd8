"""`run` keeps its log for what matters: the scheduler's per-beat lines and Alembic's
per-open lines are DEBUG, not INFO. Checked on the real command's output."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from engine.runtime.quiet_logs import DemoteToDebug, demote_routine_logs

ROOT = Path(__file__).resolve().parents[2]


def test_routine_lines_become_debug_and_others_pass():
    demote_routine_logs()
    demote_routine_logs()  # idempotent: one filter per logger
    logger = logging.getLogger("apscheduler.executors.default")
    assert sum(isinstance(f, DemoteToDebug) for f in logger.filters) == 1
    routine = logger.makeRecord(logger.name, logging.INFO, "f", 1, "Running job %s", ("x",), None)
    warning = logger.makeRecord(logger.name, logging.WARNING, "f", 1, "Run time of job missed",
                                (), None)
    logger.setLevel(logging.INFO)
    try:
        assert not logger.filter(routine) and routine.levelno == logging.DEBUG
        assert logger.filter(warning) and warning.levelno == logging.WARNING
        logger.setLevel(logging.DEBUG)
        again = logger.makeRecord(logger.name, logging.INFO, "f", 1, "Job done", (), None)
        assert logger.filter(again) and again.levelname == "DEBUG"
    finally:
        logger.setLevel(logging.NOTSET)


def test_run_prints_no_line_per_beat(tmp_path):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--db", f"sqlite:///{tmp_path / 't.db'}", "run",
         "--interval", "0.2", "--http", "127.0.0.1:0"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        lines = []
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Trellis engine running" in line:
                break
        time.sleep(1.5)  # several beats at 0.2 s
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=30)
    output = "".join(lines) + rest
    assert "Trellis engine running" in output, output
    assert "Running job" not in output and "executed successfully" not in output, output
    assert "Context impl" not in output, output
