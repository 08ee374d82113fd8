"""Canary releases and the entry guard, on the real engine and a virtual clock: the split
of new entrants, stickiness across re-entry, who finishes where after promote and roll
back, the guard on entry and its timeline line, and the refusals."""

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.db.models import Contact, Enrollment, JourneyVersion, StepLog
from engine.errors import TrellisError
from engine.intake.events import parse_event, record_contact_upsert, record_events
from engine.journey.model import Journey
from engine.journey.step_words import explain
from engine.runtime.entry import in_canary
from engine.runtime.publish import PublishRefused
from engine.runtime.release import release_state
from tests.engine.harness import Harness

D = timedelta(days=1)
NAME = "Welcome"


@pytest.fixture
def h(db, clock):
    return Harness(db, clock)


def welcome(delta: int, *, bonus: bool = False, re_entry: str = "once") -> Journey:
    """signed_up → wait 1 day → score +delta (→ wait 1 day at "bonus", canary only) → goal."""
    journey = Journey(NAME)
    journey.set_settings({"re_entry": {"mode": re_entry}})
    steps = [("trigger", "trigger.event", {"event": "signed_up"}),
             ("wait", "flow.delay", {"duration": "1 day"}),
             ("score", "action.adjust_score", {"delta": delta})]
    if bonus:
        steps.append(("bonus", "flow.delay", {"duration": "1 day"}))
    steps.append(("goal", "flow.goal", {"name": "welcomed"}))
    previous = None
    for node_id, type_id, config in steps:
        journey.add_node(type_id, node_id=node_id, config=config)
        if previous:
            journey.connect(previous, "next", node_id)
        previous = node_id
    return journey


def sign_up(h: Harness, emails: list[str], **fields) -> None:
    now = h.clock.now()
    with h.db.session() as session:
        for email in emails:
            record_contact_upsert(session, {"email": email, **fields}, now=now, source="test")
        record_events(session, [parse_event({"contact": e, "name": "signed_up", "properties": {},
                                             "at": None}) for e in emails],
                      now=now, source="test")
    h.engine.tick()


def version_of(h: Harness) -> dict[str, list[int]]:
    """email → the version numbers of each of its enrollments, oldest first."""
    with h.db.session() as session:
        rows = session.execute(
            select(Contact.email, JourneyVersion.number)
            .join(Enrollment, Enrollment.contact_id == Contact.id)
            .join(JourneyVersion, JourneyVersion.id == Enrollment.version_id)
            .order_by(Enrollment.id)).all()
    out: dict[str, list[int]] = {}
    for email, number in rows:
        out.setdefault(email, []).append(number)
    return out


def scores(h: Harness) -> dict[str, int]:
    with h.db.session() as session:
        return dict(session.execute(select(Contact.email, Contact.lead_score)).all())


def start_canary(h: Harness, percent: int = 10, **v2) -> None:
    assert h.publish(welcome(1)) == 1
    assert h.publish(welcome(2, **v2), canary=percent) == 2


@pytest.mark.parametrize("percent", [10, 30])
def test_new_entrants_split_by_the_percent_over_2000_contacts(h, percent):
    start_canary(h, percent)
    emails = [f"c{i}@example.com" for i in range(2000)]
    sign_up(h, emails)
    counts = Counter(v[0] for v in version_of(h).values())
    assert counts[1] + counts[2] == 2000
    expected, sd = 2000 * percent / 100, (2000 * percent / 100 * (1 - percent / 100)) ** 0.5
    assert abs(counts[2] - expected) < 4 * sd, counts
    # both versions run side by side: each contact follows its own version's steps
    h.run_for(2 * D)
    points = scores(h)
    by_version = version_of(h)
    assert all(points[e] == (2 if by_version[e][0] == 2 else 1) for e in emails)


def test_the_hash_is_a_fair_share_and_draws_afresh_for_another_canary():
    share = sum(in_canary(7, 3, c, 25) for c in range(20_000)) / 20_000
    assert 0.24 < share < 0.26
    first = {c for c in range(2000) if in_canary(7, 3, c, 25)}
    second = {c for c in range(2000) if in_canary(7, 4, c, 25)}
    assert first != second and 0.15 < len(first & second) / len(first) < 0.35


def test_a_contact_re_enters_the_same_version(h):
    h.publish(welcome(1, re_entry="always"))
    h.publish(welcome(2, re_entry="always"), canary=40)
    emails = [f"r{i}@example.com" for i in range(120)]
    for _round in range(3):
        sign_up(h, emails)
        h.run_for(2 * D)
    versions = version_of(h)
    assert all(len(v) == 3 and len(set(v)) == 1 for v in versions.values())
    assert {v[0] for v in versions.values()} == {1, 2}  # both versions were used


