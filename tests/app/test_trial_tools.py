"""Trying a live journey out from the app: Enter a test contact now (the real engine moves
them: step logs and an outbox row), Send a test event (a real event through intake; the
canvas's live counts move), and the dialogs' checks."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import select

from app.engine_host import EngineHost
from app.main_window import MainWindow
from app.theme import ThemeController
from engine.clock import SystemClock
from engine.db.models import Contact, Event, Message, StepLog
from engine.demo.shop import STARTER_JOURNEYS
from engine.intake.events import record_contact_upsert
from engine.journey.file_format import read_journey_file
from engine.journey.store import save_draft
from engine.messaging.lint import lint_template
from engine.runtime.engine import Engine
from widgets.trial_event_dialog import TestEventDialog, read_value


def make_window(qtbot, qapp, db, tmp_path, host=None):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db, settings, ThemeController(qapp, settings), host)
    qtbot.addWidget(window)
    window.show()
    return window


def live_welcome(db) -> int:
    now = datetime.now(timezone.utc)
    document = read_journey_file(STARTER_JOURNEYS / "welcome-series.journey.json").document
    with db.session() as session:
        journey_id = save_draft(session, document, now=now).id
        for email, first in (("ana@example.com", "Ana"), ("me@myshop.com", "Me")):
            record_contact_upsert(session, {"email": email, "first_name": first}, now=now,
                                  source="test")
    Engine(db, SystemClock()).publish(str(journey_id), lint_template=lint_template)
    return journey_id


def contact_id(db, email):
    with db.session() as session:
        return session.scalar(select(Contact.id).where(Contact.email == email))


def test_enter_a_test_contact_runs_the_real_engine(qtbot, qapp, db, tmp_path):
    journey_id = live_welcome(db)
    window = make_window(qtbot, qapp, db, tmp_path)  # its engine is not running: one tick
    assert window.journeys.open_journey(journey_id)
    page = window.editor_page
    assert page.header.test_contact_action.isEnabled()
    page.header.test_contact_action.trigger()
    dialog = page.trial.dialog
    assert dialog.contacts.count() == 2
    dialog.search.setText("myshop")  # searched in the database
    assert dialog.contacts.count() == 1
    me = contact_id(db, "me@myshop.com")
    dialog.choose(me)
    dialog.mark.setChecked(True)
    dialog.enter_button.click()
    qtbot.waitUntil(lambda: "entered" in dialog.result.text() or "Not" in dialog.result.text(),
                    timeout=15_000)
    assert "me@myshop.com entered" in dialog.result.text(), dialog.result.text()
    with db.session() as session:
        assert session.get(Contact, me).is_test
        kinds = [(log.node_id, log.kind) for log in session.scalars(
            select(StepLog).where(StepLog.contact_id == me).order_by(StepLog.id))]
        [message] = session.scalars(select(Message).where(Message.contact_id == me))
    assert [node for node, _kind in kinds][:3] == ["signed_up", "day_1", "wait_2d"]
    assert message.status == "queued" and message.subject == "Welcome to Trellis Shop!"
    assert "now at “2 days later”" in dialog.result.text()
    qtbot.waitUntil(lambda: sum(w for w, _p in page.live.counts().values()) == 1, timeout=5000)
    # once more while still on the way through: said, not done twice
    dialog.enter_button.click()
    qtbot.waitUntil(lambda: "already on their way" in dialog.result.text(), timeout=15_000)
    # the dialog lists test contacts first next time
    dialog.close()
    page.header.test_contact_action.trigger()
    assert page.trial.dialog.contacts.item(0).text().endswith("· test contact")


def test_a_test_contact_kept_out_by_the_entry_guard_is_told_why(qtbot, qapp, db, tmp_path):
    journey_id = live_welcome(db)
    Engine(db, SystemClock()).set_entry_guard(str(journey_id), {"rules": [
        {"kind": "field", "field": "country", "op": "equals", "value": "DE"}]})
    window = make_window(qtbot, qapp, db, tmp_path)
    assert window.journeys.open_journey(journey_id)
    page = window.editor_page
    page.header.test_contact_action.trigger()
    dialog = page.trial.dialog
    dialog.choose(contact_id(db, "ana@example.com"))
    dialog.enter_button.click()
    qtbot.waitUntil(lambda: "did not enter" in dialog.result.text(), timeout=15_000)
    assert dialog.result.text() == ("ana@example.com did not enter: for now only contacts "
                                    "who match country is 'DE' enter this journey.")
    dialog.close()


def test_entering_needs_a_live_journey(qtbot, qapp, db, tmp_path):
    window = make_window(qtbot, qapp, db, tmp_path)
    window.journeys.new_journey(name="Draft one")
    assert not window.editor_page.header.test_contact_action.isEnabled()
    assert window.editor_page.header.test_event_action.isEnabled()


def test_a_test_event_is_recorded_and_live_counts_move(qtbot, qapp, db, tmp_path):
    journey_id = live_welcome(db)
    host = EngineHost(db, interval=60)
    window = make_window(qtbot, qapp, db, tmp_path, host)
    host.start()
    try:
        assert window.journeys.open_journey(journey_id)
        page = window.editor_page
        assert page.live.counts() == {} or sum(w for w, _ in page.live.counts().values()) == 0
        page.header.test_event_action.trigger()
        dialog = page.trial.dialog
        assert dialog.name.currentText() == "signed_up"  # the journey's own trigger first
        dialog.choose_contact(contact_id(db, "ana@example.com"))
        dialog.add_property("plan", "pro")
        dialog.add_property("seats", "3")
        dialog.send_button.click()
        qtbot.waitUntil(lambda: "Recorded" in dialog.result.text(), timeout=15_000)
        assert "the engine is moving it now" in dialog.result.text()
        with db.session() as session:
            [event] = session.scalars(select(Event).where(Event.name == "signed_up"))
            assert (event.properties, event.source) == ({"plan": "pro", "seats": 3}, "app-test")
        # the woken engine enrolled Ana; the canvas's counts show her waiting
        qtbot.waitUntil(lambda: sum(w for w, _p in page.live.counts().values()) == 1,
                        timeout=15_000)
        assert "1 contact in it now" in page.header.info.text()  # the header moves too
    finally:
        host.stop()


def test_the_sending_menu_opens_the_test_event_dialog(qtbot, qapp, db, tmp_path):
    window = make_window(qtbot, qapp, db, tmp_path)
    with db.session() as session:
        record_contact_upsert(session, {"email": "ana@example.com"},
                              now=datetime.now(timezone.utc), source="test")
    dialog = window.send_test_event()
    assert isinstance(dialog, TestEventDialog) and dialog.contact.count() == 1


def test_event_dialog_checks_rows(qtbot):
    dialog = TestEventDialog(["added_to_cart", "signed_up"], [("Ana", 1)])
    qtbot.addWidget(dialog)
    sent = []
    dialog.send_requested.connect(lambda *args: sent.append(args))
    assert [dialog.name.itemText(i) for i in range(dialog.name.count())] == [
        "added_to_cart", "signed_up"]
    dialog.name.setEditText("")
    dialog.send_button.click()
    assert "name the event" in dialog.problem.text() and not sent
    dialog.name.setEditText("added_to_cart")
    dialog.add_property("", "12")
    dialog.send_button.click()
    assert "row 1: give the value '12' a name" in dialog.problem.text()
    dialog.table.item(0, 0).setText("total")
    dialog.add_property("total", "3")
    dialog.send_button.click()
    assert "row 2: 'total' is there twice" in dialog.problem.text()
    dialog.table.item(1, 0).setText("coupon")
    dialog.table.item(1, 1).setText("SPRING")
    dialog.send_button.click()
    assert sent == [("added_to_cart", 1, {"total": 12, "coupon": "SPRING"})]
    assert [read_value(v) for v in ("12.5", "true", "null", "abc", " 7 ")] == [
        12.5, True, None, "abc", 7]


@pytest.mark.parametrize("bad", ["x" * 101])
def test_a_bad_event_name_is_refused_by_intake(qtbot, qapp, db, tmp_path, bad):
    window = make_window(qtbot, qapp, db, tmp_path)
    with db.session() as session:
        record_contact_upsert(session, {"email": "ana@example.com"},
                              now=datetime.now(timezone.utc), source="test")
    dialog = window.send_test_event()
    dialog.name.setEditText(bad)
    dialog.send_button.click()
    assert "the test event" in dialog.result.text()
    with db.session() as session:
        assert session.scalars(select(Event)).all() == []


def test_contacts_menu_marks_test_contacts(qtbot, qapp, db, tmp_path):
    window = make_window(qtbot, qapp, db, tmp_path)
    with db.session() as session:
        record_contact_upsert(session, {"email": "me@myshop.com"},
                              now=datetime.now(timezone.utc), source="test")
    me = contact_id(db, "me@myshop.com")
    menu = window.contact_menu(me)
    [mark, event] = [a for a in menu.actions() if not a.isSeparator()]
    assert mark.text() == "Mark as a test contact"
    mark.trigger()
    with db.session() as session:
        assert session.get(Contact, me).is_test
    assert window.contact_menu(me).actions()[0].text() == "No longer a test contact"
    window.contact_menu(me).actions()[0].trigger()
    with db.session() as session:
        assert not session.get(Contact, me).is_test
    event.trigger()
    assert window._trial.dialog.contact.currentData() == me
