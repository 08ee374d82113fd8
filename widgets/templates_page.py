"""The Templates page: every email template with its subject line and last change.

Contract: `TemplatesPage(load)` where `load()` returns template summaries with `id`,
`key`, `name`, `subject` and `updated_at` (see `app.overview.TemplateSummary`);
`refresh()` calls it again. No templates: an explanatory empty state.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from PySide6.QtWidgets import QLabel

from widgets import formatting
from widgets.empty_state import EmptyState
from widgets.page_parts import DataTable, Page, TableCard
from widgets.table_model import Column, RowsModel

COLUMNS = [
    Column("Template", lambda t: t.name, tooltip=lambda t: f"{t.name} ({t.key})", emphasis=True),
    Column("Subject line", lambda t: t.subject, tooltip=lambda t: t.subject),
    Column(
        "Updated",
        lambda t: formatting.relative(t.updated_at),
        tooltip=lambda t: formatting.timestamp(t.updated_at),
        muted=True,
    ),
]

EMPTY_TITLE = "No email templates yet"
EMPTY_BODY = (
    "A template holds the subject line, preview text and body of one email. Journeys "
    "send them, filled in with each contact’s details, and a journey file brings the "
    "templates it uses along with it."
)


class TemplatesPage(Page):
    def __init__(self, load: Callable[[], Sequence[Any]], parent=None):
        super().__init__("Templates", "The emails your journeys send.", parent)
        self._load = load
        self.count_label = QLabel(objectName="countLabel")
        self.header.add_widget(self.count_label)

        self.model = RowsModel(COLUMNS, self)
        self.table = DataTable()
        self.table.setModel(self.model)
        self.table.set_column_widths(1, {0: 300, 2: 150})
        self.empty = EmptyState("templates", EMPTY_TITLE, EMPTY_BODY)

        self.card = TableCard(self.table, self.empty)
        self.content.addWidget(self.card, 1)
        self.content.addStretch(0)

    def refresh(self) -> None:
        rows = list(self._load())
        self.model.set_rows(rows)
        self.count_label.setText(formatting.plural(len(rows), "template") if rows else "")
        self.card.show_widget(self.table if rows else self.empty)
