"""The contacts workspace's sidebar: everyone, each status, each list — with counts.

Contract: `ContactsSidebar(sources)` takes `sources() -> [SidebarSource]` (see
`engine.contacts.directory`: kind, name, count, query). `refresh()` reads them again and
keeps the current choice when it still exists; choosing an entry emits
`source_chosen(query)`. Any kind of source shows the same way, so saved segments plug in
by adding entries of kind "segment" to `sources()`.
"""

from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from widgets import formatting

SECTION_TITLES = {"status": "Statuses", "list": "Lists", "segment": "Segments"}
QUERY_ROLE = Qt.ItemDataRole.UserRole + 10
KEY_ROLE = Qt.ItemDataRole.UserRole + 11


class ContactsSidebar(QListWidget):
    source_chosen = Signal(object)

    def __init__(self, sources: Callable[[], Sequence], parent=None):
        super().__init__(parent)
        self._sources = sources
        self.setObjectName("contactsSidebar")
        self.setFixedWidth(220)
        # a long segment name is cut short with "…" (its tooltip has it whole), never
        # scrolled to sideways
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.currentItemChanged.connect(self._chosen)

    def refresh(self) -> None:
        current = self.currentItem()
        key = current.data(KEY_ROLE) if current is not None else ("all", "All contacts")
        self.blockSignals(True)
        self.clear()
        section = None
        chosen = None
        for source in self._sources():
            if source.kind != section and source.kind in SECTION_TITLES:
                header = QListWidgetItem(SECTION_TITLES[source.kind].upper())
                header.setFlags(Qt.ItemFlag.NoItemFlags)
                header.setFont(_header_font(self.font()))
                self.addItem(header)
            section = source.kind
            if source.count is None:  # a segment the engine has not computed yet
                item = QListWidgetItem(f"{source.name}  ·  …")
                item.setToolTip(f"{source.name} is counted at the engine's next scan")
            else:
                item = QListWidgetItem(f"{source.name}  ·  {formatting.count(source.count)}")
                item.setToolTip(f"{formatting.plural(source.count, 'contact')} in {source.name}")
            item.setData(QUERY_ROLE, source.query)
            item.setData(KEY_ROLE, (source.kind, source.name))
            self.addItem(item)
            if (source.kind, source.name) == tuple(key):
                chosen = item
        if chosen is not None:
            self.setCurrentItem(chosen)
        self.blockSignals(False)

    def entries(self) -> list[str]:
        """The entries' texts, as shown (headers included)."""
        return [self.item(row).text() for row in range(self.count())]

    def choose(self, name: str) -> None:
        for row in range(self.count()):
            item = self.item(row)
            key = item.data(KEY_ROLE)
            if key and key[1] == name:
                self.setCurrentItem(item)
                return
        raise LookupError(f"no sidebar entry {name!r}")

    def clear_choice(self) -> None:
        self.blockSignals(True)
        self.setCurrentItem(None)
        self.blockSignals(False)

    def _chosen(self, item: QListWidgetItem | None, _previous) -> None:
        if item is not None and item.data(QUERY_ROLE) is not None:
            self.source_chosen.emit(item.data(QUERY_ROLE))


def _header_font(base: QFont) -> QFont:
    """A group title: small capitals' weight, like the inspector's section titles."""
    font = QFont(base)
    font.setPointSizeF(max(base.pointSizeF() - 1.5, 7.0))
    font.setWeight(QFont.Weight.DemiBold)
    font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 106)
    return font
