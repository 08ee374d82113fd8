"""Issue 10 row 7: a second `run` on the same database is refused whatever path names it
(the same path, a symlink, a hard link, a path with `..`)."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.db import open_database
from engine.runtime.runner import RunnerLock, RunnerLocked

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


def test_a_second_run_is_refused_through_any_name(tmp_path):
    db_file = tmp_path / "main" / "t.db"
    db_file.parent.mkdir()
    open_database(f"sqlite:///{db_file}").dispose()
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "link.db").symlink_to(db_file)
    os.link(db_file, other / "hard.db")
    first = start(db_file)
    try:
        wait_for_lock(db_file.with_name("t.db.runner.lock"), first)
        # every other name of the file, as the lock sees it (this test is another process)
        for name in (db_file, other / "link.db", other / "hard.db",
                     other / ".." / "main" / "t.db"):
            lock = RunnerLock(name.with_name(name.name + ".runner.lock"), name)
            if name.is_symlink():
                real = name.resolve()
                lock = RunnerLock(real.with_name(real.name + ".runner.lock"), real)
            with pytest.raises(RunnerLocked, match="already running on this database"):
                lock.acquire()
        # and the whole command, through the hard link (its own lock file is free)
        second = start(other / "hard.db")
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


def test_a_new_database_with_a_deleted_ones_inode_is_locked_itself(tmp_path, monkeypatch):
    """The lock's descriptor is kept per inode for the process's life. A database deleted
    and another created in its place can get the same inode number: the kept descriptor
    is the deleted file's, and the new one must be opened and locked itself."""
    from engine.runtime import runner

    old, new = tmp_path / "old.db", tmp_path / "new.db"
    old.write_bytes(b"")
    new.write_bytes(b"")
    lock = RunnerLock(tmp_path / "old.db.runner.lock", old)
    lock.acquire()
    lock.release()
    deleted = runner._DATABASE_HANDLES[runner._inode(old)]
    old.unlink()
    # the new file, as if it had the deleted one's inode number
    monkeypatch.setitem(runner._DATABASE_HANDLES, runner._inode(new), deleted)
    lock = RunnerLock(tmp_path / "new.db.runner.lock", new)
    lock.acquire()
    try:
        other = os.open(new, os.O_RDONLY)  # another open file: flock conflicts with ours
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(other)
    finally:
        lock.release()
