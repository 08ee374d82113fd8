"""Remembers that the browser engine took the app down, so the next start previews emails
in the simplified view instead of crashing again.

Contract: QtWebEngine draws with the machine's OpenGL; a broken driver (a virtual
machine, a remote desktop, a virtual X server) can crash its GPU process and the whole
app with it the moment an email preview first paints — and then again every time. So:

- `install(marker)` (app/gui.py, at start) names a file for this run. If that file is
  there and was left by a Trellis that is no longer running, the last run ended while the
  browser engine was starting: `usable()` is False for this run (and the next ones) until
  `retry()`. A marker whose process still runs is another Trellis starting its preview:
  not a crash.
- `arm()`: a preview is about to load its first email in this process; the marker is
  written (with this process's id). `settle()`: that first email loaded and had time to
  paint; the marker is removed, and the guard is done for this run. `release()` at a
  clean exit removes a marker still armed (the app closed before the first load settled).
- `retry()` (the previews' "Try the exact preview again") forgets the crash: the marker
  is removed and `usable()` is True; the next first load is guarded again.
- Without `install()` (tests, tools) nothing is written and `usable()` is True.

Only the start of the browser engine is guarded: a crash later (an hour into the run) is
not blamed on it.
"""

from __future__ import annotations

import os
from pathlib import Path

#: after the first email's load finished, wait this long (its first paints) before the
#: browser engine counts as working on this machine
SETTLE_MS = 3000

_marker: Path | None = None
_crashed = False
_armed = False
_settled = False


def install(marker: Path) -> None:
    """Guard this run with `marker`; notice a crash the last run left behind."""
    global _marker, _crashed, _armed, _settled
    _marker, _armed, _settled = Path(marker), False, False
    _crashed = _left_by_a_crash(_marker)


def uninstall() -> None:
    """Back to unguarded (tests)."""
    global _marker, _crashed, _armed, _settled
    _marker, _crashed, _armed, _settled = None, False, False, False


def usable() -> bool:
    return not _crashed


def crashed_last_time() -> bool:
    return _crashed


def arm() -> None:
    global _armed
    if _marker is None or _crashed or _armed or _settled:
        return
    try:
        _marker.parent.mkdir(parents=True, exist_ok=True)
        _marker.write_text(f"{os.getpid()}\n", encoding="utf-8")
    except OSError:
        return  # no place to remember: the preview works as without the guard
    _armed = True


def settle() -> None:
    global _armed, _settled
    if _armed:
        _remove()
        _armed = False
    _settled = True


def release() -> None:
    global _armed
    if _armed:
        _remove()
        _armed = False


def retry() -> None:
    global _crashed, _settled
    if _marker is not None:
        _remove()
    _crashed, _settled = False, False


def _remove() -> None:
    try:
        _marker.unlink(missing_ok=True)
    except OSError:
        pass


def _left_by_a_crash(marker: Path) -> bool:
    try:
        text = marker.read_text(encoding="utf-8").strip()
    except OSError:  # none (the usual case), or unreadable: no crash to remember
        return False
    pid = int(text) if text.isdigit() else None
    return not (pid is not None and pid != os.getpid() and _running(pid))


def _running(pid: int) -> bool:
    if os.name != "posix":
        return False  # no cheap, safe check here: a marker left behind counts as a crash
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True
