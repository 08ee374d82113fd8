"""The engine on a virtual clock: flow nodes, actions, re-entry, goals, pause, versions."""

import gc
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event, select

from engine.db.models import AudienceMember, Contact, ContactList, ListMembership, WebhookCall
from engine.journey.model import Journey
from engine.runtime.advance import advance
from tests.engine.harness import Harness

H = timedelta(hours=1)
D = timedelta(days=1)


@pytest.fixture
def h(db, clock):
    return Harness(db, clock)


def linear(name, trigger, *steps, settings=None):
    journey = Journey(name)
    if settings:
        journey.set_settings(settings)
    previous = journey.add_node(trigger[0], node_id="trigger", config=trigger[1])
    for node_id, type_id, config in steps:
        journey.add_node(type_id, node_id=node_id, config=config)
        journey.connect(previous, "next", node_id)
        previous = node_id
    return journey


def test_delay_then_actions_run_on_time(h, clock):
    start = clock.now()
    journey = linear(
        "Score", ("trigger.event", {"event": "signed_up"}),
        ("wait", "flow.delay", {"duration": "2 days"}),
        ("score", "action.adjust_score", {"delta": 15}),
        ("field", "action.update_field", {"field": "attributes.stage", "value": "warm"}),
        ("list", "action.list_add", {"list": "Warm leads"}),
        ("aud", "action.ad_audience", {"audience": "Retarget"}),
    )
    h.publish(journey)
    h.contact("ana@example.com")
    h.event("ana@example.com", "signed_up")
    h.run_for(3 * D)
    assert h.timeline() == [
        (start, "trigger", "enter", None),
        (start, "wait", "wait", None),
        (start + 2 * D, "score", "action", None),
        (start + 2 * D, "field", "action", None),
        (start + 2 * D, "list", "action", None),
        (start + 2 * D, "aud", "action", None),
        (start + 2 * D, "aud", "exit", "completed"),
    ]
    with h.db.session() as s:
        contact = s.scalar(select(Contact))
        assert contact.lead_score == 15 and contact.attributes["stage"] == "warm"
        assert s.scalar(select(ContactList.name).join(ListMembership)) == "Warm leads"
        assert s.scalar(select(AudienceMember.audience)) == "Retarget"
    assert h.enrollments()[0].status == "completed"


def test_wait_for_event_leaves_by_event_or_timeout(h, clock):
    start = clock.now()
    journey = Journey("Wait")
    journey.add_node("trigger.event", node_id="t", config={"event": "added_to_cart"})
    journey.add_node("flow.wait_event", node_id="w", config={
        "wait_for": {"event": "order_completed", "filters": [
            {"property": "revenue", "op": "greater", "value": 10}]},
        "timeout": "4 hours"})
    journey.add_node("action.adjust_score", node_id="bought", config={"delta": 50})
    journey.add_node("action.adjust_score", node_id="late", config={"delta": 1})
    journey.connect("t", "next", "w")
    journey.connect("w", "event", "bought")
    journey.connect("w", "timeout", "late")
    h.publish(journey)
    h.event("buyer@example.com", "added_to_cart")
    h.event("idle@example.com", "added_to_cart")
    clock.advance(H)
    h.event("buyer@example.com", "order_completed", {"revenue": 5})  # filtered out
    h.event("buyer@example.com", "order_completed", {"revenue": 25})
    h.run_for(10 * H)
    assert [r for r in h.timeline("buyer@example.com") if r[2] == "branch"] == [
        (start + H, "w", "branch", "event")]
    assert [r for r in h.timeline("idle@example.com") if r[2] == "branch"] == [
        (start + 4 * H, "w", "branch", "timeout")]


def test_branch_split_and_random_split(h):
    journey = Journey("Route")
    journey.add_node("trigger.event", node_id="t", config={"event": "signed_up"})
    journey.add_node("flow.branch", node_id="b", config={"condition": {"rules": [
        {"kind": "field", "field": "country", "op": "equals", "value": "de"}]}})
    journey.add_node("flow.multi_split", node_id="m", config={"paths": [
        {"key": "vip", "label": "VIP", "condition": {"rules": [
            {"kind": "field", "field": "attributes.plan", "op": "equals", "value": "pro"}]}}]})
    journey.add_node("flow.random_split", node_id="r")
    for node_id in ("x1", "x2", "x3", "x4"):
        journey.add_node("flow.exit", node_id=node_id)
    journey.connect("t", "next", "b")
    journey.connect("b", "yes", "m")
    journey.connect("b", "no", "r")
    journey.connect("m", "vip", "x1")
    journey.connect("m", "default", "x2")
    journey.connect("r", "a", "x3")
    journey.connect("r", "b", "x4")
    h.publish(journey)
    h.contact("de-pro@example.com", country="DE", attributes={"plan": "pro"})
    h.contact("de@example.com", country="DE")
    emails = [f"u{i}@example.com" for i in range(200)]
    for email in ["de-pro@example.com", "de@example.com", *emails]:
        h.event(email, "signed_up")
    ports = lambda email: [r[3] for r in h.timeline(email) if r[2] == "branch"]
    assert ports("de-pro@example.com") == ["yes", "vip"]
    assert ports("de@example.com") == ["yes", "default"]
    sides = [ports(e)[1] for e in emails]
    assert 70 < sides.count("a") < 130  # 50/50, stable per contact
    first = sides[:]
    assert first == [ports(e)[1] for e in emails]


