"""The editor's walk-through: the panel beside the canvas, its runs, the path they draw on
the canvas, and the editor's side panels that make room for it.

Contract:
- `WalkthroughController(database, header, settings=None, parent=None)` owns a
  `WalkthroughRunner` (`runner`, app/walkthrough_runner.py: the runs off the GUI thread)
  and shows its `panel` while the header's Walk through button is checked
  (`show_side()` re-applies that; the page calls it when it re-reads the journey).
- `attach(editor)` takes a new `JourneyEditor`: its palette and inspector are shown as
  remembered in `settings` (QSettings, `PANELS_KEY`) when given, and folded away while the
  walk-through is open (the canvas needs the room; closing the panel brings them back as
  they were, unless the marketer chose otherwise meanwhile — that choice is kept).
- `set_document(document)` says which journey to walk (None: the journey is closed, the
  editor with it). The path of the last run is highlighted on the canvas while the panel
  is open; an edit of the journey's steps or links clears it (the run no longer
  describes the journey) and marks the panel's timeline outdated.
- Clicking a row of the timeline selects and centres that step.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, QTimer

from app.walkthrough_runner import WalkthroughRunner
from engine.db.database import Database

PANELS_KEY = "editor/panels"  # "palette,inspector" shown, as 0/1


class WalkthroughController(QObject):
    def __init__(self, database: Database, header, settings: QSettings | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.header, self._settings = header, settings
        self.editor = None
        self.document = None
        self._path_current = False  # the last run's path still describes the journey
        self._panels_before_walk: tuple[bool, bool] | None = None
        self.runner = WalkthroughRunner(database, self)
        self.panel = self.runner.panel
        self.panel.step_clicked.connect(self._select_step)
        self.runner.path_changed.connect(self._walked)
        header.walkthrough_toggled.connect(self._toggle)

    def _is_open(self) -> bool:
        return self.header.walkthrough.isChecked()

    # ---- the journey -----------------------------------------------------------------------

    def attach(self, editor) -> None:
        self.editor, self._path_current = editor, False
        self._restore_panels()
        editor.panels_changed.connect(self._panels_changed)
        if self._is_open():  # still open: it keeps the room it had
            self._panels_before_walk = (editor.palette_toggle.isChecked(),
                                        editor.inspector_toggle.isChecked())
            self._auto_panels(False, False)

    def set_document(self, document) -> None:
        self.document = document
        if document is not None:
            bridge = document.bridge
            for fact in (bridge.node_added, bridge.node_removed, bridge.edge_added,
                         bridge.edge_removed, bridge.config_changed, bridge.reset):
                fact.connect(self._path_outdated)
        self.runner.set_document(document)
        if document is None:
            self.editor = None

    # ---- the panel and the path ------------------------------------------------------------

    def show_side(self) -> None:
        self.panel.setVisible(self._is_open())

    def _toggle(self, open_: bool) -> None:
        if self.editor is not None:
            if open_:  # the walk-through takes the room of the palette and inspector
                self._panels_before_walk = (self.editor.palette_toggle.isChecked(),
                                            self.editor.inspector_toggle.isChecked())
                self._auto_panels(False, False)
            elif self._panels_before_walk is not None:
                self._auto_panels(*self._panels_before_walk)
                self._panels_before_walk = None
        self.show_side()
        self._show_path()
        if self.editor is not None:  # the canvas changed size: show the journey again
            QTimer.singleShot(0, self._reframe)

    def _reframe(self) -> None:
        if self.editor is not None:
            path = self.runner.last_path() if self._path_current else []
            self.editor.view.fit_readable(path or None)

    def _walked(self, path: list) -> None:
        self._path_current = bool(path)
        self._show_path(frame=True)

    def _show_path(self, frame: bool = False) -> None:
        if self.editor is None:
            return
        shown = self._is_open() and self._path_current
        self.editor.highlight_path(self.runner.last_path() if shown else [], frame)

    def _path_outdated(self, *_args) -> None:
        if self._path_current:
            self._path_current = False
            self._show_path()
            self.panel.mark_outdated()

    def _select_step(self, node_id: str) -> None:
        if self.editor is not None and self.document.journey.has_node(node_id):
            self.editor.select_node(node_id)

    # ---- the editor's side panels ------------------------------------------------------------

    def _auto_panels(self, palette: bool, inspector: bool) -> None:
        """Fold or unfold the side panels for the walk-through without remembering it."""
        self.editor.panels_changed.disconnect(self._panels_changed)
        try:
            self.editor.show_palette(palette)
            self.editor.show_inspector(inspector)
        finally:
            self.editor.panels_changed.connect(self._panels_changed)

    def _restore_panels(self) -> None:
        if self._settings is None:
            return
        stored = str(self._settings.value(PANELS_KEY, "1,1")).split(",")
        palette, inspector = (part.strip() != "0" for part in (stored + ["1", "1"])[:2])
        self.editor.show_palette(palette)
        self.editor.show_inspector(inspector)

    def _panels_changed(self, palette: bool, inspector: bool) -> None:
        if self._settings is not None:
            self._settings.setValue(PANELS_KEY, f"{int(palette)},{int(inspector)}")
        if self._is_open():
            self._panels_before_walk = None  # the marketer chose: keep it after the walk
