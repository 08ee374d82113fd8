"""Whole-journey validation."""

from engine.journey.model import Journey
from engine.journey.validation import ERROR, WARNING, has_errors, validate_journey
from tests.engine.journeys import abandoned_cart


def messages(journey, **kwargs):
    return [(p.node_id, p.severity, p.message) for p in validate_journey(journey, **kwargs)]


def test_a_complete_journey_has_no_problems():
    journey, _ = abandoned_cart()
    assert messages(journey) == []


def test_missing_trigger_and_unreachable_steps():
    journey = Journey()
    delay = journey.add_node("flow.delay")
    assert (None, ERROR, "The journey has no trigger: add one to say who enters it") in messages(journey)
    trigger = journey.add_node("trigger.manual")
    found = messages(journey)
    assert (trigger, ERROR, "The trigger leads nowhere: connect it to a first step") in found
    assert (delay, ERROR, "No contact can reach this step: connect it to the journey") in found


def test_two_triggers():
    journey = Journey()
    journey.add_node("trigger.manual")
    second = journey.add_node("trigger.inactive")
    assert (second, ERROR, "A journey has exactly one trigger; remove the others") in messages(journey)


def test_unwired_fork_ports_and_incomplete_configs():
    journey, ids = abandoned_cart()
    journey.disconnect(ids["wait"], "event")
    branch = journey.add_node("flow.branch")
    journey.connect(ids["email"], "next", branch)
    found = messages(journey)
    assert (ids["wait"], ERROR, "'event' leads nowhere: connect it, or end it with an Exit") in found
    assert (branch, ERROR, "Add at least one rule to the condition") in found
    assert (branch, ERROR, "'yes' leads nowhere: connect it, or end it with an Exit") in found


def test_missing_template_and_back_to_back_emails():
    journey, ids = abandoned_cart()
    second = journey.add_node("action.send_email", config={"template": "nope"})
    journey.connect(ids["email"], "next", second)
    found = messages(journey)
    assert (second, ERROR, "The email 'nope' does not exist") in found
    assert (second, WARNING,
            "Sent right after another email ('Send: You left something behind') with no delay between") in found


def test_template_linter_hook_is_used_once_per_template():
    journey, ids = abandoned_cart()
    calls = []

    def lint(template):
        calls.append(template.key)
        return [(WARNING, "subject is long")]

    assert (ids["email"], WARNING, "subject is long") in messages(journey, lint_template=lint)
    assert calls == ["cart-reminder"]
    assert not has_errors(validate_journey(journey, lint_template=lint))
