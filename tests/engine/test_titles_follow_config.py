"""A step title that names its setting follows it: "24 hours later" does not stay on a
delay that now waits 48 hours. Titles that name nothing of the config stay as typed."""

from __future__ import annotations

from engine.journey.model import Journey


def delay(journey: Journey, title: str, value: int = 24, unit: str = "hours") -> str:
    return journey.add_node("flow.delay", title=title,
                            config={"duration": {"value": value, "unit": unit}})


def test_a_delay_title_naming_its_wait_follows_it_and_back():
    journey = Journey("t")
    events = []
    journey.subscribe(events.append)
    node = delay(journey, "24 hours later")
    journey.set_config(node, {"duration": {"value": 48, "unit": "hours"}})
    assert journey.node(node)["title"] == "48 hours later"
    assert [e.kind for e in events][-2:] == ["config_changed", "title_changed"]
    journey.set_config(node, {"duration": {"value": 24, "unit": "hours"}})  # what undo does
    assert journey.node(node)["title"] == "24 hours later"
    journey.set_config(node, {"duration": {"value": 3, "unit": "days"}})
    assert journey.node(node)["title"] == "3 days later"


def test_titles_that_name_something_else_stay():
    journey = Journey("t")
    typed = delay(journey, "Give them time", 3, "days")
    journey.set_config(typed, {"duration": {"value": 5, "unit": "days"}})
    assert journey.node(typed)["title"] == "Give them time"
    untitled = delay(journey, "", 3, "days")
    journey.set_config(untitled, {"duration": {"value": 5, "unit": "days"}})
    assert journey.node(untitled)["title"] == ""  # shows the type's name and the summary
    # "13 days" is not "3 days": whole values only
    thirteen = delay(journey, "13 days of quiet", 3, "days")
    journey.set_config(thirteen, {"duration": {"value": 4, "unit": "days"}})
    assert journey.node(thirteen)["title"] == "13 days of quiet"


def test_score_and_wait_for_event_titles_follow():
    journey = Journey("t")
    score = journey.add_node("action.adjust_score", title="+10 lead score", config={"delta": 10})
    journey.set_config(score, {"delta": 25})
    assert journey.node(score)["title"] == "+25 lead score"
    wait = journey.add_node("flow.wait_event", title="Bought within 4 hours?", config={
        "wait_for": {"event": "order_completed"}, "timeout": {"value": 4, "unit": "hours"}})
    journey.set_config(wait, {"wait_for": {"event": "order_completed"},
                              "timeout": {"value": 1, "unit": "days"}})
    assert journey.node(wait)["title"] == "Bought within 1 day?"
