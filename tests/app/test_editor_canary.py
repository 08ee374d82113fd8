"""The canary and the entry guard in the editor: the publish dialog's "Who it goes to",
the header's canary line with its figures, Roll back and Promote through their dialog,
and Widen to everyone (checked in the database)."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from engine.clock import VirtualClock
from engine.db.models import JourneyRow
from engine.runtime.release import release_state
from tests.app.test_editor_publish import open_cart, open_publish, publish, versions
from tests.engine.harness import Harness


def stored_release(db):
    with db.session() as session:
        return release_state(session, session.scalar(select(JourneyRow.id)))


def wait_for_bar(qtbot, page, check) -> None:
    qtbot.waitUntil(lambda: page.release.state is not None and check(page.release.state)
                    and not page.release.is_reading(), timeout=10_000)


def as_canary(percent: int):
    def choose(dialog):
        options = dialog.release_options
        assert options.canary.isEnabled()
        options.canary.setChecked(True)
        options.percent.setValue(percent)
        assert dialog.publish_button.text() == "Publish version 2 as a canary"
    return choose


def test_publish_a_canary_see_it_in_the_header_then_roll_back(qtbot, shown_window, db):
    window = shown_window
    page, ids = open_cart(window, db)
    first = open_publish(qtbot, page)
    assert not first.release_options.canary.isEnabled()  # nothing live to run beside
    first.reject()
    publish(qtbot, page)
    bar = page.header.release
    assert bar.isHidden()

    page.document.set_node_title(ids["email"], "Reminder")
    dialog = publish(qtbot, page, choose=as_canary(20))
    assert dialog.choice().canary_percent == 20 and dialog.choice().move is None
    assert versions(db) == [1, 2]
    harness = Harness(db, VirtualClock(datetime.now(timezone.utc)))
    for i in range(30):
        harness.contact(f"c{i}@example.com")
        harness.event(f"c{i}@example.com", "added_to_cart")
    page.refresh()
    wait_for_bar(qtbot, page, lambda s: s.canary_running and
                 s.canary_figures.entered + s.live_figures.entered == 30)
    assert bar.isVisible() and bar.promote.isVisible() and bar.rollback.isVisible()
    state = page.release.state
    assert bar.canary.text() == (f"Version 2, 20 % of new entrants: {state.canary_figures.entered}"
                                 " entered · 0 converted (0.0%)")
    assert bar.live.text() == (f"beside version 1: {state.live_figures.entered} entered · "
                               "0 converted (0.0%)")

    refused = open_publish(qtbot, page)  # one new version at a time
    assert refused.publish_button is None
    assert any("running as a canary" in p.message for p in refused.plan.errors)
    refused.reject()

    bar.rollback.click()
    qtbot.waitUntil(lambda: page.release.end_dialog is not None, timeout=5_000)
    end = page.release.end_dialog
    assert end.keep.isChecked() and "Contacts on version 2 finish on it" == end.keep.text()
    end.confirm.click()
    qtbot.waitUntil(lambda: end.result() == end.DialogCode.Accepted, timeout=10_000)
    wait_for_bar(qtbot, page, lambda s: not s.canary_running)
    assert not bar.promote.isVisible() and bar.ended.isVisible()
    assert bar.ended.text() == "The canary version 2 was rolled back"
    stored = stored_release(db)
    assert stored.live_version == 1 and stored.last_canary["outcome"] == "rolled_back"
    after = open_publish(qtbot, page)  # the rolled-back canary kept its number
    assert after.publish_button.text() == "Publish version 3"
    after.reject()


def test_promote_from_the_header(qtbot, shown_window, db):
    window = shown_window
    page, ids = open_cart(window, db)
    publish(qtbot, page)
    page.document.set_node_title(ids["email"], "Reminder")
    publish(qtbot, page, choose=as_canary(5))
    wait_for_bar(qtbot, page, lambda s: s.canary_running)
    page.header.release.promote.click()
    qtbot.waitUntil(lambda: page.release.end_dialog is not None, timeout=5_000)
    end = page.release.end_dialog
    end.move.setChecked(True)
    end.confirm.click()
    qtbot.waitUntil(lambda: end.result() == end.DialogCode.Accepted, timeout=10_000)
    wait_for_bar(qtbot, page, lambda s: not s.canary_running)
    assert page.header.release.isHidden()  # promoted: nothing left to show
    assert "Version 2 is live" in page.header.info.text()
    assert stored_release(db).last_canary["outcome"] == "promoted"


def test_publish_to_some_contacts_only_then_widen(qtbot, shown_window, db):
    window = shown_window
    page, _ids = open_cart(window, db)

    def only_germany(dialog):
        options = dialog.release_options
        options.only.setChecked(True)
        options.rules.set_value({"match": "all", "rules": [
            {"kind": "field", "field": "country", "op": "equals", "value": "DE"}]})

    dialog = publish(qtbot, page, choose=only_germany)
    assert dialog.choice().entry_guard["rules"][0]["value"] == "DE"
    bar = page.header.release
    wait_for_bar(qtbot, page, lambda s: s.guard is not None)
    assert bar.widen.isVisible()
    assert bar.guard.text() == "Only contacts who match: country is 'DE'"

    again = open_publish(qtbot, page)  # the guard in force is offered again
    assert again.release_options.only.isChecked()
    assert again.release_options.entry_guard() == stored_release(db).guard
    again.reject()

    bar.widen.click()
    wait_for_bar(qtbot, page, lambda s: s.guard is None)
    assert bar.isHidden() and stored_release(db).guard is None


def test_the_canary_line_belongs_to_its_journey(qtbot, shown_window, db):
    """Open the journey with a canary, open another, go back to the first."""
    window = shown_window
    page, ids = open_cart(window, db)
    cart_id = page.journey_id
    publish(qtbot, page)
    page.document.set_node_title(ids["email"], "Reminder")
    publish(qtbot, page, choose=as_canary(15))
    wait_for_bar(qtbot, page, lambda s: s.canary_running)
    bar = page.header.release
    assert bar.isVisible()
    assert window.journeys.new_journey(name="Another one")
    qtbot.waitUntil(lambda: not page.release.is_reading(), timeout=10_000)
    assert page.journey_id != cart_id and bar.isHidden()
    assert window.journeys.open_journey(cart_id)
    wait_for_bar(qtbot, page, lambda s: s.canary_running)
    assert bar.isVisible() and bar.canary.text().startswith("Version 2, 15 % of new entrants")