def test_goal_event_ends_journey_anywhere_and_re_entry(h, clock):
    journey = linear(
        "Cart", ("trigger.event", {"event": "added_to_cart"}),
        ("wait", "flow.delay", {"duration": "1 day"}),
        ("score", "action.adjust_score", {"delta": 1}),
        settings={"goal_events": [{"event": "order_completed"}],
                  "re_entry": {"mode": "after", "after": "3 days"}},
    )
    h.publish(journey)
    h.event("ana@example.com", "added_to_cart")
    h.event("ana@example.com", "added_to_cart")  # already active: ignored
    clock.advance(H)
    h.event("ana@example.com", "order_completed")
    assert h.timeline()[-1][2:] == ("exit", "goal")
    assert [e.status for e in h.enrollments()] == ["converted"]
    clock.advance(D)
    h.event("ana@example.com", "added_to_cart")  # within 3 days: not again
    assert len(h.enrollments()) == 1
    clock.advance(3 * D)
    h.event("ana@example.com", "added_to_cart")
    assert len(h.enrollments()) == 2


def test_trigger_at_least_n_times_within_window_same_property(h, clock):
    journey = linear(
        "Interest", ("trigger.event", {"event": "product_viewed", "min_count": 3,
                                       "within": "7 days", "same_property": "sku"}),
        ("score", "action.adjust_score", {"delta": 5}),
    )
    h.publish(journey)
    for sku in ("A", "B", "A", "B"):
        h.event("ana@example.com", "product_viewed", {"sku": sku})
        clock.advance(D)
    assert h.enrollments() == []
    h.event("ana@example.com", "product_viewed", {"sku": "A"})
    assert len(h.enrollments()) == 1


def test_history_before_publish_triggers_nothing(h, clock):
    h.publish(linear("Hist", ("trigger.event", {"event": "signed_up"}),
                     ("s", "action.adjust_score", {"delta": 1})))
    h.event("old@example.com", "signed_up", at=clock.now() - 30 * D)
    assert h.enrollments() == []


def test_pause_holds_and_resume_continues(h, clock):
    start = clock.now()
    h.publish(linear("P", ("trigger.event", {"event": "go"}),
                     ("d", "flow.delay", {"duration": "1 hour"}),
                     ("s", "action.adjust_score", {"delta": 1})))
    h.event("ana@example.com", "go")
    h.engine.pause("P")
    h.run_for(5 * H)
    assert h.timeline()[-1][2] == "wait"
    h.engine.resume("P")
    h.run_for(H)
    assert h.timeline()[-2:] == [(start + 5 * H, "s", "action", None),
                                 (start + 5 * H, "s", "exit", "completed")]


def test_new_version_keeps_or_moves_contacts(h, clock):
    v1 = linear("V", ("trigger.event", {"event": "go"}),
                ("d", "flow.delay", {"duration": "1 day"}),
                ("old", "action.adjust_score", {"delta": 1}))
    h.publish(v1)
    h.event("stay@example.com", "go")
    v2 = linear("V", ("trigger.event", {"event": "go"}),
                ("d", "flow.delay", {"duration": "1 day"}),
                ("new", "action.adjust_score", {"delta": 100}))
    h.publish(v2)  # no move: stays on version 1
    h.event("v2@example.com", "go")
    h.run_for(2 * D)
    nodes = lambda email: [r[1] for r in h.timeline(email) if r[2] == "action"]
    assert nodes("stay@example.com") == ["old"]
    assert nodes("v2@example.com") == ["new"]
    # moving: a contact waiting at "d" keeps its timer on the new version
    h.event("mover@example.com", "go")
    v3 = linear("V", ("trigger.event", {"event": "go"}),
                ("d", "flow.delay", {"duration": "1 day"}),
                ("newer", "action.adjust_score", {"delta": 7}))
    h.publish(v3, move={})
    h.run_for(2 * D)
    assert nodes("mover@example.com") == ["newer"]


def test_webhook_is_queued_with_idempotency_key(h):
    h.publish(linear("W", ("trigger.event", {"event": "go"}),
                     ("hook", "action.webhook", {"url": "https://example.com/hook"})))
    h.event("ana@example.com", "go", {"x": 1})
    with h.db.session() as s:
        call = s.scalar(select(WebhookCall))
        assert call.url == "https://example.com/hook" and call.status == "queued"
        assert call.body["event"] == {"x": 1} and call.body["contact"]["email"] == "ana@example.com"
        assert call.idempotency_key.startswith("enrollment:")


