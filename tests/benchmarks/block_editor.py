"""Block editor speed, measured (not a test): `python -m tests.benchmarks.block_editor`.

Prints ONE JSON line, milliseconds (target from the block-editor issue in brackets):
- `block_edit_to_preview_ms` [< 150]: median time from a block edit in the side form (a
  heading's text changed, as when the typing pause ends) to the preview showing the new
  email — the real path: `BlockEditor` → the email session (the edit stored as an undo
  step of a saved template, lint and render in a background `Task`) → `EmailPreview`,
  until QtWebEngine has loaded the new page (`loadFinished`; without QtWebEngine the
  simplified view, which shows it at once); the edit's checks finish before the next
  edit. `block_edit_to_preview_p90_ms`: the 90th percentile.
- `block_edit_handed_to_preview_ms`: of that, the GUI thread's own part — the edit made,
  the list row redrawn, stored as an undo step, rendered and handed to the preview (the
  rest is QtWebEngine loading the page, and whatever else the machine is doing).
- `block_edit_naive_full_rebuild_ms`: the same edit the naive way, on the GUI thread:
  the template stored, the whole editor rebuilt from it (palette, list, form), the email
  compiled from scratch (caches cleared) and linted, rendered and loaded in the preview.
- `blocks`: blocks in the email (the newsletter starter design, its content repeated to
  30 blocks and more); `edits`: edits measured.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from widgets.email_preview import prepare_web_engine  # noqa: E402

prepare_web_engine()

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

EDITS = 15


def _wait(condition, timeout_s: float = 10.0) -> None:
    deadline = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the preview did not update")
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)


class _Loaded:
    """Counts the preview's page loads (or shows, without QtWebEngine)."""

    def __init__(self, preview):
        self.count = 0
        if preview.uses_web_engine:
            preview.web.loadFinished.connect(self._done)
        else:
            original = preview.show_email

            def show(email, original=original):
                original(email)
                self._done()

            preview.show_email = show

    def _done(self, *_args) -> None:
        self.count += 1


def main() -> None:
    app = QApplication.instance() or QApplication([])
    from app.email_session import open_email_editor
    from app.saved_template_document import SavedTemplateDocument
    from app.template_library import create_template
    from engine.blocks import compile as block_compile
    from engine.db import open_database
    from engine.journey.drafts import store_template
    from engine.messaging import render as message_render
    from engine.messaging.lint import lint_template
    from engine.messaging.preview import render_preview
    from engine.messaging.starter_emails import starter_design
    from widgets.block_editor.editor import BlockEditor
    from widgets.email_preview import EmailPreview

    folder = Path(tempfile.mkdtemp())
    db = open_database(f"sqlite:///{folder / 'bench.db'}")
    template = starter_design("newsletter")
    # a long email: the newsletter's content blocks repeated to 30 blocks and more
    from engine.blocks import duplicate_block

    doc = template.blocks
    while sum(1 for _ in doc.walk()) < 32:
        for block in [b for b in doc.blocks if b.type in ("text", "image", "button")][:4]:
            doc = duplicate_block(doc, block.id)[0]
    template = template.model_copy(update={"blocks": doc})
    with db.session() as session:
        template_id = create_template(session, template, datetime.now(timezone.utc))
    heading = next(b for b in template.blocks.blocks if b.type == "heading").id

    # ---- the real path ---------------------------------------------------------------------
    document = SavedTemplateDocument(db, template_id, template)
    dialog = open_email_editor(None, db, template, None, None, document)
    loaded = _Loaded(dialog.preview)
    _wait(lambda: loaded.count >= 1 and not dialog.session.is_checking())
    timings, handed = [], []
    for n in range(EDITS):
        before = loaded.count
        start = time.perf_counter()
        dialog.editor.update(heading, {"text": f"Our news, edition {n}"}, None)
        handed.append((time.perf_counter() - start) * 1000)
        _wait(lambda: loaded.count > before)
        timings.append((time.perf_counter() - start) * 1000)
        _wait(lambda: not dialog.session.is_checking())  # its checks, before the next edit
    dialog.close()

    # ---- naive: rebuild everything, compile from scratch, on the GUI thread ----------------
    preview = EmailPreview(choose_contact=False)
    preview.resize(800, 900)
    preview.show()
    naive_loaded = _Loaded(preview)
    naive = []
    current = template
    for n in range(EDITS):
        before = naive_loaded.count
        start = time.perf_counter()
        blocks = current.blocks.model_copy()
        from engine.blocks import update_block

        current = current.model_copy(update={"blocks": update_block(
            blocks, heading, {"text": f"Our news, take {n}"})})
        with db.session() as session:  # stored, as the real path stores each edit
            store_template(session, template_id, current, datetime.now(timezone.utc))
        editor = BlockEditor(current)  # the whole editor rebuilt
        block_compile.compile_blocks.cache_clear()
        message_render._compile.cache_clear() if hasattr(message_render._compile, "cache_clear") else None
        lint_template(current)
        with db.session() as session:
            preview.show_email(render_preview(current, now=datetime.now(timezone.utc),
                                              session=session))
        _wait(lambda: naive_loaded.count > before)
        naive.append((time.perf_counter() - start) * 1000)
        editor.deleteLater()

    print(json.dumps({
        "block_edit_to_preview_ms": round(statistics.median(timings), 1),
        "block_edit_to_preview_p90_ms": round(sorted(timings)[int(len(timings) * 0.9) - 1], 1),
        "block_edit_handed_to_preview_ms": round(statistics.median(handed), 1),
        "block_edit_naive_full_rebuild_ms": round(statistics.median(naive), 1),
        "blocks": sum(1 for _ in template.blocks.walk()),
        "edits": EDITS,
        "web_engine": dialog.preview.uses_web_engine,
    }))
    QTimer.singleShot(0, app.quit)


if __name__ == "__main__":
    main()
