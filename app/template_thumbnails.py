"""Thumbnails of emails for the Templates page: rendered off the GUI thread, cached.

Contract:
- `ThumbnailMaker(database, folder=None, now=…)`; `request(entries)` renders each entry's
  template for the sample contact (`render_preview`, nothing written) in one background
  `Task` at a time, in order, then paints each small
  (`widgets.email_thumbnail.thumbnail_png`) on the GUI thread, one picture per turn of
  the event loop: Qt's text layout (fonts) is not safe beside the GUI thread's painting —
  it crashed there. Each picture arrives as `ready(ident, QImage)`. Entries asked for
  while a batch runs are queued (the latest request for an ident wins).
- Cached by content: the key is a hash of the template's fields and of `extra()` (e.g.
  the brand kit, which changes every picture), so an unchanged email is never rendered
  twice, in memory and — with `folder` — on disk as `<hash>.png` across runs. An email
  that cannot be rendered gets a picture that says so (its editor shows why).
- `renders` counts the pictures actually rendered (tests read it to see the cache work).
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from app.app_folders import app_folder
from app.background import Task
from engine.db.database import Database
from engine.journey.data import EmailTemplate
from engine.messaging.preview import render_preview
from widgets.email_thumbnail import thumbnail_image, thumbnail_png

log = logging.getLogger("trellis.app")
UNRENDERABLE = ("<div style='font-family:sans-serif;color:#a33;padding:40px;font-size:28px'>"
                "This email cannot be made yet: open it to see why.</div>")


def content_hash(template: EmailTemplate, extra: str = "") -> str:
    data = json.dumps(template.model_dump(mode="json"), sort_keys=True) + "\x00" + extra
    return hashlib.sha256(data.encode()).hexdigest()[:32]


class ThumbnailMaker(QObject):
    ready = Signal(str, object)  # ident, QImage

    def __init__(self, database: Database, folder: Path | None = None, parent=None, *,
                 now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 extra: Callable[[], str] = lambda: ""):
        super().__init__(parent)
        self._database, self._folder, self._now, self._extra = database, folder, now, extra
        self._memory: dict[str, bytes] = {}
        self._queue: dict[str, tuple[str, EmailTemplate]] = {}
        self._task: Task | None = None
        self._to_paint: list[tuple[str, str, str]] = []  # ident, digest, html
        self._painter = QTimer(self, interval=0)
        self._painter.timeout.connect(self._paint_one)
        self.renders = 0

    def request(self, entries) -> None:
        extra = self._extra()
        for entry in entries:
            digest = content_hash(entry.template, extra)
            png = self._cached(digest)
            if png is not None:
                self.ready.emit(entry.ident, thumbnail_image(png))
            else:
                self._queue[entry.ident] = (digest, entry.template)
        self._start()

    def busy(self) -> bool:
        return self._task is not None or bool(self._queue) or bool(self._to_paint)

    def _cached(self, digest: str) -> bytes | None:
        if digest in self._memory:
            return self._memory[digest]
        if self._folder is not None:
            path = self._folder / f"{digest}.png"
            if path.is_file():
                self._memory[digest] = path.read_bytes()
                return self._memory[digest]
        return None

    def _start(self) -> None:
        if self._task is not None or not self._queue:
            return
        batch, self._queue = self._queue, {}
        now = self._now()

        def work(progress, cancelled):
            made = []
            with self._database.session() as session:
                for number, (ident, (digest, template)) in enumerate(batch.items()):
                    if cancelled():
                        break
                    try:
                        html = render_preview(template, now=now, session=session).html
                    except Exception as error:  # noqa: BLE001 - any failure: say so in the picture
                        log.info("no thumbnail for %s: %s", ident, error)
                        html = UNRENDERABLE
                    made.append((ident, digest, html))
                    progress((number + 1) / len(batch))
            return made

        self._task = Task(work, self, name="trellis-thumbnails")
        self._task.succeeded.connect(self._made)
        self._task.finished.connect(self._next)
        self._task.start()

    def _made(self, made) -> None:
        self._to_paint.extend(made)
        self._painter.start()

    def _paint_one(self) -> None:
        if not self._to_paint:
            self._painter.stop()
            return
        ident, digest, html = self._to_paint.pop(0)
        png = thumbnail_png(html)
        self.renders += 1
        self._memory[digest] = png
        if self._folder is not None:
            try:
                self._folder.mkdir(parents=True, exist_ok=True)
                (self._folder / f"{digest}.png").write_bytes(png)
            except OSError as error:  # a cache that cannot be written is only slower
                log.info("thumbnail cache not written: %s", error)
        self.ready.emit(ident, thumbnail_image(png))

    def _next(self) -> None:
        self._task.deleteLater()
        self._task = None
        self._start()


def thumbnail_folder(settings) -> Path:
    """Where thumbnails are kept between runs (app_folders: beside an INI settings file,
    else the user cache folder)."""
    return app_folder(settings, "cache") / "thumbnails"
