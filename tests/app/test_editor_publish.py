"""Publishing from the editor: refused while errors remain, the diff against the live
version, and the keep-or-move choice reaching `Engine.publish` (checked in the database)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import select

from app.main_window import MainWindow
from app.theme import ThemeController
from engine.clock import VirtualClock
from engine.db.models import Enrollment, JourneyRow, JourneyVersion
from engine.journey.drafts import store_draft
from tests.engine.harness import Harness
from tests.engine.journeys import abandoned_cart


@pytest.fixture
def window(qtbot, qapp, db, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db, settings, ThemeController(qapp, settings))
    qtbot.addWidget(window)
    return window


def open_cart(window, db):
    journey, ids = abandoned_cart()
    with db.session() as session:
        journey_id = store_draft(session, journey.to_document(), datetime.now(timezone.utc))
    assert window.journeys.open_journey(journey_id)
    return window.editor_page, ids


def open_publish(qtbot, page):
    """Publish: the plan is read in the background, then the dialog opens."""
    page.publish()
    qtbot.waitUntil(lambda: page.publish_dialog is not None, timeout=10_000)
    return page.publish_dialog


def publish(qtbot, page, choose=None):
    dialog = open_publish(qtbot, page)
    if choose:
        choose(dialog)
    dialog.publish_button.click()
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=10_000)
    return dialog


def versions(db) -> list[int]:
    with db.session() as session:
        return list(session.scalars(select(JourneyVersion.number).order_by(JourneyVersion.number)))


def test_publish_is_refused_while_errors_remain(qtbot, window, db):
    window.journeys.new_journey(name="Blank one")
    page = window.editor_page
    dialog = open_publish(qtbot, page)
    assert dialog.publish_button is None  # no way to publish
    assert "Fix this problem before publishing" in dialog.findChild(type(dialog.message),
                                                                    "cardTitle").text()
    assert any("no trigger" in label.text() for label in dialog.findChildren(type(dialog.message)))
    dialog.reject()
    assert versions(db) == []


def test_first_publish_then_the_diff_of_the_next(qtbot, window, db):
    page, ids = open_cart(window, db)
    publish(qtbot, page)
    assert versions(db) == [1] and page.info.status == "live"
    assert page.header.pill.text() == "Live" and "Version 1 is live" in page.header.info.text()

    page.document.set_node_title(ids["email"], "Reminder")
    dialog = open_publish(qtbot, page)  # saves first, then shows what changed since v1
    assert not page.dirty()
    assert dialog.plan.diff.lines() == ["Changes 'Reminder': title"]
    assert dialog.plan.live_version == 1 and dialog.publish_button.text() == "Publish version 2"
    assert not page.dirty()
    dialog.reject()


def enroll_two(db, host_engine_now) -> Harness:
    harness = Harness(db, VirtualClock(host_engine_now))
    for email in ("ana@example.com", "ben@example.com"):
        harness.contact(email)
        harness.event(email, "added_to_cart")
    return harness


def test_keeping_contacts_on_their_version(qtbot, window, db):
    page, ids = open_cart(window, db)
    publish(qtbot, page)
    enroll_two(db, datetime.now(timezone.utc))
    page.document.set_node_title(ids["email"], "Reminder")
    dialog = publish(qtbot, page, choose=lambda d: d.keep_button.click())
    assert dialog.plan.in_flight == 2
    assert versions(db) == [1, 2]
    with db.session() as session:
        v1 = session.scalar(select(JourneyVersion.id).where(JourneyVersion.number == 1))
        assert [(e.version_id, e.node_id) for e in session.scalars(select(Enrollment))] == [
            (v1, ids["wait"]), (v1, ids["wait"])]


def test_moving_contacts_with_a_fallback_step(qtbot, window, db):
    page, ids = open_cart(window, db)
    publish(qtbot, page)
    enroll_two(db, datetime.now(timezone.utc))
    # the wait where both contacts are (and its goal path) is replaced by a plain delay
    document = page.document
    delay = document.add_node("flow.delay", (300.0, 0.0))  # added first: a fresh id
    document.delete([ids["wait"], ids["goal"]])
    assert document.connect_ports(ids["trigger"], "next", delay)
    assert document.connect_ports(delay, "next", ids["email"])

    def move_to_delay(dialog):
        dialog.move_button.click()
        assert list(dialog._gone) == [ids["wait"]]  # the step they wait at is gone
        dialog.fallback.setCurrentIndex(dialog.fallback.findData(delay))

    dialog = publish(qtbot, page, choose=move_to_delay)
    assert dialog.choice().move == {} and dialog.choice().fallback == delay
    assert versions(db) == [1, 2]
    with db.session() as session:
        v2 = session.scalar(select(JourneyVersion.id).where(JourneyVersion.number == 2))
        rows = session.scalars(select(Enrollment)).all()
        assert [(e.version_id, e.node_id, e.status) for e in rows] == [
            (v2, delay, "active"), (v2, delay, "active")]
        assert session.scalar(select(JourneyRow.status)) == "live"


def test_pause_and_resume(qtbot, window, db):
    page, _ids = open_cart(window, db)
    publish(qtbot, page)
    assert page.header.pause.isVisibleTo(page) and page.header.label_of(page.header.pause) == " Pause"
    page.header.pause.click()
    qtbot.waitUntil(lambda: page.info.status == "paused", timeout=5000)
    assert page.header.pill.text() == "Paused" and page.header.label_of(page.header.pause) == " Resume"
    page.header.pause.click()
    qtbot.waitUntil(lambda: page.info.status == "live", timeout=5000)
