"""Erasing a person (and not re-subscribing them), and exporting everything held on them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.contacts.csv_import import import_contacts_csv
from engine.contacts.data_export import person_data, write_person_data
from engine.contacts.privacy import email_hash, erase_contact
from engine.db.models import (
    Consent, Contact, ContactStatus, Event, ListMembership, Message, Suppression,
)
from engine.errors import InputError


@pytest.fixture
def ana(db, clock, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Email,First Name,Country,Plan,Consent\nAna@Example.com,Ana,PT,gold,yes\n"
                    "bob@example.com,Bob,FR,free,yes\n", encoding="utf-8")
    import_contacts_csv(db, path, list_name="News", now=clock.now())
    with db.session() as session:
        ana = session.execute(select(Contact).where(Contact.email == "ana@example.com")).scalar()
        session.add(Event(contact_id=ana.id, name="order", occurred_at=clock.now(),
                          received_at=clock.now(), source="api",
                          properties={"revenue": 120.5, "address": "1 Rua Augusta", "items": 2}))
        session.add(Message(idempotency_key="k1", contact_id=ana.id, to_address=ana.email,
                            subject="Hi Ana", html="<p>Hi Ana</p>", text="Hi Ana",
                            status="sent", queued_at=clock.now(), sent_at=clock.now()))
        return ana.id


def test_erase_removes_personal_data_and_keeps_an_anonymous_record(db, clock, ana):
    with db.session() as session:
        report = erase_contact(session, " ANA@example.com", now=clock.now())
    assert report.events == 2  # the order and list_joined
    assert report.messages == 1 and report.lists_left == 1
    with db.session() as session:
        contact = session.get(Contact, ana)
        assert contact.email == f"erased-{ana}@erased.invalid"
        assert (contact.first_name, contact.country, contact.attributes) == ("", None, {})
        assert contact.status == ContactStatus.UNSUBSCRIBED
        event = session.execute(select(Event).where(Event.contact_id == ana,
                                                  Event.name == "order")).scalar()
        assert event.name == "order" and event.properties == {"revenue": 120.5, "items": 2}
        message = session.execute(select(Message)).scalar()
        assert (message.to_address, message.subject, message.html) == (contact.email, "", "")
        assert message.status == "sent"
        consent = session.execute(select(Consent).where(Consent.contact_id == ana)).scalar()
        assert consent.granted is True and consent.evidence == {}
        assert session.scalar(select(func.count()).select_from(ListMembership)
                              .where(ListMembership.contact_id == ana)) == 0
        row = session.get(Suppression, email_hash("ana@example.com"))
        assert row.reason == "erased" and row.detail["contact_id"] == ana
        # nothing in the audit record names the person
        assert "ana" not in json.dumps(row.detail).lower()
        # the other contact is untouched
        bob = session.execute(select(Contact).where(Contact.email == "bob@example.com")).scalar()
        assert bob.first_name == "Bob" and bob.attributes == {"plan": "free"}


def test_a_later_import_does_not_resubscribe_an_erased_person(db, clock, ana, tmp_path):
    with db.session() as session:
        erase_contact(session, "ana@example.com", now=clock.now())
    again = tmp_path / "again.csv"
    again.write_text("Email,First Name,Status\nana@example.com,Ana,active\n"
                     "cy@example.com,Cy,active\n", encoding="utf-8")
    report = import_contacts_csv(db, again, now=clock.now() + timedelta(days=1))
    assert report.created == 2 and report.kept_suppressed == 1
    with db.session() as session:
        statuses = dict(session.execute(select(Contact.email, Contact.status)).all())
    assert statuses["ana@example.com"] == ContactStatus.UNSUBSCRIBED
    assert statuses["cy@example.com"] == ContactStatus.ACTIVE


def test_erase_errors_write_nothing(db, clock, ana):
    with db.session() as session:
        with pytest.raises(LookupError, match="nobody@example.com"):
            erase_contact(session, "nobody@example.com", now=clock.now())
        with pytest.raises(InputError):
            erase_contact(session, "not an address", now=clock.now())
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Suppression)) == 0


def test_export_data_holds_everything_on_one_person(db, ana, tmp_path):
    path = tmp_path / "ana.json"
    write_person_data(db, "ana@example.com", path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["contact"]["email"] == "ana@example.com"
    assert data["contact"]["attributes"] == {"plan": "gold"}
    assert data["lists"][0]["list"] == "News"
    assert data["consents"][0]["evidence"]["file"] == "people.csv"
    order = next(e for e in data["events"] if e["name"] == "order")
    assert order["properties"]["address"] == "1 Rua Augusta"
    assert data["messages"][0]["subject"] == "Hi Ana"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_export_data_of_an_unknown_person_writes_no_file(db, ana, tmp_path):
    path = tmp_path / "x.json"
    with pytest.raises(LookupError):
        write_person_data(db, "nobody@example.com", path)
    assert list(tmp_path.glob("*.json")) == []
    with db.session() as session:
        with pytest.raises(LookupError):
            person_data(session, "nobody@example.com")


def test_erase_after_a_journey_leaves_no_personalised_subject(db, clock):
    from tests.engine.harness import Harness
    from tests.engine.test_engine_guards import email_journey
    from engine.db.models import Enrollment, StepLog

    h = Harness(db, clock)
    h.publish(email_journey("hello", ("email", "one"), ("delay", "3d"), ("email", "two"),
                            body="Hi {{ contact.first_name }}"))
    h.contact("zoe@example.com", first_name="Zoe")
    h.event("zoe@example.com", "hello_go", {"note": "Zoe's cart", "total": 12})
    with db.session() as session:
        report = erase_contact(session, "zoe@example.com", now=clock.now())
    assert report.enrollments_ended == 1
    with db.session() as session:
        logs = session.execute(select(StepLog)).scalars().all()
        assert logs and not any("subject" in log.detail for log in logs)
        enrollment = session.execute(select(Enrollment)).scalar()
        assert enrollment.status == "exited" and enrollment.end_reason == "erased"
        assert enrollment.context == {}
        message = session.execute(select(Message)).scalar()
        assert "Zoe" not in message.html + message.text + message.subject
        event = session.execute(select(Event).where(Event.name == "hello_go")).scalar()
        assert event.properties == {"total": 12}