def test_promote_keeps_contacts_where_they_are_and_sends_everyone_new_to_it(h):
    start_canary(h, 50)
    sign_up(h, [f"a{i}@example.com" for i in range(40)])
    before = version_of(h)
    assert h.engine.promote(NAME) == 2
    sign_up(h, [f"b{i}@example.com" for i in range(40)])
    h.run_for(2 * D)
    after, points = version_of(h), scores(h)
    for email, versions in before.items():  # on their way: they finish where they were
        assert after[email] == versions and points[email] == versions[0]
    assert all(after[f"b{i}@example.com"] == [2] for i in range(40))
    state = release_state_of(h)
    assert state.live_version == 2 and not state.canary_running
    assert state.last_canary["outcome"] == "promoted"


def test_promote_with_move_takes_the_live_versions_contacts_along(h):
    start_canary(h, 50)
    sign_up(h, [f"a{i}@example.com" for i in range(30)])
    h.run_for(timedelta(hours=1))  # all wait at "wait"
    h.engine.promote(NAME, move={})
    h.run_for(2 * D)
    assert set(scores(h).values()) == {2}
    with h.db.session() as session:
        moved = session.scalars(select(StepLog.contact_id).where(
            StepLog.reason == "version_migration")).all()
    assert 0 < len(moved) < 30  # only those who were on version 1


def test_roll_back_lets_canary_contacts_finish_on_it(h):
    start_canary(h, 50)
    sign_up(h, [f"a{i}@example.com" for i in range(40)])
    before = version_of(h)
    assert h.engine.rollback_canary(NAME) == 2
    sign_up(h, [f"b{i}@example.com" for i in range(40)])
    h.run_for(3 * D)
    after, points = version_of(h), scores(h)
    assert {v[0] for v in before.values()} == {1, 2}
    for email, versions in before.items():
        assert after[email] == versions and points[email] == versions[0]
    assert all(after[f"b{i}@example.com"] == [1] for i in range(40))
    state = release_state_of(h)
    assert state.live_version == 1 and not state.canary_running
    assert state.last_canary["outcome"] == "rolled_back"
    assert state.last_canary["reason"] == "manual"
    assert state.last_canary["canary"]["entered"] == sum(v == [2] for v in before.values())


def test_roll_back_with_move_uses_the_step_mapping(h):
    start_canary(h, 50, bonus=True)
    sign_up(h, [f"a{i}@example.com" for i in range(60)])
    h.run_for(D + timedelta(hours=1))  # canary contacts now wait at "bonus" (not in v1)
    on_canary = [e for e, v in version_of(h).items() if v == [2]]
    sign_up(h, [f"w{i}@example.com" for i in range(60)])  # these wait at "wait"
    waiting_on_canary = [e for e, v in version_of(h).items() if v == [2] and e.startswith("w")]
    h.engine.rollback_canary(NAME, "unsubscribe rate 3.1 % over 0.02", move={})
    h.run_for(3 * D)
    versions, points = version_of(h), scores(h)
    timeline = {e: h.timeline(e) for e in on_canary + waiting_on_canary}
    for email in on_canary:  # their step is gone from version 1: they leave
        assert timeline[email][-1][2:] == ("exit", "version_migration")
    for email in waiting_on_canary:  # same step in version 1: moved, timer kept, v1's score
        assert versions[email] == [1] and points[email] == 1
    assert release_state_of(h).last_canary["reason"] == "unsubscribe rate 3.1 % over 0.02"


def release_state_of(h: Harness):
    with h.db.session() as session:
        return release_state(session, 1)


def test_canary_figures_beside_the_live_versions(h):
    start_canary(h, 50)
    sign_up(h, [f"a{i}@example.com" for i in range(50)])
    h.run_for(2 * D)
    state = release_state_of(h)
    assert (state.canary_version, state.canary_percent) == (2, 50)
    canary, live = state.canary_figures, state.live_figures
    assert canary.entered + live.entered == 50 and canary.entered > 0 and live.entered > 0
    assert canary.converted == canary.entered and canary.rate == 1.0  # all reach the goal


def test_refusals_say_what_is_wrong_and_write_nothing(h):
    with pytest.raises(TrellisError, match="no live version"):
        h.publish(welcome(1), canary=10)
    h.publish(welcome(1))
    for bad in (0, 51, -5):
        with pytest.raises(TrellisError, match="1 to 50 %"):
            h.publish(welcome(2), canary=bad)
    with pytest.raises(TrellisError, match="no canary running"):
        h.engine.promote(NAME)
    with pytest.raises(TrellisError, match="no canary running"):
        h.engine.rollback_canary(NAME)
    with pytest.raises(TrellisError, match="same as its live version"):
        h.publish(welcome(1), canary=10)
    h.publish(welcome(2), canary=10)
    with pytest.raises(TrellisError, match="running as a canary"):
        h.publish(welcome(3))
    with pytest.raises(TrellisError, match="running as a canary"):
        h.publish(welcome(3), canary=20)
    with pytest.raises(TrellisError, match="fallback step 'nope'"):
        h.engine.rollback_canary(NAME, move={}, fallback="nope")
    h.engine.rollback_canary(NAME)
    with pytest.raises(PublishRefused):
        h.publish(Journey(NAME), canary=10)
    with h.db.session() as session:
        assert session.scalars(select(JourneyVersion.number)).all() == [1, 2]


