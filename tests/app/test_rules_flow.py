"""Settings ▸ Sending rules as a marketer uses it: the stored rules shown, a refused value
shown under its field with nothing written, a saved rule kept when the page is left and
opened again, and the engine honouring it on the next step."""

from __future__ import annotations

from datetime import datetime, timezone

from engine.clock import VirtualClock
from engine.journey.model import Journey
from engine.settings import load_settings
from tests.engine.harness import Harness


def stored(db):
    with db.session() as session:
        return load_settings(session)


def open_rules(window):
    """Sending ▸ Sending rules…, as the marketer opens it."""
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Sending")
    next(a for a in menu.actions() if a.text() == "Sending &rules…").trigger()
    assert window.current_page() == "settings"
    assert window.settings_page.current_section() == "rules"
    return window.rules_card


def test_the_card_shows_saves_and_keeps_the_rules(qtbot, shown_window, db):
    card = open_rules(shown_window)
    cap, quiet = card.editors["frequency_cap"], card.editors["quiet_hours"]
    assert not cap.box.isChecked() and not cap.inner.isEnabled()
    assert cap.inner.value() == {"count": 2, "within": {"value": 7, "unit": "days"}}
    assert card.editors["default_timezone"].value() == "UTC"
    cap.box.click()
    cap.inner.count.setValue(3)
    quiet.box.click()
    quiet.inner.start.set_value("22:30")
    card.editors["default_timezone"].combo.setCurrentText("Europe/Lisbon")
    card.editors["consent_required"].box.click()
    card.save_button.click()
    assert card.status.text().startswith("Saved. At most 3 marketing emails per 7 days")
    settings = stored(db)
    assert settings.frequency_cap.count == 3
    assert (settings.quiet_hours.start, settings.quiet_hours.end) == ("22:30", "08:00")
    assert settings.default_timezone == "Europe/Lisbon" and settings.consent_required
    # away and back: the card reads the database again and shows what was saved
    shown_window.show_page("journeys")
    card.set_values({"frequency_cap": None})  # what a stale card would show
    open_rules(shown_window)
    assert cap.box.isChecked() and cap.inner.value()["count"] == 3
    assert card.editors["default_timezone"].value() == "Europe/Lisbon"


def test_a_refused_value_is_shown_under_its_field_and_nothing_is_written(qtbot, shown_window,
                                                                          db):
    card = open_rules(shown_window)
    quiet = card.editors["quiet_hours"]
    quiet.box.click()
    quiet.inner.start.set_value("08:00")  # the same as the end: an empty window
    card.editors["default_timezone"].combo.setCurrentText("Europe/Atlantis")
    card.save_button.click()
    assert card.status.text().startswith("Not saved")
    assert card.errors["quiet_hours"].isVisibleTo(card)
    assert "start and end at the same time" in card.errors["quiet_hours"].text()
    assert "unknown timezone 'Europe/Atlantis'" in card.errors["default_timezone"].text()
    assert not card.errors["frequency_cap"].isVisibleTo(card)
    settings = stored(db)
    assert settings.quiet_hours is None and settings.default_timezone == "UTC"
    # mended: saved, and the errors go away
    card.editors["default_timezone"].combo.setCurrentText("Europe/Berlin")
    quiet.inner.start.set_value("21:00")
    card.save_button.click()
    assert not card.errors["quiet_hours"].isVisibleTo(card)
    assert stored(db).default_timezone == "Europe/Berlin"


def test_quiet_hours_saved_in_the_card_hold_the_next_email(qtbot, shown_window, db):
    card = open_rules(shown_window)
    card.editors["quiet_hours"].box.click()  # on, at its shown 21:00–08:00
    card.editors["default_timezone"].combo.setCurrentText("Europe/Berlin")
    card.save_button.click()
    assert stored(db).quiet_hours is not None
    clock = VirtualClock(datetime(2026, 3, 2, 21, 30, tzinfo=timezone.utc))  # 22:30 Berlin
    harness = Harness(db, clock)
    journey = Journey("Late")
    journey.add_node("trigger.event", node_id="t", config={"event": "late_go"})
    journey.add_node("action.send_email", node_id="mail", config={"template": "hi"})
    journey.set_template({"key": "hi", "name": "hi", "subject": "Hi", "body": "Hello"})
    journey.connect("t", "next", "mail")
    harness.publish(journey)
    harness.event("ana@example.com", "late_go")  # no time zone: the default one applies
    assert [kind for _, _, kind, _ in harness.timeline()
            if kind in ("email", "hold")] == ["hold"]
    assert harness.messages() == []
