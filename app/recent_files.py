"""Recently used journey files, newest first, kept in QSettings.

Contract: `RecentFiles(settings, limit=8)`; `add(path)` moves the path (resolved) to the
front and trims the list; `paths()` returns the ones that still exist, newest first (a
deleted or moved file silently drops out); `remove(path)` forgets one; `clear()` forgets
all. `changed()` is emitted after every change, so menus rebuild themselves.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal

KEY = "files/recent"
LIMIT = 8


class RecentFiles(QObject):
    changed = Signal()

    def __init__(self, settings: QSettings, limit: int = LIMIT, parent: QObject | None = None):
        super().__init__(parent)
        self._settings = settings
        self._limit = limit

    def _stored(self) -> list[str]:
        value = self._settings.value(KEY, [])
        # QSettings hands back a bare string for a one-item list in INI files
        return [value] if isinstance(value, str) else list(value or [])

    def _store(self, paths: list[str]) -> None:
        self._settings.setValue(KEY, paths[: self._limit])
        self.changed.emit()

    def paths(self) -> list[Path]:
        return [Path(p) for p in self._stored() if Path(p).is_file()]

    def add(self, path: str | Path) -> None:
        text = str(Path(path).resolve())
        self._store([text, *(p for p in self._stored() if p != text)])

    def remove(self, path: str | Path) -> None:
        text = str(Path(path).resolve())
        self._store([p for p in self._stored() if p != text])

    def clear(self) -> None:
        self._store([])
