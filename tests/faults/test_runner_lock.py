"""Issue 10 row 7: a second `run` on the same database is refused whatever path names it
(the same path, a symlink, a hard link, a path with `..`)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.db import open_database

ROOT = Path(__file__).resolve().parents[2]


def start(db_file: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "main.py", "--db", f"sqlite:///{db_file}", "run", "--interval", "0.5",
         "--http", "off"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_lock(lock_file: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if lock_file.exists() and lock_file.read_text().startswith("pid"):
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError("the first runner never took its lock")


@pytest.mark.parametrize("alias", ["same", "symlink", "hardlink", "dotdot"])
def test_a_second_run_is_refused_through_any_name(tmp_path, alias):
    db_file = tmp_path / "main" / "t.db"
    db_file.parent.mkdir()
    open_database(f"sqlite:///{db_file}").dispose()
    other = tmp_path / "elsewhere"
    other.mkdir()
    name = {"same": db_file, "symlink": other / "link.db", "hardlink": other / "hard.db",
            "dotdot": other / ".." / "main" / "t.db"}[alias]
    if alias == "symlink":
        name.symlink_to(db_file)
    elif alias == "hardlink":
        os.link(db_file, name)
    first = start(db_file)
    try:
        wait_for_lock(db_file.with_name("t.db.runner.lock"), first)
        second = start(name)
        try:
            _, err = second.communicate(timeout=60)
        finally:
            if second.poll() is None:
                second.kill()
        assert second.returncode == 1, err
        assert "already running on this database" in err
        assert first.poll() is None
    finally:
        first.terminate()
        first.communicate(timeout=30)
