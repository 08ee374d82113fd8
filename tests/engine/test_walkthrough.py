"""Walk-throughs: the scenario presets take the documented abandoned-cart journey down the
paths a marketer expects, scripts react to emails, and nothing leaves the throw-away run."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from engine.errors import InputError
from engine.journey.model import Journey
from engine.journey.file_format import read_journey_file
from engine.messaging.lint import lint_template
from engine.simulation.walkthrough import (
    BUYS,
    NEVER_BUYS,
    OPENS_ONLY,
    PRESETS,
    UNSUBSCRIBES,
    for_trigger,
    invented_contact,
    preset_script,
    walk_through,
)

CART = Path(__file__).resolve().parents[2] / "docs" / "examples" / "abandoned-cart.journey.json"
START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def cart():
    return read_journey_file(CART).document


def run(document, preset, contact=None):
    return walk_through(document, contact or invented_contact(), preset_script(document, preset),
                        START, lint_template=lint_template)


def brief(lines):
    return [(line["offset"] / 3600, line["node"], line["kind"],
             line.get("reason") or line.get("port") or line.get("name"))
            for line in lines]


def test_buys_after_the_first_email_ends_at_the_goal(cart):
    lines = run(cart, BUYS)
    assert brief(lines) == [
        (0, None, "event", "added_to_cart"),
        (0, "trigger", "enter", None),
        (0, "wait", "wait", None),
        (4, "wait", "branch", "timeout"),
        (4, "reminder", "email", None),
        (4, "day", "wait", None),
        (5, None, "event", "order_completed"),  # an hour after the first email
        (5, "day", "exit", "goal"),
    ]
    assert lines[-1]["explanation"] == "Reached the goal: the journey ends here"
    email = lines[4]
    assert email["subject"] == "You left something behind" and "Stoneware mug" in email["html"]
    assert email["title"] == "Reminder" and "nothing is sent" in email["explanation"]


def test_never_buys_gets_both_emails(cart):
    lines = run(cart, NEVER_BUYS)
    assert [line["node"] for line in lines if line["kind"] == "email"] == ["reminder", "discount"]
    assert lines[-1]["kind"] == "exit" and lines[-1]["reason"] == "completed"
    assert lines[-1]["offset"] == 28 * 3600


def test_unsubscribing_skips_the_second_email(cart):
    lines = run(cart, UNSUBSCRIBES)
    skip = next(line for line in lines if line["kind"] == "skip")
    assert skip["node"] == "discount" and skip["reason"] == "unsubscribed"
    assert skip["explanation"] == "Skipped this step: the contact has unsubscribed"
    assert [line["node"] for line in lines if line["kind"] == "email"] == ["reminder"]


def test_opening_every_email_without_clicking(cart):
    lines = run(cart, OPENS_ONLY)
    opens = [line for line in lines if line["kind"] == "event" and line["name"] == "email_opened"]
    assert [line["offset"] / 3600 for line in opens] == [4.5, 28.5]
    assert opens[0]["properties"] == {"template": "cart-reminder"}


def test_a_stored_contacts_unsubscribed_status_is_respected(cart):
    contact = {**invented_contact(), "status": "unsubscribed"}
    lines = run(cart, NEVER_BUYS, contact)
    assert [line["kind"] for line in lines if line["node"] == "reminder"] == ["skip"]


def test_every_preset_has_a_script(cart):
    for key in PRESETS:
        assert preset_script(cart, key)[0] == {
            "at": "0m", "name": "added_to_cart",
            "properties": {"sku": "MUG-01", "name": "Stoneware mug", "price": 18.0,
                           "quantity": 2}}


def test_manual_and_list_triggers_enter_too():
    journey = Journey("By hand")
    start = journey.add_node("trigger.manual")
    score = journey.add_node("action.adjust_score", config={"delta": 5})
    journey.connect(start, "next", score)
    lines = walk_through(journey.to_document(), invented_contact(), [], START)
    assert [line["kind"] for line in lines] == ["enter", "action", "exit"]
    assert lines[1]["explanation"] == "Lead score changed by +5"

    listed = Journey("Newsletter")
    listed.add_node("trigger.list_joined", node_id="joined", config={"list": "Newsletter"})
    listed.add_node("action.adjust_score", node_id="score", config={"delta": 1})
    listed.connect("joined", "next", "score")
    document = listed.to_document()
    lines = walk_through(document, invented_contact(), preset_script(document, NEVER_BUYS), START)
    assert [line["kind"] for line in lines] == ["event", "enter", "action", "exit"]
    assert lines[0]["explanation"] == "Joins the list “Newsletter”"


def test_date_triggers_fire_for_the_invented_contact():
    journey = Journey("Birthday")
    trigger = journey.add_node("trigger.date_field", config={"field": "birthday"})
    score = journey.add_node("action.adjust_score", config={"delta": 1})
    journey.connect(trigger, "next", score)
    document = journey.to_document()
    contact = for_trigger(document, invented_contact(), START)
    assert contact["attributes"] == {"birthday": "2026-03-03"}
    lines = walk_through(document, contact, [], START)
    assert [line["kind"] for line in lines] == ["enter", "action", "exit"]


def test_a_contact_who_never_enters_is_told_why(cart):
    lines = walk_through(cart, invented_contact(), [], START)
    assert [line["kind"] for line in lines] == ["note"]
    assert "did not enter" in lines[0]["explanation"]


def test_bad_scripts_are_named(cart):
    with pytest.raises(InputError, match="script line 1"):
        walk_through(cart, invented_contact(), [{"name": "x"}], START)
    with pytest.raises(InputError, match='"following"'):
        walk_through(cart, invented_contact(),
                     [{"at": "0m", "name": "x", "following": "email"}], START)
    with pytest.raises(InputError, match="email address"):
        walk_through(cart, {"first_name": "Nobody"}, [], START)


def test_progress_is_reported_and_cancel_stops(cart):
    seen = []
    walk_through(cart, invented_contact(), preset_script(cart, NEVER_BUYS), START,
                 progress=seen.append)
    assert seen and all(0 <= f <= 1 for f in seen) and seen == sorted(seen)
    from engine.simulation.simulate import Cancelled

    with pytest.raises(Cancelled):
        walk_through(cart, invented_contact(), preset_script(cart, NEVER_BUYS), START,
                     cancelled=lambda: True)


def test_a_starter_journey_of_block_emails_walks_through():
    starter = Path(__file__).resolve().parents[2] / "resources" / "journeys" / "abandoned-cart.journey.json"
    document = read_journey_file(starter).document
    assert {t.format for t in document.templates} == {"blocks"}
    lines = run(document, NEVER_BUYS)
    emails = [line for line in lines if line["kind"] == "email"]
    assert [line["node"] for line in emails] == ["reminder", "discount", "alternatives"]
    assert emails[0]["subject"] == "You left something in your cart"
    assert "mj-column" in emails[0]["html"] and "Unsubscribe" in emails[0]["html"]
    assert "SAVE10-" in emails[1]["html"]
