"""The list pages and the navigation rail, driven with plain in-memory rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from widgets import formatting
from widgets.contacts_page import ContactsPage
from widgets.journeys_page import JourneysPage
from widgets.nav_bar import NavBar
from widgets.settings_page import SettingsPage
from widgets.table_model import ROW_ROLE, TONE_ROLE
from widgets.templates_page import TemplatesPage

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Journey:
    id: int
    name: str
    status: str
    live_version: int | None
    active_contacts: int
    updated_at: datetime
    entered_30: int = 0
    conversion_rate_30: float = 0.0
    revenue_30: float = 0.0
    warnings: tuple = ()
    currency: str = "USD"


@dataclass(frozen=True)
class Contact:
    id: int
    email: str
    name: str
    status: str = "active"
    lead_score: int = 0
    country: str | None = None
    created_at: datetime = NOW


@dataclass(frozen=True)
class Template:
    id: int
    key: str
    name: str
    subject: str
    kind: str = "saved"
    journey_name: str = ""
    used_by: tuple = ()

    @property
    def ident(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def where(self) -> str:
        return "Saved template" if self.kind == "saved" else f"In {self.journey_name}"


class FakeContacts:
    """count/fetch over a list by ContactQuery, newest (highest id) first, like the engine."""

    def __init__(self, contacts):
        self.contacts = sorted(contacts, key=lambda c: -c.id)
        self.fetches = []

    def _matching(self, search):
        s = search.lower()
        return [c for c in self.contacts if s in c.email.lower() or s in c.name.lower()]

    def count(self, query):
        return len(self._matching(query.search))

    def fetch(self, query, offset, limit):
        self.fetches.append((query.search, offset, limit))
        return self._matching(query.search)[offset : offset + limit]


def cell(model, row, column, role=Qt.ItemDataRole.DisplayRole):
    return model.index(row, column).data(role)


def refreshed(qtbot, page) -> None:
    """Refresh the Journeys page and wait for its rows (they are read off the GUI thread)."""
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.refresh()


def test_journeys_page_empty_state_then_rows(qtbot):
    rows = []
    page = JourneysPage(lambda archived=False: [] if archived else rows)
    qtbot.addWidget(page)
    refreshed(qtbot, page)
    assert page.card.current_widget() is page.empty
    assert "No journeys yet" in page.empty.title.text()

    rows.append(Journey(7, "Welcome series", "live", 3, 1234, NOW - timedelta(days=30)))
    refreshed(qtbot, page)
    assert page.card.current_widget() is page.table
    assert [cell(page.model, 0, c) for c in range(8)] == [
        "Welcome series",
        "Live",
        "v3",
        "1,234",
        "0",
        "—",  # nobody entered in 30 days: no rate
        "$0.00",
        formatting.date(NOW - timedelta(days=30)),
    ]
    assert cell(page.model, 0, 1, TONE_ROLE) == "success"
    assert page.count_label.text() == "1 journey"


def test_journeys_list_sorts_by_its_30_day_figures_and_keeps_the_order(qtbot):
    rows = [Journey(1, "Alpha", "live", 1, 5, NOW, 40, 0.25, 120.5),
            Journey(2, "beta", "live", 1, 9, NOW, 300, 0.05, 80.0,
                    ("Unsubscribes are spiking: 2.0% of the last 200 emails",)),
            Journey(3, "Gamma", "draft", None, 0, NOW)]
    page = JourneysPage(lambda archived=False: list(rows))
    qtbot.addWidget(page)
    refreshed(qtbot, page)
    names = lambda: [page.model.rows[i].name for i in range(page.model.rowCount())]  # noqa: E731
    assert [cell(page.model, 1, c) for c in (0, 4, 5, 6)] == [
        "beta  ⚠", "300", "5.0 %", "$80.00"]
    assert "spiking" in cell(page.model, 1, 0, Qt.ItemDataRole.ToolTipRole)
    page.sort_by("Revenue")
    assert names() == ["Alpha", "beta", "Gamma"]
    page.sort_by("Entered")
    assert names() == ["beta", "Alpha", "Gamma"]
    page.sort_by("Conversion", Qt.SortOrder.AscendingOrder)
    assert names() == ["Gamma", "beta", "Alpha"]
    page.select_journey(2)
    page.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)  # a click
    assert names() == ["Alpha", "beta", "Gamma"]  # by name, whatever the case
    assert page.selected_journey_id() == 2  # the selection follows its row
    rows.reverse()
    refreshed(qtbot, page)
    assert names() == ["Alpha", "beta", "Gamma"]  # a refresh keeps the order chosen


def test_activating_a_journey_requests_opening_it(qtbot):
    page = JourneysPage(lambda archived=False: [Journey(7, "Welcome", "draft", None, 0, NOW)])
    qtbot.addWidget(page)
    refreshed(qtbot, page)
    with qtbot.waitSignal(page.journey_open_requested) as signal:
        page.table.activated.emit(page.model.index(0, 0))
    assert signal.args == [7]


def test_journeys_are_read_off_the_gui_thread_keeping_the_rows_shown(qtbot):
    import threading

    gui_thread = threading.current_thread()
    readers, release = [], threading.Event()
    first = [Journey(1, "Welcome", "live", 1, 5, NOW)]

    def load(archived=False):
        readers.append(threading.current_thread())
        if len(readers) > 1:
            release.wait(5)
        return list(first) + [Journey(2, f"Read {len(readers)}", "draft", None, 0, NOW)]

    page = JourneysPage(load)
    qtbot.addWidget(page)
    refreshed(qtbot, page)
    assert readers[0] is not gui_thread
    assert [r.name for r in page.model.rows] == ["Welcome", "Read 1"]
    page.select_journey(1)
    page.refresh()  # held until released: the rows and selection stay meanwhile
    assert page.loading and page.model.rowCount() == 2
    assert page.card.current_widget() is page.table
    page.refresh()  # overtakes the one before: its answer is dropped
    with qtbot.waitSignal(page.loaded, timeout=5000) as shown:
        release.set()
    assert [r.name for r in shown.args[0]] == ["Welcome", "Read 3"]
    qtbot.wait(100)  # the overtaken answer, had it been shown, would be here by now
    assert [r.name for r in page.model.rows] == ["Welcome", "Read 3"]
    assert not page.loading and page.selected_journey_id() == 1


def test_a_journey_selected_before_it_is_listed_is_selected_with_the_answer(qtbot):
    rows = [Journey(1, "Welcome", "draft", None, 0, NOW)]
    page = JourneysPage(lambda archived=False: list(rows))
    qtbot.addWidget(page)
    refreshed(qtbot, page)
    rows.append(Journey(9, "Welcome (2)", "draft", None, 0, NOW))
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.refresh()
        assert not page.select_journey(9)  # not listed yet: selected when it is
    assert page.selected_journey_id() == 9


def test_a_list_that_cannot_be_read_keeps_its_rows_and_says_so(qtbot):
    rows = [Journey(1, "Welcome", "draft", None, 0, NOW)]

    def load(archived=False):
        if not rows:
            raise OSError("database is locked")
        return list(rows)

    page = JourneysPage(load)
    qtbot.addWidget(page)
    refreshed(qtbot, page)
    rows.clear()
    page.refresh()
    qtbot.waitUntil(lambda: not page.loading, timeout=5000)
    assert page.model.rowCount() == 1
    assert page.count_label.text() == "The list could not be read"
    assert "database is locked" in page.count_label.toolTip()


def test_templates_page(qtbot):
    rows = []
    page = TemplatesPage(lambda: rows)
    qtbot.addWidget(page)
    page.refresh()
    assert page.stack.currentWidget() is page.empty
    rows.append(Template(1, "welcome-1", "Welcome", "Hello there"))
    rows.append(Template(2, "cart", "Cart reminder", "Still there?", "journey", "Abandoned cart"))
    with qtbot.waitSignal(page.thumbnails_wanted) as wanted:
        page.refresh()
    assert [e.ident for e in wanted.args[0]] == ["saved:1", "journey:2"]
    assert page.stack.currentWidget() is page.grid
    assert cell(page.model, 0, 0) == "Welcome"
    assert cell(page.model, 0, 0, ROW_ROLE).key == "welcome-1"
    assert page.count_label.text() == "1 saved template · 1 email in journeys"
    # search and the Show choice
    page.search.setText("abandoned")
    assert [e.name for e in page.entries()] == ["Cart reminder"]
    page.search.setText("nothing like it")
    assert page.stack.currentWidget() is page.no_match
    page.search.clear()
    page.show_choice.setCurrentIndex(page.show_choice.findData("saved"))
    assert [e.name for e in page.entries()] == ["Welcome"]
    page.show_choice.setCurrentIndex(0)


def test_templates_page_verbs_follow_the_selection(qtbot):
    rows = [Template(1, "welcome-1", "Welcome", "Hi"),
            Template(2, "cart", "Cart reminder", "Hi", "journey", "Abandoned cart")]
    page = TemplatesPage(lambda: rows)
    qtbot.addWidget(page)
    page.refresh()
    assert not any(b.isEnabled() for b in page.buttons.values())  # nothing selected
    page.select("journey:2")
    # a journey's email is renamed and removed in its journey
    assert {v for v, b in page.buttons.items() if b.isEnabled()} == {"open", "use", "duplicate"}
    with qtbot.assertNotEmitted(page.action_requested):
        page.actions["delete"].trigger()
    page.select("saved:1")
    assert all(b.isEnabled() for b in page.buttons.values())
    with qtbot.waitSignal(page.action_requested) as signal:
        page.buttons["delete"].click()
    assert signal.args[0] == "delete" and signal.args[1].ident == "saved:1"
    with qtbot.waitSignal(page.action_requested) as signal:
        page.grid.activated.emit(page.model.index(0))
    assert signal.args[0] == "open"
    page.refresh()  # the selection survives a reload
    assert page.selected().ident == "saved:1"


def test_contacts_page_explains_import_when_empty(qtbot):
    source = FakeContacts([])
    page = ContactsPage(source.count, source.fetch)
    qtbot.addWidget(page)
    page.refresh()
    assert page.card.current_widget() is page.empty
    assert "trellis contacts import" in page.empty.body.text()
    assert page.toolbar.isHidden()


def test_contacts_search_field_filters_after_a_pause(qtbot):
    source = FakeContacts(
        [
            Contact(1, "ada@example.com", "Ada Lovelace"),
            Contact(2, "grace@example.com", "Grace Hopper"),
            Contact(3, "alan@turing.org", "Alan Turing"),
        ]
    )
    page = ContactsPage(source.count, source.fetch)
    qtbot.addWidget(page)
    page.refresh()
    assert page.model.rowCount() == 3
    assert page.count_label.text() == "3 contacts"

    qtbot.keyClicks(page.search_field, "hopper")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert cell(page.model, 0, 0) == "grace@example.com"
    assert page.count_label.text() == "1 of 3 contacts"

    page.search("nobody-here")
    assert page.card.current_widget() is page.no_match
    assert "nobody-here" in page.no_match.body.text()


def test_contacts_fetch_lazily(qtbot):
    source = FakeContacts([Contact(i, f"c{i}@example.com", f"C {i}") for i in range(1, 5001)])
    page = ContactsPage(source.count, source.fetch)
    qtbot.addWidget(page)
    page.refresh()
    model = page.model
    assert model.total == 5000
    assert model.rowCount() == 200
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 400
    # each fetch continues after the rows shown
    assert source.fetches[-1] == ("", 200, 200)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 5000
    assert cell(model, 4999, 0) == "c1@example.com"


def test_settings_page_theme_choice_round_trip(qtbot):
    page = SettingsPage("sqlite:////data/trellis.db", "SQLite", None, "system")
    qtbot.addWidget(page)
    assert page.theme_buttons["system"].isChecked()
    with qtbot.waitSignal(page.theme_choice_requested) as signal:
        page.theme_buttons["dark"].click()
    assert signal.args == ["dark"]
    with qtbot.assertNotEmitted(page.theme_choice_requested):
        page.set_theme_choice("light")
    assert page.theme_buttons["light"].isChecked()


def test_settings_page_copies_the_database_location(qtbot, tmp_path):
    path = tmp_path / "trellis.db"
    page = SettingsPage(f"sqlite:///{path}", "SQLite", path, "light")
    qtbot.addWidget(page)
    page.copy_location()
    assert QGuiApplication.clipboard().text() == str(path)


def test_nav_bar_click_and_keyboard(qtbot):
    nav = NavBar()
    qtbot.addWidget(nav)
    for key in ("journeys", "contacts", "templates"):
        nav.add_item(key, key, key.title(), f"Go to {key}")
    nav.set_current("journeys")
    with qtbot.waitSignal(nav.current_changed) as signal:
        qtbot.mouseClick(nav.button("contacts"), Qt.MouseButton.LeftButton)
    assert signal.args == ["contacts"]
    assert nav.current() == "contacts"

    nav.show()
    nav.activateWindow()
    qtbot.waitUntil(nav.isActiveWindow)
    nav.button("contacts").setFocus()
    with qtbot.waitSignal(nav.current_changed) as signal:
        qtbot.keyClick(nav.button("contacts"), Qt.Key.Key_Down)
    assert signal.args == ["templates"]
    assert nav.current() == "templates"


def test_hover_highlights_the_whole_row(qtbot, light_theme):
    page = JourneysPage(lambda archived=False: [Journey(1, "A", "draft", None, 0, NOW),
                                                Journey(2, "B", "draft", None, 0, NOW)])
    qtbot.addWidget(page)
    page.resize(900, 500)
    page.show()
    refreshed(qtbot, page)
    table = page.table
    second_row = table.visualRect(page.model.index(1, 1)).center()
    qtbot.mouseMove(table.viewport(), second_row)
    qtbot.waitUntil(lambda: table.hovered_row == 1)
    image = table.viewport().grab().toImage()
    y = second_row.y()
    # the same highlight under every column of the row, not only the cell under the mouse
    left = image.pixelColor(8, y)
    # in the last column's padding (columns fit their text, so its text may reach the edge)
    last = page.model.columnCount() - 1
    right = image.pixelColor(table.columnViewportPosition(last) + 4, y)
    assert table.columnViewportPosition(last) + 4 < table.viewport().width()
    assert left == right
    assert left != image.pixelColor(8, table.visualRect(page.model.index(0, 0)).center().y())
