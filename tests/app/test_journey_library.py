"""The Journeys page's verbs as a marketer uses them: the context menu and shortcuts on a
row, rename (also of the journey open in the editor), duplicate, archive and restore,
delete only what may go — each on a real database."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.starters import list_starters
from engine.db.models import JourneyRow, JourneyStatus
from engine.journey.drafts import load_draft
from engine.journey.library import (
    JourneyLibraryError,
    archive_journey,
    delete_journey,
    rename_journey,
)
from tests.app.journeys_list import journeys_read
from widgets.email_preview import prepare_web_engine

prepare_web_engine()
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def window(shown_window):
    return shown_window


def rows(db) -> dict[str, str]:
    with db.session() as session:
        return {r.name: r.status for r in session.scalars(select(JourneyRow))}


def listed(qtbot, window) -> list[str]:
    model = journeys_read(qtbot, window).model
    return [model.rows[i].name for i in range(model.rowCount())]


def two_journeys(qtbot, window) -> tuple[int, int]:
    first, second = list_starters()[:2]
    assert window.journeys.new_journey(first, first.name)
    one = window.editor_page.journey_id
    assert window.journeys.new_journey(second, second.name)
    two = window.editor_page.journey_id
    window.show_page("journeys")
    journeys_read(qtbot, window)
    return one, two


def test_context_menu_offers_what_the_state_allows(qtbot, window):
    one, _two = two_journeys(qtbot, window)
    page = window.journeys_page
    assert page.select_journey(one)
    menu = page.context_menu_for(page.selected_row())
    texts = {a.text(): a.isEnabled() for a in menu.actions() if not a.isSeparator()}
    assert texts == {"Open": True, "Results": True, "Rename…": True, "Duplicate": True, "Export…": True,
                     "Archive": True, "Delete…": True}


def test_rename_duplicate_archive_restore_delete_from_the_list(window, db, qtbot):
    one, two = two_journeys(qtbot, window)
    page = window.journeys_page
    name_one = rows(db)
    assert window.library.do("rename", one, name="Spring cart")
    assert "Spring cart" in rows(db)
    with db.session() as session:
        assert load_draft(session, one).name == "Spring cart"  # the draft follows
    assert window.library.do("duplicate", one)
    assert "Spring cart (2)" in rows(db) and "Spring cart (2)" in listed(qtbot, window)
    assert page.selected_row().name == "Spring cart (2)"
    # keyboard: Ctrl+Shift+A archives the selected row
    page.table.setFocus()
    assert page.request("archive")
    assert rows(db)["Spring cart (2)"] == JourneyStatus.ARCHIVED
    assert "Spring cart (2)" not in listed(qtbot, window)
    page.show_archived(True)
    assert listed(qtbot, window) == ["Spring cart (2)"]
    assert page.archive_toggle.isChecked()
    assert page.select_journey(page.model.rows[0].id)
    assert page.request("archive")  # the same shortcut restores here
    assert rows(db)["Spring cart (2)"] == JourneyStatus.DRAFT
    page.show_archived(False)
    journeys_read(qtbot, window)
    copy_id = next(r.id for r in page.model.rows if r.name == "Spring cart (2)")
    assert not window.library.do("delete", copy_id, confirm=False)  # cancelled: kept
    assert window.library.do("delete", copy_id, confirm=True)
    assert "Spring cart (2)" not in rows(db)
    assert len(rows(db)) == len(name_one)


def test_renaming_the_open_journey_goes_through_the_editor(qtbot, window, db):
    one, two = two_journeys(qtbot, window)
    editor = window.editor_page
    assert window.journeys.open_journey(two)
    assert window.library.do("rename", two, name="Renamed while open")
    assert editor.header.name.text() == "Renamed while open"
    assert editor.document.journey.name == "Renamed while open"
    assert not editor.dirty()
    assert rows(db).get("Renamed while open") is not None
    editor.document.undo_stack.undo()  # undoable like any rename
    assert editor.document.journey.name != "Renamed while open"
    assert editor.save()  # nothing left unsaved for the window's close


def test_a_taken_name_is_refused_and_nothing_changes(qtbot, window, db, monkeypatch):
    one, two = two_journeys(qtbot, window)
    before = rows(db)
    said = []
    monkeypatch.setattr("app.journey_library.QMessageBox.warning",
                        lambda _parent, title, text: said.append((title, text)))
    other = next(name for name in before if name != window.library._name_of(one))
    assert not window.library.do("rename", one, name=other.upper())
    assert rows(db) == before
    assert said and "already named" in said[0][1]


def test_rules_of_the_library_in_the_engine(db):
    from engine.journey.data import JourneyData
    from engine.journey.store import save_draft

    with db.session() as session:
        row = save_draft(session, JourneyData(name="Live one"), now=NOW)
        row.status = JourneyStatus.LIVE
        session.flush()
        with pytest.raises(JourneyLibraryError, match="pause it first"):
            archive_journey(session, row.id, NOW)
        with pytest.raises(JourneyLibraryError, match="archive it first"):
            delete_journey(session, row.id)
        with pytest.raises(JourneyLibraryError, match="needs a name"):
            rename_journey(session, row.id, "   ", NOW)
        row.status = JourneyStatus.PAUSED
        archive_journey(session, row.id, NOW)
        delete_journey(session, row.id)
        assert session.get(JourneyRow, row.id) is None


def test_the_page_shortcuts_exist_on_the_table(window):
    page = window.journeys_page
    shortcuts = {a.text(): a.shortcut().toString() for a in page.table.actions()}
    assert shortcuts["Rename…"] == "F2" and shortcuts["Duplicate"] == "Ctrl+D"
    assert shortcuts["Delete…"] == "Del"
    assert all(a.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut
               for a in page.table.actions())
