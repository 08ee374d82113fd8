"""Fault fixtures: small tmpfs mounts (a full disk) and read-only bind mounts.

Both need root and a kernel that lets this container mount; when it cannot, the tests
that use them are skipped with the reason (never faked with mocks).
"""

from __future__ import annotations

import os
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*args: str) -> str | None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    return None if done.returncode == 0 else (done.stderr.strip() or f"mount exit {done.returncode}")


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


@contextmanager
def _tmpfs(path: Path, size: str):
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("a tmpfs needs root to mount (this run is not root)")
    problem = _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
    if problem:
        pytest.skip(f"cannot mount a tmpfs here: {problem}")
    try:
        yield path
    finally:
        _umount(path)


@pytest.fixture
def small_disk(tmp_path):
    """A 32 MB tmpfs folder: fill it to get a real ENOSPC."""
    with _tmpfs(tmp_path / "disk", "32m") as path:
        yield path


@pytest.fixture
def read_only_view(tmp_path):
    """(writable folder, read-only view of the same folder): set up, then look read-only."""
    with _tmpfs(tmp_path / "rw", "16m") as writable:
        view = tmp_path / "ro"
        view.mkdir()
        problem = _mount("--bind", str(writable), str(view))
        if problem:
            pytest.skip(f"cannot bind-mount here: {problem}")
        try:
            problem = _mount("-o", "remount,ro,bind", str(view))
            if problem:
                pytest.skip(f"cannot remount read-only here: {problem}")
            yield writable, view
        finally:
            _umount(view)


def fill(folder: Path) -> None:
    """Fill the disk under `folder` to the last byte (unbuffered writes, large then small)."""
    descriptor = os.open(folder / "ballast", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (1 << 20, 65536, 4096, 512, 1):
            try:
                while True:
                    os.write(descriptor, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(descriptor)
