"""A/B tests on a random split, on the real engine and a virtual clock: figures counted as
contacts arrive, the winner called once (with its time, a notice), later entrants on the
winner's path with the timeline's reason, and no winner before the minimum sample or
between equal sides."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.db.models import Contact, ExperimentResult, JourneyNotice, StepLog
from engine.experiments.figures import split_takers, successes, variant_stats
from engine.intake.events import parse_event, record_contact_upsert, record_events
from engine.journey.model import Journey
from engine.journey.step_words import explain
from tests.engine.harness import Harness

M = timedelta(minutes=1)


@pytest.fixture
def h(db, clock):
    return Harness(db, clock)


def split_journey(experiment: dict | None, *, b_converts: bool = False,
                  name: str = "Welcome test") -> Journey:
    """signed_up → split a/b; a → goal; b → goal or (wait a day → exit)."""
    journey = Journey(name)
    journey.set_settings({"re_entry": {"mode": "always"}})
    journey.add_node("trigger.event", node_id="t", config={"event": "signed_up"})
    config = {"variants": [{"key": "a", "label": "Coupon", "percent": 50},
                           {"key": "b", "label": "No coupon", "percent": 50}]}
    if experiment is not None:
        config["experiment"] = experiment
    journey.add_node("flow.random_split", node_id="split", config=config)
    journey.add_node("flow.goal", node_id="goal_a")
    journey.connect("t", "next", "split")
    journey.connect("split", "a", "goal_a")
    if b_converts:
        journey.add_node("flow.goal", node_id="goal_b")
        journey.connect("split", "b", "goal_b")
    else:
        journey.add_node("flow.delay", node_id="later", config={"duration": "1 day"})
        journey.add_node("flow.exit", node_id="gone")
        journey.connect("split", "b", "later")
        journey.connect("later", "next", "gone")
    return journey


def sign_up(h: Harness, emails: list[str]) -> None:
    now = h.clock.now()
    with h.db.session() as session:
        for email in emails:
            record_contact_upsert(session, {"email": email}, now=now, source="test")
        record_events(session, [parse_event({"contact": e, "name": "signed_up",
                                             "properties": {}, "at": None}) for e in emails],
                      now=now, source="test")
    h.engine.tick()


def branches(h: Harness, email: str) -> list[tuple]:
    """(port, at) of each branch line; the port is "winner" when the test's winner chose it."""
    with h.db.session() as session:
        rows = session.execute(
            select(StepLog.port, StepLog.reason, StepLog.at).join(
                Contact, Contact.id == StepLog.contact_id)
            .where(Contact.email == email, StepLog.kind == "branch").order_by(StepLog.id)).all()
    return [("winner" if reason == "winner" else port, at) for port, reason, at in rows]


def result(h: Harness) -> ExperimentResult | None:
    with h.db.session() as session:
        return session.scalar(select(ExperimentResult))


def test_winner_is_called_once_and_later_entrants_take_its_path(h, clock):
    h.publish(split_journey({"metric": "conversion", "min_per_variant": 50,
                             "confidence": 0.95, "auto_winner": True}))
    first = [f"u{i}@example.com" for i in range(60)]
    sign_up(h, first)
    # 60 entrants: about 30 a side, under the minimum sample — no winner however clear
    stored = result(h)
    assert stored is not None and stored.winner is None
    sides = {v["key"]: v for v in stored.figures["variants"]}
    assert sides["a"]["n"] + sides["b"]["n"] == 60
    assert sides["a"]["successes"] == sides["a"]["n"] and sides["b"]["successes"] == 0

    more = [f"v{i}@example.com" for i in range(140)]
    clock.advance(M)
    sign_up(h, more)
    stored = result(h)
    assert stored.winner == "a" and stored.decided_at == clock.now()
    decided = stored.decided_at
    figures = {v["key"]: v for v in stored.figures["variants"]}
    assert figures["a"]["n"] >= 50 and figures["b"]["n"] >= 50
    assert figures["a"]["p_best"] > 0.999 and figures["a"]["rate"] == 1.0
    with h.db.session() as session:
        notices = session.scalars(select(JourneyNotice)).all()
    assert [(n.kind, n.detail["winner"], n.detail["label"]) for n in notices] == [
        ("experiment_winner", "a", "Coupon")]

    # later entrants all take the winner's path, said so on their timeline
    late = [f"w{i}@example.com" for i in range(20)]
    clock.advance(M)
    sign_up(h, late)
    for email in late:
        assert branches(h, email) == [("winner", clock.now())]
    with h.db.session() as session:
        lines = session.scalars(select(StepLog).where(StepLog.reason == "winner")).all()
    assert {line.port for line in lines} == {"a"} and len(lines) == 20
    assert explain({"kind": "branch", "port": "a", "reason": "winner"}, None) == (
        "Takes the “a” path: the A/B test's winner")

    # declared once: more ticks and entrants change neither the winner nor its time
    clock.advance(10 * M)
    sign_up(h, [f"x{i}@example.com" for i in range(5)])
    assert result(h).winner == "a" and result(h).decided_at == decided
    with h.db.session() as session:
        assert len(session.scalars(select(JourneyNotice)).all()) == 1
        # winner-routed contacts are not part of the test's figures
        takers = split_takers(session, h.enrollments()[0].journey_id, "split")
    assert len(takers) == 200