def test_wait_until_is_local_and_dst_correct(h, clock):
    # 2026-03-28 10:00 UTC; Berlin moves to summer time on 29 March.
    clock.set(datetime(2026, 3, 28, 10, 0, tzinfo=timezone.utc))
    h.publish(linear("Morning", ("trigger.event", {"event": "go"}),
                     ("w", "flow.wait_until", {"time_of_day": "09:00"}),
                     ("s", "action.adjust_score", {"delta": 1})))
    h.contact("berlin@example.com", timezone="Europe/Berlin")
    h.event("berlin@example.com", "go")
    h.run_for(2 * D)
    actions = [r for r in h.timeline() if r[2] == "action"]
    assert actions == [(datetime(2026, 3, 29, 7, 0, tzinfo=timezone.utc), "s", "action", None)]


def test_events_in_one_batch_see_each_other(h, clock):
    """A cart and its purchase arriving together: the purchase still ends the journey, and
    a wait-for-event started earlier is woken by an event later in the same batch."""
    from engine.intake.events import parse_event, record_events

    cart = linear("CartNow", ("trigger.event", {"event": "added_to_cart"}),
                  ("d", "flow.delay", {"duration": "1 hour"}),
                  settings={"goal_events": [{"event": "order_completed"}]})
    h.publish(cart)
    with h.db.session() as session:
        record_events(session, [parse_event({"contact": "ana@example.com", "name": n})
                                for n in ("added_to_cart", "order_completed")],
                      now=clock.now(), source="test")
    h.run_for(2 * H)
    assert [e.status for e in h.enrollments()] == ["converted"]
    assert [r[2:] for r in h.timeline()] == [("exit", "goal")]


def test_a_parking_step_rewrites_only_the_index_columns_it_changes(h, clock):
    """SQLite rewrites an index entry whenever an UPDATE sets one of its columns: a run
    that parks writes back its node, due time and wait event, not its unchanged status
    or (contact, active journey) slot (the write's guard compares them instead, see
    test_claim_races.py); one that ends writes those too, and every stored value is as
    before."""
    journey = linear("Parks", ("trigger.event", {"event": "signed_up"}),
                     ("wait", "flow.delay", {"duration": "1 day"}),
                     ("cart", "flow.wait_event", {"wait_for": {"event": "bought"},
                                                  "timeout": "1 day"}))
    journey.add_node("flow.exit", node_id="bought")
    journey.add_node("flow.exit", node_id="end")
    journey.connect("cart", "event", "bought")
    journey.connect("cart", "timeout", "end")
    h.publish(journey)
    updates: list[str] = []

    def note_updates(_conn, _cursor, statement, *_args):
        if statement.startswith("UPDATE enrollment SET"):
            updates.append(statement.split(" WHERE ")[0])

    event.listen(h.db.engine, "before_cursor_execute", note_updates)
    try:
        h.event("ana@example.com", "signed_up")  # its tick enters and parks at the delay
        (parked,) = h.enrollments()
        assert (parked.status, parked.active_journey_id, parked.node_id) == (
            "active", parked.journey_id, "wait")
        assert updates and [u for u in updates if "status" in u or "active_journey_id" in u] == []
        assert not any("wait_event" in u for u in updates)
        updates.clear()
        clock.advance(D)
        h.engine.tick()  # on to the wait for an event: its event name is written
        (waiting,) = h.enrollments()
        assert (waiting.status, waiting.wait_event, waiting.node_id) == (
            "active", "bought", "cart")
        assert any("wait_event" in u for u in updates)
        assert not any("status" in u for u in updates)
        updates.clear()
        clock.advance(D)
        h.engine.tick()  # the timeout: it ends, and its status and slot are written
    finally:
        event.remove(h.db.engine, "before_cursor_execute", note_updates)
    (ended,) = h.enrollments()
    assert (ended.status, ended.active_journey_id, ended.wait_event, ended.due_at) == (
        "exited", None, None, None)
    assert any("status" in u and "active_journey_id" in u and "wait_event" in u
               for u in updates)


def test_no_cycle_collection_runs_between_the_batches_of_a_tick(db, clock):
    """The collector is paused for all of `advance`, not batch by batch: between two
    batches it went over every object of the batches still alive. It runs again after."""
    h = Harness(db, clock, batch_size=10)
    h.publish(linear("Many", ("trigger.manual", {}),
                     ("wait", "flow.delay", {"duration": "1 day"})))
    emails = [f"m{i}@example.com" for i in range(60)]
    for email in emails:
        h.contact(email)
    h.engine.enroll("Many", emails)
    collections: list[int] = []

    def note(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    assert gc.isenabled()
    gc.collect()  # young objects counted from zero: advance's first lines cannot set one off
    gc.callbacks.append(note)
    try:
        steps = advance(db, clock.now(), h.engine.cache, h.engine.services, batch_size=10)
    finally:
        gc.callbacks.remove(note)
    assert steps == 2 * 60 and collections == []
    assert gc.isenabled()
    assert {e.node_id for e in h.enrollments()} == {"wait"}
