"""The contacts workspace as a user drives it: sidebar, sort, columns, bulk unsubscribe,
the profile (open A, close, open B; edit a field, undo), erase from the profile."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from engine.contacts.lists import add_to_list
from engine.db.models import Contact
from tests.app.test_gui_data import NOW, add_contacts


def ids_by_email(db):
    with db.session() as session:
        return dict(session.execute(select(Contact.email, Contact.id)).all())


def answer_yes_when_asked(qtbot):
    """Click Yes on the next question box, as the user would."""
    def click():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            box.button(QMessageBox.StandardButton.Yes).click()
        else:
            QTimer.singleShot(20, click)
    QTimer.singleShot(20, click)


def row_of(page, email):
    return next(r for r in range(page.model.rowCount()) if page.model.index(r, 0).data() == email)


def test_sidebar_sort_columns_and_bulk_unsubscribe(db, shown_window, qtbot):
    add_contacts(db, 30)
    ids = ids_by_email(db)
    with db.session() as session:
        add_to_list(session, "VIP", [ids["person1@example.com"], ids["person2@example.com"]],
                    now=NOW, source="test")
    window = shown_window
    window.show_page("contacts")
    page = window.contacts_page
    assert "VIP  ·  2" in page.sidebar.entries()
    assert "Active  ·  30" in page.sidebar.entries()

    page.sidebar.choose("VIP")
    assert sorted(page.model.index(r, 0).data() for r in range(2)) == [
        "person1@example.com", "person2@example.com"]
    assert page.count_label.text() == "2 of 30 contacts"

    page.sidebar.choose("All contacts")
    page.table.horizontalHeader().setSortIndicator(3, Qt.SortOrder.DescendingOrder)  # lead score
    assert page.model.index(0, 3).data() == "29"
    page.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)  # email
    assert page.model.index(0, 0).data() == "person0@example.com"

    assert not page.column_visible(6)
    page.set_column_visible(6, True)
    assert page.column_visible(6)

    # select two rows and unsubscribe them (answering the question)
    page.table.selectRow(row_of(page, "person3@example.com"))
    page.table.selectionModel().select(
        page.model.index(row_of(page, "person4@example.com"), 0),
        page.table.selectionModel().SelectionFlag.Select
        | page.table.selectionModel().SelectionFlag.Rows)
    assert page.bulk_buttons["unsubscribe"].isEnabled()
    assert not page.bulk_buttons["remove_from_list"].isEnabled()  # no list chosen
    answer_yes_when_asked(qtbot)
    qtbot.mouseClick(page.bulk_buttons["unsubscribe"], Qt.MouseButton.LeftButton)
    assert "Unsubscribed  ·  2" in page.sidebar.entries()
    page.sidebar.choose("Unsubscribed")
    assert page.model.rowCount() == 2


def test_open_profile_close_open_another_edit_and_undo(db, shown_window, qtbot):
    add_contacts(db, 5)
    window = shown_window
    window.show_page("contacts")
    page = window.contacts_page
    page.search("person1@")
    page.table.doubleClicked.emit(page.model.index(0, 0))
    profile = window.contacts.profile
    assert profile.isVisible() and profile.title.text() == "First1 Example"
    profile.close()

    page.search("person2@")
    page.table.doubleClicked.emit(page.model.index(0, 0))
    assert profile.isVisible() and profile.title.text() == "First2 Example"
    assert profile.field_edits["country"].text() == "GB"

    edit = profile.field_edits["first_name"]
    edit.selectAll()
    qtbot.keyClicks(edit, "Grace")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert profile.title.text() == "Grace Example"
    assert page.model.index(0, 1).data() == "Grace Example"  # the table follows
    window.contacts.profile_undo.undo()
    assert profile.title.text() == "First2 Example"
    assert profile.field_edits["first_name"].text() == "First2"
    window.contacts.profile_undo.redo()
    assert profile.title.text() == "Grace Example"

    # opening another contact forgets the first one's undo history
    page.search("person3@")
    page.table.doubleClicked.emit(page.model.index(0, 0))
    assert profile.title.text() == "First3 Example"
    assert not window.contacts.profile_undo.canUndo()


def test_erase_from_the_profile(db, shown_window, qtbot):
    add_contacts(db, 3)
    window = shown_window
    window.show_page("contacts")
    page = window.contacts_page
    page.search("person1@")
    page.table.doubleClicked.emit(page.model.index(0, 0))
    profile = window.contacts.profile
    answer_yes_when_asked(qtbot)
    qtbot.mouseClick(profile.action_buttons["erase"], Qt.MouseButton.LeftButton)
    assert profile.subtitle.text().startswith("erased-")
    assert profile.field_edits["first_name"].text() == ""
    page.search("")
    assert "person1@example.com" not in [page.model.index(r, 0).data()
                                         for r in range(page.model.rowCount())]


def test_profile_explains_journeys_shows_emails_and_acts(db, shown_window, qtbot):
    from datetime import datetime, timedelta, timezone

    from engine.clock import VirtualClock
    from tests.engine.harness import Harness
    from tests.engine.test_engine_guards import email_journey

    harness = Harness(db, VirtualClock(datetime.now(timezone.utc)))
    harness.publish(email_journey("welcome", ("email", "one"), ("delay", "1d"), ("email", "two")))
    harness.contact("ana@example.com", first_name="Ana")
    harness.event("ana@example.com", "welcome_go")
    harness.event("ana@example.com", "unsubscribed")
    harness.run_for(timedelta(days=2))
    window = shown_window
    window.show_page("contacts")
    page = window.contacts_page
    page.search("ana@")
    page.table.doubleClicked.emit(page.model.index(0, 0))
    profile = window.contacts.profile
    words = profile.step_words()
    assert "Got the email “welcome: one”" in words
    assert "Skipped this step: the contact has unsubscribed" in words
    assert profile.journeys.topLevelItem(0).text(0) == "welcome"

    # the events timeline filters as you type
    assert any("welcome_go" in line for line in profile.visible_events())
    profile.events_filter.setText("unsub")
    assert profile.visible_events() and all("unsub" in line for line in profile.visible_events())

    # an email, seen as it was sent
    item = profile.emails.topLevelItem(0)
    assert item.text(0) == "welcome: one"
    profile.emails.itemDoubleClicked.emit(item, 0)
    dialog = window.contacts.message_dialog
    assert dialog.windowTitle() == "welcome: one" and dialog.isVisible()

    # mark as a test contact, then enter a journey by hand
    qtbot.mouseClick(profile.action_buttons["toggle_test"], Qt.MouseButton.LeftButton)
    assert "test contact" in profile.subtitle.text()
    assert profile.action_buttons["toggle_test"].text() == "No longer a test contact"
    harness.publish(email_journey("again", ("delay", "1d")))
    assert window.contacts.enter_journey("ana@example.com", "again")
    assert [trip.journey for trip in profile.profile.journeys][0] == "again"


def test_add_contact_then_bulk_add_to_a_list_and_remove(db, shown_window, qtbot):
    from PySide6.QtWidgets import QInputDialog

    def type_when_asked(text):
        def answer():
            dialog = QApplication.activeModalWidget()
            if isinstance(dialog, QInputDialog):
                dialog.setTextValue(text)
                dialog.accept()
            else:
                QTimer.singleShot(20, answer)
        QTimer.singleShot(20, answer)

    window = shown_window
    window.show_page("contacts")
    page = window.contacts_page
    type_when_asked("new.person@example.com")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.model.index(0, 0).data() == "new.person@example.com"

    page.table.selectRow(0)
    type_when_asked("Newsletter")
    qtbot.mouseClick(page.bulk_buttons["add_to_list"], Qt.MouseButton.LeftButton)
    assert "Newsletter  ·  1" in page.sidebar.entries()
    page.sidebar.choose("Newsletter")
    assert page.model.rowCount() == 1
    page.table.selectRow(0)
    assert page.bulk_buttons["remove_from_list"].isEnabled()
    qtbot.mouseClick(page.bulk_buttons["remove_from_list"], Qt.MouseButton.LeftButton)
    assert "Newsletter  ·  0" in page.sidebar.entries()
    assert page.model.rowCount() == 0