def test_assignment_is_sticky_across_reentry(h, clock):
    h.publish(split_journey({"min_per_variant": 500}))
    emails = [f"s{i}@example.com" for i in range(30)]
    sign_up(h, emails)
    first = {e: branches(h, e)[0][0] for e in emails}
    clock.advance(2 * timedelta(days=1))
    h.run_for(M)
    sign_up(h, emails)  # re-entry ("always")
    for email in emails:
        ports = [port for port, _ in branches(h, email)]
        assert len(ports) == 2 and ports[0] == ports[1] == first[email]


def test_equal_sides_and_no_auto_winner(h, clock):
    """Both sides convert alike: no winner however many arrive. Without auto_winner a
    winner is still called, but entrants keep splitting."""
    h.publish(split_journey({"min_per_variant": 50}, b_converts=True))
    sign_up(h, [f"e{i}@example.com" for i in range(200)])
    clock.advance(M)
    h.engine.tick()
    stored = result(h)
    assert stored.winner is None
    p = [v["p_best"] for v in stored.figures["variants"]]
    assert abs(p[0] - p[1]) < 0.2 and abs(sum(p) - 1) < 1e-6

    h.publish(split_journey({"min_per_variant": 50, "auto_winner": False},
                            name="No auto"))
    clock.advance(M)
    sign_up(h, [f"n{i}@example.com" for i in range(200)])
    with h.db.session() as session:
        row = session.scalar(select(ExperimentResult).where(ExperimentResult.winner.is_not(None)))
    assert row is not None and row.winner == "a"
    clock.advance(M)
    h.engine.tick()
    late = [f"m{i}@example.com" for i in range(40)]
    sign_up(h, late)  # both journeys take them; neither has an auto winner to follow
    ports = [p for e in late for p, _ in branches(h, e)]
    assert "winner" not in ports and {"a", "b"} <= set(ports)


def test_revenue_per_contact(h, clock):
    h.publish(split_journey({"metric": "revenue", "min_per_variant": 50}, b_converts=True))
    emails = [f"r{i}@example.com" for i in range(40)]
    sign_up(h, emails)
    sides = {e: branches(h, e)[0][0] for e in emails}
    clock.advance(M)
    orders = []
    for email in emails:
        amount = 30 if sides[email] == "a" else 10
        orders.append(parse_event({"contact": email, "name": "order_completed",
                                   "properties": {"revenue": amount}, "at": None}))
    # one order placed before the split does not count: only after the contact took a side
    with h.db.session() as session:
        record_events(session, orders, now=clock.now(), source="test")
        journey_id = h.enrollments()[0].journey_id
        takers = split_takers(session, journey_id, "split")
        values = successes(session, takers, "revenue")
        stats = variant_stats(("a", "b"), takers, values, "revenue")
    count_a = sum(1 for s in sides.values() if s == "a")
    assert stats[0].n == count_a and stats[0].rate == pytest.approx(30)
    assert stats[1].rate == pytest.approx(10)
    assert stats[1].uplift == pytest.approx(10 / 30 - 1)


def test_a_test_over_four_variants_is_a_problem_with_its_place():
    from engine.journey.file_format import load_journey_data

    variants = [{"key": k, "label": k.upper(), "percent": 20} for k in "abcde"]
    data = {"schema_version": 2, "name": "Five", "nodes": [
        {"id": "t", "type": "trigger.event", "config": {"event": "go"}},
        {"id": "split", "type": "flow.random_split",
         "config": {"variants": variants, "experiment": {"metric": "click"}}}],
        "edges": [{"source": "t", "target": "split"}]}
    messages = [str(p) for p in load_journey_data(data).problems]
    assert any("2 to 4 variants, not 5" in m and "split" in m for m in messages), messages
    for bad, words in (({"confidence": 0.5}, "confidence"), ({"min_per_variant": 10}, "min_per_variant"),
                       ({"metric": "open"}, "metric")):
        data["nodes"][1]["config"] = {"variants": variants[:2] and [
            {"key": "a", "label": "A", "percent": 50}, {"key": "b", "label": "B", "percent": 50}],
            "experiment": bad}
        messages = [str(p) for p in load_journey_data(data).problems]
        assert any(words in m and "split" in m for m in messages), messages
