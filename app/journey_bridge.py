"""`JourneyBridge`: a journey's plain-Python events, re-emitted as Qt signals.

Contract:
- `JourneyBridge(journey)` subscribes to the journey at once; `detach()` unsubscribes
  (a document calls it when it is closed, so a dead bridge never keeps the journey alive).
- One signal per `engine.journey.model.JourneyEvent` kind, named as the fact it reports
  (DESIGN §8: past tense): `node_added(id)`, `node_removed(id)`, `edge_added(source, port,
  target)`, `edge_removed(source, port, target)`, `config_changed(id)`, `title_changed(id)`,
  `nodes_moved(dict id -> (x, y))`, `settings_changed()`, `templates_changed()`,
  `renamed()`, `reset()`. After each of them `changed()` is emitted, for listeners that
  only need to know that *something* changed (validation, the dirty marker, the minimap).
- Events are delivered synchronously, in the order the journey emits them, and only on
  the thread that owns the bridge: journeys are edited on the GUI thread (DESIGN §6); an
  event from another thread is a bug and raises at once instead of corrupting the scene.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from engine.journey.model import Journey, JourneyEvent


class JourneyBridge(QObject):
    node_added = Signal(str)
    node_removed = Signal(str)
    edge_added = Signal(str, str, str)
    edge_removed = Signal(str, str, str)
    config_changed = Signal(str)
    title_changed = Signal(str)
    nodes_moved = Signal(dict)
    settings_changed = Signal()
    templates_changed = Signal()
    renamed = Signal()
    reset = Signal()
    changed = Signal()

    def __init__(self, journey: Journey, parent: QObject | None = None):
        super().__init__(parent)
        self.journey = journey
        self._thread = threading.get_ident()
        self._dispatch = {
            "node_added": lambda e: self.node_added.emit(e.node_id),
            "node_removed": lambda e: self.node_removed.emit(e.node_id),
            "edge_added": lambda e: self.edge_added.emit(*e.edge),
            "edge_removed": lambda e: self.edge_removed.emit(*e.edge),
            "config_changed": lambda e: self.config_changed.emit(e.node_id),
            "title_changed": lambda e: self.title_changed.emit(e.node_id),
            "nodes_moved": lambda e: self.nodes_moved.emit(dict(e.positions)),
            "settings_changed": lambda e: self.settings_changed.emit(),
            "templates_changed": lambda e: self.templates_changed.emit(),
            "renamed": lambda e: self.renamed.emit(),
            "reset": lambda e: self.reset.emit(),
        }
        journey.subscribe(self._on_event)

    def detach(self) -> None:
        self.journey.unsubscribe(self._on_event)

    def _on_event(self, event: JourneyEvent) -> None:
        if threading.get_ident() != self._thread:
            raise RuntimeError("a journey was edited off the GUI thread")
        self._dispatch[event.kind](event)
        self.changed.emit()
