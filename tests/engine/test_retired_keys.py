"""Enrollments deleted (with their journey or their contact) leave emails in the outbox
whose keys name their ids; SQLite gives those ids again to the next enrollments. Their
keys are retired first, so the next journey's emails go out and the engine never stops
on a key already taken (engine/db/retired_keys.py)."""

from __future__ import annotations

from sqlalchemy import select

from engine.contacts.bulk import delete_contacts
from engine.db.models import Contact, JourneyRow, Message
from engine.journey.library import delete_journey
from engine.journey.model import Journey
from tests.engine.harness import Harness


def emailing(name: str) -> Journey:
    journey = Journey(name)
    journey.add_node("trigger.manual", node_id="t")
    journey.add_node("action.send_email", node_id="e", config={"template": name.lower()})
    journey.connect("t", "next", "e")
    journey.set_template({"key": name.lower(), "name": name, "subject": f"Hi from {name}",
                          "body": "Hello"})
    return journey


def send(h: Harness, name: str, emails: list[str]) -> None:
    h.publish(emailing(name))
    for email in emails:
        h.contact(email)
    h.engine.enroll(name, emails)
    h.engine.tick()


def outbox(db) -> list[tuple[str, str, str]]:
    with db.session() as session:
        return [tuple(row) for row in session.execute(
            select(Message.to_address, Message.subject, Message.idempotency_key)
            .order_by(Message.id))]


def test_a_deleted_journeys_enrollment_ids_come_back_and_the_next_journey_still_sends(db, clock):
    h = Harness(db, clock)
    send(h, "Old", ["a1@example.com", "a2@example.com"])
    with db.session() as session:
        row = session.scalar(select(JourneyRow).where(JourneyRow.name == "Old"))
        row.status = "archived"
    with db.session() as session:
        delete_journey(session, row.id)

    send(h, "New", ["b1@example.com", "b2@example.com"])

    sent = outbox(db)
    assert [(to, subject) for to, subject, _ in sent] == [
        ("a1@example.com", "Hi from Old"), ("a2@example.com", "Hi from Old"),
        ("b1@example.com", "Hi from New"), ("b2@example.com", "Hi from New")]
    keys = [key for _, _, key in sent]
    assert keys[:2] == [f"retired:{i}" for i in (1, 2)]
    # the ids were given again: the new keys are the ones the old emails had
    assert keys[2:] == ["enrollment:1:e:1", "enrollment:2:e:1"]


def test_deleted_contacts_enrollment_ids_come_back_and_new_contacts_still_get_their_email(db, clock):
    h = Harness(db, clock)
    send(h, "Welcome", ["a1@example.com", "a2@example.com"])
    with db.session() as session:
        ids = session.scalars(select(Contact.id)).all()
        assert delete_contacts(session, ids) == 2

    for email in ["b1@example.com", "b2@example.com"]:
        h.contact(email)
    h.engine.enroll("Welcome", ["b1@example.com", "b2@example.com"])
    h.engine.tick()

    sent = outbox(db)
    assert [to for to, _, _ in sent] == [
        "a1@example.com", "a2@example.com", "b1@example.com", "b2@example.com"]
    assert [key for _, _, key in sent][:2] == ["retired:1", "retired:2"]
