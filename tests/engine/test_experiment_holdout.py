"""Holdouts and the report's experiment parts, on the real engine and a virtual clock:
held-out contacts enter and exit at once (sticky), the comparison counts the goal event
within the conversion window for both groups, the lift and its interval, revenue per
contact, repeat purchase; `report --json` carries "experiments" and "holdout" as specified,
and `simulate --report` too."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.db.models import Contact, Enrollment
from engine.experiments.stats import rate_difference
from engine.intake.events import parse_event, record_contact_upsert, record_events
from engine.journey.model import Journey
from engine.reports.journey_reports import reports
from tests.engine.harness import Harness
from tests.engine.test_experiment_runtime import sign_up, split_journey

D = timedelta(days=1)


@pytest.fixture
def h(db, clock):
    return Harness(db, clock)


def held_journey(percent: int = 30, re_entry: str = "once") -> Journey:
    journey = Journey("Win back")
    journey.set_settings({"holdout_percent": percent, "conversion_window": "14d",
                          "re_entry": {"mode": re_entry},
                          "goal_events": [{"event": "order_completed"}]})
    journey.add_node("trigger.event", node_id="t", config={"event": "lapsed"})
    journey.add_node("action.adjust_score", node_id="score", config={"delta": 5})
    journey.add_node("flow.delay", node_id="wait", config={"duration": "30 days"})
    journey.add_node("flow.exit", node_id="done")
    journey.connect("t", "next", "score")
    journey.connect("score", "next", "wait")
    journey.connect("wait", "next", "done")
    return journey


def orders(h, emails, revenue, at) -> None:
    with h.db.session() as session:
        record_events(session, [parse_event({"contact": e, "name": "order_completed",
                                             "properties": {"revenue": revenue},
                                             "at": at.isoformat()}) for e in emails],
                      now=h.clock.now(), source="test")


def test_holdout_enters_and_exits_and_the_report_compares(h, clock):
    h.publish(held_journey(30))
    start = clock.now()
    emails = [f"l{i}@example.com" for i in range(300)]
    with h.db.session() as session:
        for email in emails:
            record_contact_upsert(session, {"email": email}, now=start, source="test")
        record_events(session, [parse_event({"contact": e, "name": "lapsed", "properties": {},
                                             "at": None}) for e in emails], now=start, source="test")
    h.engine.tick()
    held = [e for e in emails if [r[2:] for r in h.timeline(e)] == [
        ("t", "enter", None)[1:], ("t", "exit", "holdout")[1:]]]
    treated = [e for e in emails if e not in held]
    assert 60 < len(held) < 120  # 30 %
    for email in treated[:5]:
        assert [r[2] for r in h.timeline(email)][:2] == ["enter", "action"]

    # treated: every other one orders on day 3; held out: every fifth; late orders don't count
    clock.set(start + 3 * D)
    orders(h, treated[::2], 40, clock.now())
    orders(h, held[::5], 40, clock.now())
    orders(h, held[1::5], 10, start + 20 * D)  # after the 14-day window
    clock.set(start + 95 * D)
    h.engine.tick()
    [report] = reports(h.db, "Win back")
    holdout = report["holdout"]
    t_conv, h_conv = len(treated[::2]), len(held[::5])
    lift, low, high = rate_difference((len(treated), t_conv), (len(held), h_conv))
    assert holdout["percent"] == 30
    assert (holdout["held_out"], holdout["treated"]) == (len(held), len(treated))
    assert holdout["treated_conversion_rate"] == round(t_conv / len(treated), 6)
    assert holdout["held_out_conversion_rate"] == round(h_conv / len(held), 6)
    assert (holdout["lift"], holdout["ci_low"], holdout["ci_high"]) == (
        round(lift, 6), round(low, 6), round(high, 6))
    assert holdout["lift"] > 0 and holdout["ci_low"] < holdout["lift"] < holdout["ci_high"]
    assert holdout["treated_revenue_per_contact"] == round(40 * t_conv / len(treated), 2)
    assert holdout["held_out_revenue_per_contact"] == round(40 * h_conv / len(held), 2)
    repeat = {r["days"]: r for r in holdout["repeat_purchase"]}
    assert repeat[30]["held_out"] == round((h_conv + len(held[1::5])) / len(held), 6)
    assert repeat[90]["treated_n"] == len(treated)
    json.dumps(report)  # plain JSON


def test_holdout_is_sticky_and_off_means_no_holdout(h, clock):
    h.publish(held_journey(50, re_entry="always"))
    emails = [f"s{i}@example.com" for i in range(40)]
    sign = lambda: [e for e in emails if any(r[3] == "holdout" for r in h.timeline(e))]
    with h.db.session() as session:
        for email in emails:
            record_contact_upsert(session, {"email": email}, now=clock.now(), source="test")
    for round_ in range(2):
        with h.db.session() as session:
            record_events(session, [parse_event({"contact": e, "name": "lapsed",
                                                 "properties": {}, "at": None}) for e in emails],
                          now=clock.now(), source="test")
        h.engine.tick()
        if round_ == 0:
            first = sign()
        clock.advance(40 * D)
        h.engine.tick()
    with h.db.session() as session:
        held_rows = session.execute(select(Contact.email).join(
            Enrollment, Enrollment.contact_id == Contact.id).where(
            Enrollment.end_reason == "holdout")).scalars().all()
    assert sorted(held_rows) == sorted(first * 2)  # the same contacts held out both times

    h.publish(split_journey(None, name="Plain"))
    [plain] = reports(h.db, "Plain")
    assert plain["holdout"] is None and plain["experiments"] == []


def test_report_experiments_shape(h, clock):
    h.publish(split_journey({"metric": "conversion", "min_per_variant": 50}))
    sign_up(h, [f"u{i}@example.com" for i in range(150)])
    clock.advance(timedelta(minutes=1))
    h.engine.tick()
    [report] = reports(h.db, "Welcome test")
    [test] = report["experiments"]
    assert list(test)[:5] == ["step", "metric", "variants", "winner", "decided_at"]
    assert test["step"] == "split" and test["metric"] == "conversion"
    assert test["winner"] == "a" and test["decided_at"].startswith("2026-03-02T09:0")
    a, b = test["variants"]
    assert {"key", "n", "successes", "rate", "p_best", "uplift", "ci_low", "ci_high"} <= set(a)
    assert a["n"] + b["n"] == 150 and a["successes"] == a["n"] and b["successes"] == 0
    assert a["uplift"] is None and b["uplift"] < 0 and b["ci_low"] < b["uplift"] < b["ci_high"]
    assert report["holdout"] is None
    assert 0 < b["rate_low"] < 0.001 < b["rate_high"] < 0.1 and a["rate_low"] > 0.9


def test_simulate_report_carries_experiments_and_holdout(tmp_path, capsys):
    from app.cli import main
    from engine.journey.file_format import write_journey_file

    journey = split_journey({"metric": "conversion", "min_per_variant": 50})
    journey.set_settings({"re_entry": {"mode": "once"}, "holdout_percent": 20})
    write_journey_file(journey, tmp_path / "test.journey.json")
    emails = [f"p{i}@example.com" for i in range(200)]
    (tmp_path / "contacts.csv").write_text("email\n" + "\n".join(emails) + "\n")
    (tmp_path / "events.jsonl").write_text("".join(
        json.dumps({"at": "2026-03-02T09:00:00Z", "contact": e, "name": "signed_up"}) + "\n"
        for e in emails))
    code = main(["simulate", str(tmp_path / "test.journey.json"), "--contacts",
                 str(tmp_path / "contacts.csv"), "--events", str(tmp_path / "events.jsonl"),
                 "--start", "2026-03-02T08:59Z", "--until", "3d", "--json", "--report"])
    assert code == 0
    report = json.loads(capsys.readouterr().out.splitlines()[-1])
    [test] = report["experiments"]
    a, b = test["variants"]
    assert a["n"] + b["n"] + report["holdout"]["held_out"] == 200
    assert test["winner"] == "a" and test["decided_at"].startswith("2026-03-02T09:0")
    assert report["holdout"]["percent"] == 20 and report["holdout"]["treated"] == 200 - report[
        "holdout"]["held_out"]
