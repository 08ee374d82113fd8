"""The difference between the live version and the draft, as the publish dialog shows it."""

from __future__ import annotations

from engine.analytics.version_diff import (
    StepChange,
    StepRef,
    TemplateChange,
    diff_versions,
)
from tests.engine.journeys import CART_EMAIL, abandoned_cart


def test_first_publish_adds_everything():
    journey, ids = abandoned_cart()
    diff = diff_versions(None, journey.to_document())
    assert [step.id for step in diff.added] == list(ids.values())
    assert diff.templates_added == ("cart-reminder",) and not diff.settings_changed
    assert len(diff.edges_added) == 3


def test_nothing_changed_is_empty_even_when_steps_moved():
    journey, ids = abandoned_cart()
    live = journey.to_document()
    journey.set_positions({ids["email"]: (500.0, 300.0)})
    diff = diff_versions(live, journey.to_document())
    assert diff.empty and diff.lines() == []


def test_every_kind_of_change_is_reported():
    journey, ids = abandoned_cart()
    live = journey.to_document()
    journey.set_config(ids["wait"], {"wait_for": {"event": "order_completed"},
                                     "timeout": "6 hours"})
    journey.set_title(ids["email"], "Reminder")
    journey.remove_node(ids["goal"])
    delay = journey.add_node("flow.delay", config={"duration": "1 day"})
    journey.connect(ids["email"], "next", delay)
    journey.set_settings({"priority": 5})
    journey.set_template({**CART_EMAIL, "subject": "Still thinking it over?"})
    journey.set_template({"key": "new-one", "name": "New one", "subject": "Hello"})

    diff = diff_versions(live, journey.to_document())
    assert diff.added == (StepRef(delay, "Delay"),)
    assert diff.removed == (StepRef(ids["goal"], "Goal"),)
    assert diff.changed == (StepChange(StepRef(ids["wait"], "Wait for event"), ("timeout",)),
                            StepChange(StepRef(ids["email"], "Reminder"), ("title",)))
    assert diff.edges_added == ((ids["email"], "next", delay),)
    assert diff.edges_removed == ((ids["wait"], "event", ids["goal"]),)
    assert diff.settings_changed == ("priority",)
    assert diff.templates_added == ("new-one",)
    assert diff.templates_changed == (TemplateChange("cart-reminder", "Cart reminder",
                                                     ("subject",)),)
    assert diff.lines() == [
        "Adds the step 'Delay'",
        "Removes the step 'Goal'",
        "Changes 'Wait for event': timeout",
        "Changes 'Reminder': title",
        "Connections between steps: 1 added, 1 removed",
        "Changes the journey settings: priority",
        "Adds the email 'new-one'",
        "Edits the email 'Cart reminder': subject",
    ]


def test_a_stored_config_that_leaves_defaults_out_is_no_change():
    journey, ids = abandoned_cart()
    live = journey.to_document()
    sparse = live.model_copy(deep=True)
    for node in sparse.nodes:
        if node.id == ids["email"]:
            node.config = {"template": "cart-reminder"}  # transactional, when_capped left out
    assert diff_versions(sparse, live).empty
