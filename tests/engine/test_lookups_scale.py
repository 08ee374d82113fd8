"""The engine's recurring look-ups cost what they find, not what the journey holds.

SQLite plans a query by its indexes alone (the database keeps no statistics), and with
two usable indexes it can pick the one that reads far more: matching's re-entry look-up
once read every enrollment of the journey for each chunk of contacts, the guardrail
watch read every email a journey had ever queued, once a minute, an A/B test's open rate
read the whole outbox per chunk of takers, the analytics catch-up read the whole outbox
to find the few emails still pending, the journeys list counted every enrollment ever
made to find the active ones, and deleting a journey or a contact read a whole table for
each row deleted (foreign keys without an index). These tests count
SQLite's virtual-machine instructions for the same small piece of work done beside a
small journey and beside one ten times larger; the count must not grow with it.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, insert, select

from engine.analytics.deltas import Deltas
from engine.analytics.fold_messages import fold_pending
from engine.contacts.bulk import delete_contacts
from engine.db.models import (
    AnalyticsPending, AudienceMember, Contact, Enrollment, JourneyRow, Message, WebhookCall,
)
from engine.experiments.figures import successes
from engine.experiments.guardrails import judge
from engine.intake.events import EventInput, record_events
from engine.journey.model import Journey
from engine.journey.library import delete_journey
from engine.journey.store import list_journeys
from engine.nodes.experiment_keys import Guardrails
from engine.runtime.matching import process_events
from tests.engine.harness import Harness

#: the progress handler runs every this many instructions
GRAIN = 10
#: the guardrail test's contacts, one email each (the watch also reads the history of
#: the window's contacts: that grows with their own emails, not with the journey)
READERS = 6600


@contextmanager
def vm_instructions(db):
    """Counts (in tens) SQLite instructions run on connections checked out inside (SQLite
    counts each statement on its own: a statement under ten instructions counts none)."""
    counted = [0]

    def count() -> int:
        counted[0] += 1
        return 0  # go on

    def on_checkout(dbapi_connection, _record, _proxy):
        dbapi_connection.set_progress_handler(count, GRAIN)

    db.engine.pool.dispose()  # every connection used inside is checked out inside
    event.listen(db.engine, "checkout", on_checkout)
    try:
        yield counted
    finally:
        event.remove(db.engine, "checkout", on_checkout)
        db.engine.pool.dispose()


def emailing(name: str) -> Journey:
    """A manual trigger, then one email (step "e", template named after the journey)."""
    journey = Journey(name)
    journey.add_node("trigger.manual", node_id="t")
    journey.add_node("action.send_email", node_id="e", config={"template": name.lower()})
    journey.connect("t", "next", "e")
    journey.set_template({"key": name.lower(), "name": name, "subject": name, "body": "Hi"})
    return journey


def scoring(name: str) -> Journey:
    """A manual trigger, then one score step ("s")."""
    journey = Journey(name)
    journey.add_node("trigger.manual", node_id="t")
    journey.add_node("action.adjust_score", node_id="s", config={"delta": 1})
    journey.connect("t", "next", "s")
    return journey


def many_contacts(db, clock, prefix: str) -> list[int]:
    """READERS contacts (`<prefix><n>@example.com`); their ids, in order."""
    with db.session() as session:
        session.execute(insert(Contact), [
            {"email": f"{prefix}{i}@example.com", "created_at": clock.now(),
             "updated_at": clock.now()} for i in range(READERS)])
        return session.scalars(select(Contact.id).where(Contact.email.like(f"{prefix}%"))
                               .order_by(Contact.id)).all()


def add_emails(db, contacts: list[int], at, *, journey_id: int | None = None,
               sent: bool = True, apart: timedelta = timedelta(0)) -> list[int]:
    """One email (step "e") to each of `contacts`, queued at `at`: sent, from `at` on and
    `apart` after one another, or still queued. Their ids, in order."""
    with db.session() as session:
        session.execute(insert(Message), [{
            "idempotency_key": f"k{contact}", "contact_id": contact, "journey_id": journey_id,
            "node_id": "e", "to_address": "r@example.com", "queued_at": at,
            "status": "sent" if sent else "queued", "sent_at": at + apart * i if sent else None,
            "headers": {}} for i, contact in enumerate(contacts)])
        return session.scalars(select(Message.id).where(Message.contact_id.in_(contacts))
                               .order_by(Message.id)).all()


def assert_flat(small: int, large: int) -> None:
    """The same work beside ten times more rows: the old plans took 7 to 11 times the
    instructions, a plan by what the work needs at most half again."""
    assert small > 0
    assert large < small * 1.5, (small, large)


def sign_ups(h: Harness, first: int, count: int) -> None:
    with h.db.session() as session:
        record_events(session, [EventInput(f"p{i}@example.com", "signed_up", {}, h.clock.now())
                                for i in range(first, first + count)],
                      now=h.clock.now(), source="test")


def test_matching_sign_ups_costs_the_same_beside_a_journey_ten_times_larger(db, clock):
    h = Harness(db, clock)
    journey = Journey("Sign-ups")
    journey.add_node("trigger.event", node_id="t", config={"event": "signed_up"})
    journey.add_node("action.adjust_score", node_id="s", config={"delta": 1})
    journey.connect("t", "next", "s")
    h.publish(journey)

    def match_five_more(first: int) -> int:
        sign_ups(h, first, 5)
        with vm_instructions(db) as counted:
            assert process_events(db, clock.now(), h.engine.cache) == 5
        return counted[0]

    sign_ups(h, 0, 200)  # 200 people went through the journey before
    h.engine.tick()
    small = match_five_more(10_000)
    clock.advance(timedelta(minutes=1))
    sign_ups(h, 200, 1800)  # 2,000 now
    h.engine.tick()
    large = match_five_more(20_000)

    assert small > 0
    # the old plan read every enrollment of the journey: ten times the rows, ten times
    # the instructions; by contact, only the look-ups of five contacts
    assert_flat(small, large)


def test_the_guardrail_watch_reads_the_window_not_every_email_queued(db, clock):
    h = Harness(db, clock)
    h.publish(emailing("Newsletter"))
    with db.session() as session:
        journey_id = session.scalar(select(JourneyRow.id))
    readers = many_contacts(db, clock, "r")
    guardrails = Guardrails(window=200)
    added = [0]

    def add(count: int, sent: bool) -> None:
        """`count` emails of the journey, each to a reader of its own, a second apart."""
        add_emails(db, readers[added[0]:added[0] + count], clock.now(), journey_id=journey_id,
                   sent=sent, apart=timedelta(seconds=1))
        added[0] += count

    def judged() -> int:
        with vm_instructions(db) as counted, db.session() as session:
            assert judge(session, journey_id, guardrails) is None  # nothing bad happened
        return counted[0]

    add(300, sent=True)
    add(300, sent=False)
    small = judged()
    clock.advance(timedelta(days=1))
    add(3000, sent=True)
    add(3000, sent=False)  # a journey ten times larger, a queue ten times longer
    large = judged()

    assert_flat(small, large)
    with db.session() as session:  # the counts above came from real rows
        assert len(session.scalars(select(Message.id)).all()) == 6600


def test_an_ab_tests_open_rate_reads_its_takers_emails_not_every_email(db, clock):
    h = Harness(db, clock)
    h.publish(emailing("Welcome"))
    takers_emails = [f"t{i}@example.com" for i in range(5)]
    for email in takers_emails:
        h.contact(email)
    h.engine.enroll("Welcome", takers_emails)
    h.engine.tick()
    with db.session() as session:
        takers = {contact: ("a", {enrollment}, at) for contact, enrollment, at in session.execute(
            select(Message.contact_id, Message.enrollment_id, Message.queued_at))}
        journey_id = session.scalar(select(JourneyRow.id))
    others = many_contacts(db, clock, "o")
    h.event("t0@example.com", "email_opened")
    added = [0]

    def other_emails(count: int) -> None:
        add_emails(db, others[added[0]:added[0] + count], clock.now(), journey_id=journey_id)
        added[0] += count

    def opened() -> tuple[int, dict]:
        with vm_instructions(db) as counted, db.session() as session:
            found = successes(session, takers, "open", "e")
        return counted[0], found

    other_emails(300)
    small, found = opened()
    assert found == {takers_emails_ids(db)["t0@example.com"]: 1.0}
    other_emails(3000)
    large, found = opened()
    assert found == {takers_emails_ids(db)["t0@example.com"]: 1.0}
    assert_flat(small, large)


def takers_emails_ids(db) -> dict[str, int]:
    with db.session() as session:
        return dict(session.execute(select(Contact.email, Contact.id)).all())


def test_the_analytics_catch_up_reads_the_pending_emails_not_the_outbox(db, clock):
    h = Harness(db, clock)
    h.publish(scoring("Welcome"))
    with db.session() as session:
        journey_id = session.scalar(select(JourneyRow.id))
    readers = many_contacts(db, clock, "r")
    added = [0]

    def emails(count: int, pending: int) -> None:
        """`count` sent emails, the first `pending` of them still pending for the catch-up."""
        ids = add_emails(db, readers[added[0]:added[0] + count], clock.now(),
                         journey_id=journey_id)
        with db.session() as session:
            session.execute(insert(AnalyticsPending), [{"message_id": i} for i in ids[:pending]])
        added[0] += count

    def settled() -> tuple[int, int]:
        with vm_instructions(db) as counted, db.session() as session:
            found = fold_pending(session, Deltas())
        return counted[0], found

    emails(300, pending=5)
    small, found = settled()
    assert found == 5
    emails(3000, pending=5)  # an outbox ten times larger, as many pending
    large, found = settled()
    assert found == 5
    assert_flat(small, large)


def test_the_journeys_list_counts_the_active_enrollments_only(db, clock):
    h = Harness(db, clock)
    h.publish(scoring("Welcome"))
    with db.session() as session:
        row = session.scalar(select(JourneyRow))
    readers = many_contacts(db, clock, "r")
    added = [0]

    def enrollments(ended: int, active: int) -> None:
        with db.session() as session:
            session.execute(insert(Enrollment), [{
                "contact_id": readers[added[0] + i], "journey_id": row.id,
                "version_id": row.live_version_id, "node_id": "s", "entered_at": clock.now(),
                "status": "active" if i < active else "completed",
                "active_journey_id": row.id if i < active else None,
                "due_at": clock.now() + timedelta(days=1) if i < active else None,
                "context": {}} for i in range(ended + active)])
        added[0] += ended + active

    def listed() -> tuple[int, int]:
        with vm_instructions(db) as counted, db.session() as session:
            (summary,) = list_journeys(session)
        return counted[0], summary.active_contacts

    enrollments(ended=300, active=5)
    small, active = listed()
    assert active == 5
    enrollments(ended=3000, active=0)  # ten times the people through it, as many inside
    large, active = listed()
    assert active == 5
    assert_flat(small, large)


def test_deleting_a_journey_costs_the_same_beside_an_outbox_ten_times_larger(db, clock):
    """Deleting a journey deletes its enrollments; each sets its emails' enrollment to
    NULL, which needs the foreign key's index on the outbox (migration 0013)."""
    h = Harness(db, clock)
    readers = many_contacts(db, clock, "r")
    added = [0]

    def other_emails(count: int) -> None:
        add_emails(db, readers[added[0]:added[0] + count], clock.now())
        added[0] += count

    def delete_a_journey_of_twenty(name: str) -> int:
        h.publish(emailing(name))
        emails = [f"{name}{i}@example.com" for i in range(20)]
        for email in emails:
            h.contact(email)
        h.engine.enroll(name, emails)
        h.engine.tick()
        with db.session() as session:
            row = session.scalar(select(JourneyRow).where(JourneyRow.name == name))
            row.status = "archived"
            journey_id = row.id
        with vm_instructions(db) as counted, db.session() as session:
            delete_journey(session, journey_id)
        with db.session() as session:  # its emails stay, without their enrollment
            left = session.scalars(select(Message.enrollment_id)
                                   .where(Message.to_address.in_(emails))).all()
        assert left == [None] * 20
        return counted[0]

    other_emails(300)
    small = delete_a_journey_of_twenty("a")
    other_emails(3000)
    large = delete_a_journey_of_twenty("b")
    assert_flat(small, large)


def test_deleting_contacts_costs_the_same_beside_ten_times_more_calls_and_audiences(db, clock):
    readers = many_contacts(db, clock, "r")
    added = [0]

    def others(count: int) -> None:
        """Webhook calls and audience memberships of `count` other contacts."""
        with db.session() as session:
            session.execute(insert(WebhookCall), [{
                "idempotency_key": f"w{added[0] + i}", "contact_id": readers[added[0] + i],
                "node_id": "h", "url": "https://example.com/hook", "created_at": clock.now()}
                for i in range(count)])
            session.execute(insert(AudienceMember), [{
                "audience": "VIP", "contact_id": readers[added[0] + i], "added_at": clock.now()}
                for i in range(count)])
        added[0] += count

    def delete_five(doomed: list[int]) -> int:
        with vm_instructions(db) as counted, db.session() as session:
            assert delete_contacts(session, doomed) == 5
        return counted[0]

    others(300)
    small = delete_five(readers[-5:])  # contacts with no calls and no audiences
    others(3000)
    large = delete_five(readers[-10:-5])
    assert_flat(small, large)
