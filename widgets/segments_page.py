"""The Segments page: saved segments with their sizes, and the builder beside them.

Contract: `SegmentsPage(source)` where `source` answers what `SegmentBuilder` asks plus
`segments() -> [dict(name, description, condition, size, computed_at)]`, and does the
writes: `save(name, description, condition, old_name)` (raises with a sentence when the
segment is refused), `delete(name)`, `add_starters() -> [names]`. Picking a segment in
the list shows it in the builder (the first one when the page opens on nothing);
"New segment" starts an empty one; with no segment yet,
"Add the starter segments" offers New, Returning customers, Active, Inactive, Engaged,
VIP and At risk. `refresh()` re-reads the list.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QScrollArea, QVBoxLayout,
)

from widgets.page_parts import Card, Page
from widgets.segment_builder import SegmentBuilder


class SegmentsPage(Page):
    def __init__(self, source: Any, parent=None):
        super().__init__("Segments", "Named groups of contacts, counted as you build them.",
                         parent)
        self.source = source
        self._segments: dict[str, dict] = {}
        self.list = QListWidget(objectName="segmentList")
        self.list.setMinimumWidth(240)
        self.new = QPushButton("New segment")
        self.starters = QPushButton("Add the starter segments")
        self.builder = SegmentBuilder(source)
        left = QVBoxLayout()
        left.addWidget(self.new)
        left.addWidget(self.starters)
        left.addWidget(self.list, 1)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)  # the card is the frame
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.builder)
        card = Card()
        card.body.addWidget(scroll)
        row = QHBoxLayout()
        row.addLayout(left)
        row.addWidget(card, 1)
        self.content.addLayout(row, 1)

        self.list.currentItemChanged.connect(self._picked)
        self.new.clicked.connect(self.start_new)
        self.starters.clicked.connect(self._add_starters)
        self.builder.save_requested.connect(self._save)
        self.builder.delete_requested.connect(self._delete)

    def refresh(self, select: str | None = None) -> None:
        select = select if select is not None else self.builder.loaded_name()
        self._segments = {s["name"]: s for s in self.source.segments()}
        self.list.blockSignals(True)
        self.list.clear()
        for name, segment in self._segments.items():
            size = segment["size"]
            item = QListWidgetItem(f"{name}  ·  {size:,}" if size is not None else name)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(segment["description"] or name)
            self.list.addItem(item)
            if name == select:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self.starters.setVisible(not self._segments)
        self.builder.load_suggestions()
        if self.list.currentItem() is None and self.list.count() and not self.builder.name.text():
            self.list.setCurrentRow(0)  # something to look at, rather than an empty form

    def names(self) -> list[str]:
        return list(self._segments)

    def select(self, name: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == name:
                self.list.setCurrentRow(row)

    def start_new(self) -> None:
        self.list.clearSelection()
        self.builder.load(None)
        self.builder.name.setFocus()

    def _picked(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.builder.load(self._segments[item.data(Qt.ItemDataRole.UserRole)])

    def _save(self, name: str, description: str, condition: dict) -> None:
        try:
            self.source.save(name, description, condition, self.builder.loaded_name())
        except Exception as error:  # noqa: BLE001 — the engine's refusal, in words
            self.builder.show_error(str(error))
            return
        self.refresh(select=name)
        self.builder.load(self._segments[name])

    def _delete(self, name: str) -> None:
        if name:
            self.source.delete(name)
            self.refresh(select="")
            self.start_new()

    def _add_starters(self) -> None:
        added = self.source.add_starters()
        self.refresh(select=added[0] if added else None)
        if added:
            self.select(added[0])
