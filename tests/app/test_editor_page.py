"""The journey editor page in the main window: new (blank or starter), open, save to the
database and to the file it came from, import, export, recent files, dropped files,
the master switch, live counts, the walk-through, and closing with unsaved changes."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from app.main_window import MainWindow
from app.starters import list_starters
from app.theme import ThemeController
from engine.clock import VirtualClock
from engine.db.models import JourneyRow
from engine.journey.drafts import load_draft
from engine.journey.file_format import read_journey_file
from engine.settings import load_settings
from tests.app.journeys_list import journeys_read
from tests.engine.harness import Harness
from widgets.email_preview import prepare_web_engine

prepare_web_engine()  # before the QApplication: the walk-through previews an email

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "abandoned-cart.journey.json"


@pytest.fixture
def cart(tmp_path) -> Path:
    """A copy of the example: journeys opened from a file save back into it."""
    path = tmp_path / "cart.journey.json"
    path.write_text(EXAMPLE.read_text())
    return path


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, qapp, db, settings):
    window = MainWindow(db, settings, ThemeController(qapp, settings))
    qtbot.addWidget(window)
    yield window
    # email previews' web pages must go before QtWebEngine's profile does, at exit
    for widget in qapp.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def names(db) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(JourneyRow.name).order_by(JourneyRow.id)))


def test_new_blank_and_starter_journeys_are_stored_and_opened(qtbot, window, db):
    assert window.journeys.new_journey(name="Spring sale")
    assert window.current_page() == "editor"
    page = window.editor_page
    assert page.header.name.text() == "Spring sale" and page.header.pill.text() == "Draft"
    assert page.editor.document is page.document
    starter = list_starters()[0]
    assert window.journeys.new_journey(starter, starter.name)
    assert window.journeys.new_journey(starter, starter.name)  # a second copy
    assert names(db) == ["Spring sale", starter.name, f"{starter.name} (2)"]
    assert len(page.document.journey.node_ids()) == starter.steps
    assert journeys_read(qtbot, window).model.rowCount() == 3


def test_save_stores_the_draft_and_the_file_it_came_from(window, db, cart):
    copy = cart
    assert window.journeys.import_file(copy)
    page = window.editor_page
    assert page.document.path == copy
    assert "cart.journey.json" in page.header.saved.text()
    node = page.document.journey.node_ids()[1]
    page.document.set_node_title(node, "Bought yet?")
    assert page.dirty() and page.header.saved.text() == "· Unsaved changes"
    page.editor.save_requested.emit()  # Ctrl+S in the editor
    assert not page.dirty()
    with db.session() as session:
        row = session.scalar(select(JourneyRow))
        assert load_draft(session, row.id).nodes[1].title == "Bought yet?"
    assert read_journey_file(copy).document.nodes[1].title == "Bought yet?"
    assert window.recent.paths() == [copy.resolve()]
    assert [a.text() for a in window._recent_menu.actions()] == ["cart.journey.json"]


def test_import_of_an_existing_name_replaces_or_copies(window, db, cart):
    assert window.journeys.import_file(cart)
    assert window.journeys.import_file(cart, on_conflict="replace")
    assert names(db) == ["Abandoned cart"]
    assert window.journeys.import_file(cart, on_conflict="copy")
    assert names(db) == ["Abandoned cart", "Abandoned cart (2)"]
    assert window.editor_page.document.path is None  # a copy is not bound to the file


def test_a_bad_file_is_explained_and_nothing_opens(window, db, tmp_path, monkeypatch):
    bad = tmp_path / "bad.journey.json"
    bad.write_text(json.dumps({"schema_version": 2, "name": "Broken",
                               "nodes": [{"id": "a", "type": "no.such.type"}]}))
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))
    assert not window.journeys.import_file(bad)
    assert "bad.journey.json has problems" in shown[0] and "no.such.type" in shown[0]
    assert names(db) == [] and window.current_page() == "journeys"


def test_export_writes_the_open_or_selected_journey(qtbot, window, db, tmp_path, cart):
    window.journeys.import_file(cart)
    out = tmp_path / "exported"
    assert window.journeys.export_journey(out)  # the suffix is added
    assert read_journey_file(tmp_path / "exported.journey.json").document.name == "Abandoned cart"
    window.show_page("journeys")
    assert not window.export_action.isEnabled()  # nothing selected
    journeys_read(qtbot, window).table.selectRow(0)
    assert window.export_action.isEnabled()
    assert window.journeys.export_journey(tmp_path / "again.journey.json")


def test_dropping_a_journey_file_imports_it(qtbot, window, db, cart):
    window.show()
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(cart))])
    drop = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, data,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)
    assert drop.isAccepted()
    assert names(db) == ["Abandoned cart"] and window.current_page() == "editor"


def test_opening_from_the_list_and_asking_before_dropping_changes(qtbot, window, db,
                                                                 monkeypatch):
    window.journeys.new_journey(name="First")
    window.journeys.new_journey(name="Second")
    page = window.editor_page
    page.document.add_node("trigger.event", (0.0, 0.0))
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: QMessageBox.StandardButton.Cancel)
    first = journeys_read(qtbot, window).model.rows[-1].id  # most recently edited first
    assert not window.journeys.open_journey(first)
    assert page.header.name.text() == "Second"
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: QMessageBox.StandardButton.Save)
    assert window.journeys.open_journey(first)
    assert page.header.name.text() == "First"
    with db.session() as session:
        second = session.scalar(select(JourneyRow).where(JourneyRow.name == "Second"))
        assert len(load_draft(session, second.id).nodes) == 1  # saved on the way


def test_master_switch_in_the_menu_and_the_status_bar(window, db):
    assert not window.pause_sending.isChecked()
    window.pause_sending.trigger()
    with db.session() as session:
        assert load_settings(session).sending_paused
    window._show_engine_status()
    assert window.engine_host.sending_paused()
    window.pause_sending.trigger()
    with db.session() as session:
        assert not load_settings(session).sending_paused


def test_live_counts_show_on_the_cards(qtbot, window, db, cart):
    window.journeys.import_file(cart)
    page = window.editor_page
    wait = page.editor.scene.node_item("wait")
    assert wait.live_counts is None  # a draft has no live counts
    page.host.engine.publish(str(page.journey_id))
    harness = Harness(db, VirtualClock(datetime.now(timezone.utc)))
    harness.contact("ana@example.com")
    harness.event("ana@example.com", "added_to_cart")
    page.refresh()
    qtbot.waitUntil(lambda: page.live.counts().get("wait") == (1, 1), timeout=5000)
    assert wait.live_counts == (1, 1)
    assert "1 waiting · 1 passed" in wait.toolTip()
    # every step of a live journey says how many are there, none is left out
    assert page.editor.scene.node_item("discount").live_counts == (0, 0)
    assert not hasattr(page, "live_list")  # one place for the counts: the canvas


def test_walk_through_from_the_editor(qtbot, window, db, cart):
    window.journeys.import_file(cart)
    page = window.editor_page
    editor = page.editor
    assert editor.palette_panel.isVisibleTo(editor) and editor.inspector_panel.isVisibleTo(editor)
    page.header.walkthrough.click()
    panel = page.walkthrough.panel
    assert panel.isVisibleTo(page)
    # nothing ran yet: an invitation, not "0 steps reached"
    assert "then Walk through" in panel.summary.text() and "reached" not in panel.summary.text()
    # the walk-through takes the room of the palette and the inspector
    assert not editor.palette_panel.isVisibleTo(editor)
    assert not editor.inspector_panel.isVisibleTo(editor)
    panel.scenario.setCurrentIndex(panel.scenario.findData("never_buys"))
    panel.run_button.click()
    qtbot.waitUntil(lambda: not page.walkthrough.runner.is_running(), timeout=20_000)
    path = ["trigger", "wait", "reminder", "day", "discount"]
    assert page.walkthrough.runner.last_path() == path
    assert editor.scene.highlighted_path() == path  # the canvas shows the path taken
    assert editor.scene.node_item("reminder").path_step == 3
    emails = [panel.timeline.item(i) for i in range(panel.timeline.count())
              if "Would get the email" in panel.timeline.item(i).text()]
    assert len(emails) == 2
    panel.timeline.itemClicked.emit(emails[0])
    assert "You left something behind" in page.walkthrough.runner.email_dialog.windowTitle()
    page.walkthrough.runner.email_dialog.close()
    assert editor.scene.selected_node_ids() == ["reminder"]  # the row's step, selected

    page.header.walkthrough.click()  # closing the panel clears the path, panels come back
    assert editor.scene.highlighted_path() == []
    assert editor.palette_panel.isVisibleTo(editor) and editor.inspector_panel.isVisibleTo(editor)
    page.header.walkthrough.click()
    assert editor.scene.highlighted_path() == path
    page.document.delete(["discount"])  # the run no longer describes the journey
    assert editor.scene.highlighted_path() == []
    assert "changed since this walk-through" in panel.summary.text()
    page.document.undo_stack.undo()
    page.header.walkthrough.click()


def test_side_panels_are_remembered(qtbot, window, settings, cart):
    window.journeys.import_file(cart)
    editor = window.editor_page.editor
    editor.show_palette(False)
    assert settings.value("editor/panels") == "0,1"
    window.journeys.open_journey(journeys_read(qtbot, window).model.rows[0].id)  # the same one
    window.journeys.new_journey(name="Another")
    assert not window.editor_page.editor.palette_panel.isVisibleTo(window.editor_page.editor)
    window.editor_page.editor.show_palette(True)


def test_the_rail_folds_to_icons_in_the_editor(qtbot, window, cart):
    window.show()
    window.resize(1400, 900)  # wide: only the editor folds the rail (narrow windows do too)
    qtbot.waitUntil(lambda: not window.nav.is_compact())
    window.journeys.import_file(cart)
    assert window.nav.is_compact() and window.nav.button("journeys").text() == ""
    assert "Journeys" in window.nav.button("journeys").toolTip()
    window.show_page("journeys")
    assert not window.nav.is_compact() and "Journeys" in window.nav.button("journeys").text()


def test_renaming_the_journey_in_the_inspector(qtbot, window, db, cart):
    window.journeys.import_file(cart)
    page = window.editor_page
    name = page.editor.inspector.journey_title
    name.setText("")
    name.textEdited.emit("")
    assert page.editor.inspector.name_problem.text() == "The journey needs a name"
    for text in ("Cart", "Cart rescue"):
        name.setText(text)
        name.textEdited.emit(text)
    assert page.document.journey.name == "Cart rescue"
    assert page.header.name.text() == "Cart rescue" and page.document.undo_stack.count() == 1
    assert page.save()
    assert names(db) == ["Cart rescue"]


def test_closing_the_window_with_unsaved_changes_can_be_cancelled(window, monkeypatch):
    window.journeys.new_journey(name="Unsaved")
    window.editor_page.document.add_node("trigger.event", (0.0, 0.0))
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: QMessageBox.StandardButton.Cancel)
    window.show()
    assert not window.close()
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: QMessageBox.StandardButton.Discard)
    assert window.close()


def test_ctrl_s_in_the_canvas_saves(qtbot, window, cart):
    window.show()
    qtbot.waitExposed(window)
    window.journeys.import_file(cart)
    page = window.editor_page
    page.document.set_node_title("wait", "Bought yet?")
    page.editor.view.setFocus()
    qtbot.waitUntil(page.editor.view.hasFocus, timeout=2000)
    # the File menu shows Ctrl+S without competing with the editor's own shortcut
    assert window.save_action.shortcut().toString() == "Ctrl+S"
    qtbot.keyClick(page.editor.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not page.dirty()


def test_templates_page_opens_the_email_editor_and_saves_the_row(qtbot, window, db, qapp):
    from engine.db.models import Template
    from widgets.email_editor import EmailEditorDialog

    now = datetime.now(timezone.utc)
    with db.session() as session:
        session.add(Template(key="welcome", name="Welcome", subject="Hello", body="Hi there",
                             created_at=now, updated_at=now))
    window.show_page("templates")
    grid = window.templates_page.grid
    grid.activated.emit(grid.model().index(0))
    dialog = next(w for w in qapp.topLevelWidgets()
                  if isinstance(w, EmailEditorDialog) and w.isVisible())
    qtbot.addWidget(dialog)
    dialog.editor.subject.setText("Hello, and welcome")
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=5000)
    dialog.save_button.click()
    with db.session() as session:
        assert session.scalar(select(Template.subject)) == "Hello, and welcome"
    assert window.templates_page.entries()[0].subject == "Hello, and welcome"


def _email_dialog(qapp, key_subject: str):
    from widgets.email_editor import EmailEditorDialog

    return next(w for w in qapp.topLevelWidgets()
                if isinstance(w, EmailEditorDialog) and w.isVisible()
                and w.editor.subject.text() == key_subject)


def test_email_edits_go_into_the_journey_as_undoable_edits(qtbot, window, db, qapp, cart):
    window.journeys.import_file(cart)
    page = window.editor_page
    document = page.document
    original = document.journey.templates["cart-reminder"]
    page.editor.node_double_clicked.emit("reminder")  # a send-email step
    dialog = _email_dialog(qapp, "You left something behind")  # deletes itself when closed
    assert not dialog.save_button.isVisibleTo(dialog)  # no Save: edits go into the journey
    assert "as you type" in dialog.status.text()

    dialog.editor.subject.setText("Your cart")
    qtbot.waitUntil(lambda: document.journey.templates["cart-reminder"].subject == "Your cart",
                    timeout=5000)
    dialog.editor.subject.setText("Your cart misses you")
    dialog.editor.flush()
    dialog.editor.preheader.setText("Still thinking it over?")
    dialog.editor.flush()
    assert document.journey.templates["cart-reminder"].subject == "Your cart misses you"
    assert document.undo_stack.count() == 2  # one undo step per field typed in
    assert page.dirty() and page.header.saved.text() == "· Unsaved changes"
    assert "Your cart misses you" in [a.text() for a in page.header.email_menu.actions()][0]
    dialog.editor.subject.setText("Still yours, [[contact.first_name|friend]]")
    dialog.editor.flush()  # the menu names the chip in words, never its code
    assert "Still yours, «first name»" in page.header.email_menu.actions()[0].text()
    document.undo_stack.undo()

    document.undo_stack.undo()  # the preview text, on the canvas: the dialog follows
    assert dialog.editor.preheader.text() == original.preheader
    document.undo_stack.undo()
    assert dialog.editor.subject.text() == original.subject
    assert not page.dirty()
    document.undo_stack.redo()
    assert page.save()
    with db.session() as session:
        row = session.scalar(select(JourneyRow))
        stored = {t.key: t.subject for t in load_draft(session, row.id).templates}
    assert stored["cart-reminder"] == "Your cart misses you"

    # typing and closing at once: the last keystrokes are not lost
    dialog.editor.subject.setText("Last words")
    dialog.close()
    assert document.journey.templates["cart-reminder"].subject == "Last words"
    assert page.save()


def test_a_new_email_is_an_undoable_edit_and_its_editor_follows(qtbot, window, qapp, cart):
    window.journeys.import_file(cart)
    page = window.editor_page
    page.emails.new()
    assert "email-3" in page.document.journey.templates and page.dirty()
    dialog = page.emails.edit("email-3")  # already open: the same dialog comes up
    assert dialog.isVisible() and dialog.editor.name.text() == "Email 3"
    assert page.document.undo_stack.undoText() == "Add email 'Email 3'"
    dialog.editor.subject.setText("Typed, then undone on the canvas")  # not handed over yet
    page.document.undo_stack.undo()
    assert "email-3" not in page.document.journey.templates
    assert not dialog.isVisible()  # its email left the journey
    assert not page.dirty()


def test_clicking_n_waiting_lists_those_contacts(qtbot, window, db, cart):
    window.journeys.import_file(cart)
    page = window.editor_page
    page.host.engine.publish(str(page.journey_id))
    harness = Harness(db, VirtualClock(datetime.now(timezone.utc)))
    for email in ("ana@example.com", "bob@example.com", "cy@example.com"):
        harness.contact(email)
    harness.event("ana@example.com", "added_to_cart")
    harness.event("bob@example.com", "added_to_cart")
    page.refresh()
    qtbot.waitUntil(lambda: page.live.counts().get("wait") == (2, 2), timeout=5000)
    page.editor.scene.waiting_clicked.emit("wait")  # what a click on "2 waiting" emits
    contacts = window.contacts_page
    assert window.current_page() == "contacts"
    assert sorted(contacts.model.index(r, 0).data() for r in range(contacts.model.rowCount())) \
        == ["ana@example.com", "bob@example.com"]
    assert "Waiting at" in contacts.filter_label.text()
    contacts.clear_filter_button.click()
    assert contacts.model.rowCount() == 3


def test_profile_from_the_walk_through(qtbot, window, db, cart):
    harness = Harness(db, VirtualClock(datetime.now(timezone.utc)))
    harness.contact("ana@example.com", first_name="Ana")
    window.journeys.import_file(cart)
    page = window.editor_page
    page.header.walkthrough.click()
    panel = page.walkthrough.panel
    panel.contact.setCurrentIndex(panel.contact.findText("Ana", Qt.MatchFlag.MatchContains))
    panel.profile_button.click()
    assert window.contacts.profile.isVisible()
    assert window.contacts.profile.title.text() == "Ana"