def test_entry_guard_refuses_non_matching_contacts_with_a_timeline_line(h):
    h.publish(welcome(1), entry_guard={"match": "all", "rules": [
        {"kind": "field", "field": "country", "op": "equals", "value": "DE"}]})
    sign_up(h, ["de@example.com"], country="DE")
    sign_up(h, ["fr@example.com"], country="FR")
    sign_up(h, ["fr@example.com"], country="FR")  # tries again: one line is enough
    assert set(version_of(h)) == {"de@example.com"}
    assert h.timeline("fr@example.com") == [(h.clock.now(), "trigger", "skip", "entry_guard")]
    assert explain({"kind": "skip", "reason": "entry_guard"}, None) == (
        "Did not enter: for now this journey takes only contacts who match its entry rules")
    state = release_state_of(h)
    assert state.guard_words == "country is 'DE'"
    h.engine.set_entry_guard(NAME, None)  # widen to everyone
    sign_up(h, ["fr@example.com"], country="FR")
    assert set(version_of(h)) == {"de@example.com", "fr@example.com"}
    assert release_state_of(h).guard is None


def test_a_guard_stays_through_a_new_version_and_bad_guards_are_refused(h):
    guard = {"rules": [{"kind": "list", "list": "Beta testers"}]}
    h.publish(welcome(1), entry_guard=guard)
    h.publish(welcome(2))
    assert release_state_of(h).guard_words == "on list 'Beta testers'"
    sign_up(h, ["x@example.com"])
    assert version_of(h) == {}
    for bad, words in (({"rules": []}, "no rules"),
                       ({"rules": [{"kind": "weather"}]}, "not a valid condition"),
                       ({"rules": [{"kind": "field", "op": "equals"}]}, "rules.0.field")):
        with pytest.raises(TrellisError, match=words):
            h.publish(welcome(3), entry_guard=bad)
    with h.db.session() as session:
        assert len(session.scalars(select(JourneyVersion.id)).all()) == 2


def test_manual_entry_follows_the_canary_and_the_guard(h):
    start_canary(h, 50)
    emails = [f"m{i}@example.com" for i in range(40)]
    with h.db.session() as session:
        for email in emails:
            record_contact_upsert(session, {"email": email}, now=h.clock.now(), source="test")
    assert h.engine.enroll(NAME, emails) == emails
    assert {v[0] for v in version_of(h).values()} == {1, 2}
    h.engine.set_entry_guard(NAME, {"rules": [{"kind": "field", "field": "country",
                                               "op": "equals", "value": "DE"}]})
    h.contact("late@example.com", country="FR")
    assert h.engine.enroll(NAME, ["late@example.com"]) == []


def test_scanned_triggers_use_each_versions_trigger_and_the_guard(db, clock):
    """Inactivity: the live version waits 10 days, the canary 5; each scans for the
    contacts it takes. The guard keeps US contacts out, with one timeline line each however
    many scans find them again."""
    h = Harness(db, clock, scan_interval=D)

    def winback(days: int) -> Journey:
        journey = Journey("Winback")
        journey.add_node("trigger.inactive", node_id="t", config={"days": days})
        journey.add_node("action.adjust_score", node_id="s", config={"delta": days})
        journey.connect("t", "next", "s")
        return journey

    emails = [f"i{i}@example.com" for i in range(60)]
    for i, email in enumerate(emails):
        h.contact(email, country="US" if i % 6 == 0 else "DE")
    guard = {"rules": [{"kind": "field", "field": "country", "op": "equals", "value": "DE"}]}
    h.publish(winback(10), entry_guard=guard)
    h.publish(winback(5), canary=50)
    h.run_until(clock.now() + 12 * D, every=D)
    versions, points = version_of(h), scores(h)
    entered = [e for i, e in enumerate(emails) if i % 6]
    assert sorted(versions) == sorted(entered)
    assert {v[0] for v in versions.values()} == {1, 2}
    for email in entered:  # each on its own version's steps
        assert points[email] == (5 if versions[email] == [2] else 10)
    for email in emails[::6]:
        assert h.timeline(email)[0][2:] == ("skip", "entry_guard")
        assert len(h.timeline(email)) == 1
