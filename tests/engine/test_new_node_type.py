"""A node type is one spec: a made-up type, defined only here, runs through validation,
the engine (a tick on the virtual clock), `simulate`, the inspector and the canvas without
any other file knowing its id. If a part of the code still asked by type id, this type
would be missed there (and the grep test in test_type_ids.py finds the id strings)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import Field

from engine.intake.events import EventInput
from engine.journey.model import Journey
from engine.journey.validation import ERROR, validate_journey
from engine.nodes import (
    REGISTRY, Category, EmailUse, NodeRegistry, NodeSpec, Port, using_registry,
)
from engine.nodes.common import NodeConfig
from engine.runtime.outcomes import Go

COIN = "test.coin"


class CoinConfig(NodeConfig):
    heads_domain: str = Field("example.com", title="Heads for this email domain")


def run_coin(step, config) -> Go:
    """Heads for contacts at the configured domain, tails for everyone else."""
    heads = step.contact["email"].endswith("@" + config.heads_domain)
    return Go("heads" if heads else "tails", kind="branch")


SPEC = NodeSpec(
    type_id=COIN, version=1, title="Coin", description="Heads or tails, by email domain.",
    category=Category.LOGIC, icon="split", config_model=CoinConfig,
    summarize=lambda c, _t: f"Heads for @{c.heads_domain}",
    ports=lambda _c: (Port("heads", "Heads"), Port("tails", "Tails")),
    executor=run_coin, forks=True,
    port_words=(("heads", "The coin fell on heads"), ("tails", "The coin fell on tails")),
)


class NoteConfig(NodeConfig):
    letter: str = Field("", title="Letter to file")


#: a step that names an email in a field of its own and does not send it
NOTE = NodeSpec(
    type_id="test.note", version=1, title="File a letter", description="Files an email.",
    category=Category.ACTION, icon="bolt", config_model=NoteConfig,
    summarize=lambda c, _t: f"File {c.letter or '…'}",
    executor=lambda _step, _config: Go("next", kind="action", detail={"action": "note"}),
    email=EmailUse(template_field="letter", sends=False),
)


@pytest.fixture
def registry():
    second = NodeRegistry([*REGISTRY, SPEC, NOTE])
    with using_registry(second):
        yield second


def _journey(name="Coin toss", wired=True) -> Journey:
    journey = Journey(name)
    journey.add_node(REGISTRY_TRIGGER, node_id="t", config={"event": "signed_up"})
    journey.add_node(COIN, node_id="coin", config={"heads_domain": "heads.example.com"})
    journey.add_node(SCORE, node_id="up", config={"delta": 10})
    journey.connect("t", "next", "coin")
    journey.connect("coin", "heads", "up")
    if wired:
        journey.add_node(SCORE, node_id="down", config={"delta": -1})
        journey.connect("coin", "tails", "down")
    return journey


# the app's own types this journey uses, found by what they do, not by id
REGISTRY_TRIGGER = next(s.type_id for s in REGISTRY if s.match is not None
                        and s.match.value == "event")
SCORE = next(s.type_id for s in REGISTRY if s.config_model.model_fields.keys() == {"delta"})


def test_the_app_registry_does_not_know_the_made_up_type():
    assert COIN not in REGISTRY


def test_validation_asks_the_spec_whether_it_forks(registry):
    assert [p for p in validate_journey(_journey()) if p.severity == ERROR] == []
    problems = validate_journey(_journey(wired=False))
    assert [(p.node_id, p.message) for p in problems if p.severity == ERROR] == [
        ("coin", "'Tails' leads nowhere: connect it, or end it with an Exit")]


def test_validation_asks_the_spec_which_email_a_step_uses(registry):
    journey = _journey()
    journey.add_node("test.note", node_id="note", config={"letter": "welcome"})
    journey.connect("up", "next", "note")
    problems = [(p.node_id, p.message) for p in validate_journey(journey)]
    assert ("note", "The email 'welcome' does not exist") in problems


def test_the_engine_runs_it_on_a_tick(registry, db, clock):
    from tests.engine.harness import Harness

    h = Harness(db, clock)
    h.publish(_journey())
    h.event("ana@heads.example.com", "signed_up")
    h.event("bo@tails.example.com", "signed_up")
    h.run_for(timedelta(hours=1))
    branched = [node for _when, node, kind, _reason in h.timeline() if kind == "branch"]
    assert branched == ["coin", "coin"]
    from sqlalchemy import select

    from engine.db.models import Contact

    with db.session() as session:
        scores = dict(session.execute(select(Contact.email, Contact.lead_score)).all())
    assert scores == {"ana@heads.example.com": 10, "bo@tails.example.com": -1}


def test_simulate_runs_it_and_words_its_ports(registry, clock):
    from engine.journey.step_words import explain
    from engine.simulation.simulate import Scenario, run_scenario

    start = clock.now()
    lines = run_scenario(Scenario(
        documents=[_journey().to_document()],
        contacts=[{"email": "ana@heads.example.com"}, {"email": "bo@tails.example.com"}],
        events=[EventInput("ana@heads.example.com", "signed_up", {}, start),
                EventInput("bo@tails.example.com", "signed_up", {}, start)],
        start=start, until=start + timedelta(hours=2)))
    branches = [line for line in lines if line.get("kind") == "branch"]
    assert sorted((b["contact"], b["port"]) for b in branches) == [
        ("ana@heads.example.com", "heads"), ("bo@tails.example.com", "tails")]
    coin = next(node for node in _journey().to_document().nodes if node.id == "coin")
    words = {explain(b, coin) for b in branches}
    assert words == {"The coin fell on heads", "The coin fell on tails"}


def test_inspector_and_canvas_show_it(registry, qtbot):
    from app.journey_document import JourneyDocument
    from tests.widgets.canvas_helpers import show_editor

    editor = show_editor(qtbot, JourneyDocument(_journey()))
    item = editor.scene.node_item("coin")
    assert item is not None and sorted(item.ports) == ["heads", "tails"]
    assert [p.label for p in item.content.ports] == ["Heads", "Tails"]
    editor.select_node("coin")
    form = editor.inspector.form_for(COIN)
    assert form.editor("heads_domain").value() == "heads.example.com"
    form.editor("heads_domain").set_value("other.example.com")
    form.editor("heads_domain").edited.emit()
    form.editor("heads_domain").finished.emit()
    journey = editor.scene.journey
    qtbot.waitUntil(lambda: journey.config("coin").heads_domain == "other.example.com",
                    timeout=2000)


def test_the_inspector_offers_the_journeys_emails_for_the_field_the_spec_names(registry, qtbot):
    from app.journey_document import JourneyDocument
    from tests.widgets.canvas_helpers import show_editor
    from widgets.inspector.field_editors import TemplateEditor

    journey = _journey()
    journey.add_node("test.note", node_id="note", config={"letter": ""})
    journey.connect("up", "next", "note")
    editor = show_editor(qtbot, JourneyDocument(journey))
    editor.select_node("note")
    assert isinstance(editor.inspector.form_for("test.note").editor("letter"), TemplateEditor)
