"""The contacts workspace's reads and writes: filters, sort, sidebar counts, bulk actions,
field edits, and the profile's per-contact "why" from a real journey run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.contacts import bulk, directory
from engine.contacts.directory import ContactQuery
from engine.contacts.lists import add_to_list
from engine.contacts.profile import load_profile, message_as_sent
from engine.db.models import Consent, Contact, ContactStatus
from engine.errors import InputError
from tests.engine.harness import Harness
from tests.engine.test_engine_guards import email_journey

D = timedelta(days=1)


@pytest.fixture
def people(db, clock):
    h = Harness(db, clock)
    ids = {}
    for n, (email, score, country) in enumerate([("ana@example.com", 5, "PT"),
                                                  ("bob@example.com", 9, "FR"),
                                                  ("cy@shop.example", 1, None)]):
        ids[email] = h.contact(email, first_name=email[:3].title(),
                               **({"country": country} if country else {}))
        with db.session() as session:
            session.get(Contact, ids[email]).lead_score = score
        clock.advance(timedelta(minutes=1))
    with db.session() as session:
        add_to_list(session, "VIP", [ids["ana@example.com"], ids["cy@shop.example"]],
                    now=clock.now(), source="test")
    return h, ids


def emails(db, query, offset=0, limit=50):
    with db.session() as session:
        return [row.email for row in directory.fetch_page(session, query, offset, limit)]


def test_filters_sort_and_pages(db, people):
    _, ids = people
    assert emails(db, ContactQuery()) == ["cy@shop.example", "bob@example.com", "ana@example.com"]
    assert emails(db, ContactQuery(sort="lead_score", descending=True)) == [
        "bob@example.com", "ana@example.com", "cy@shop.example"]
    assert emails(db, ContactQuery(sort="email", descending=False), offset=1, limit=1) == [
        "bob@example.com"]
    with db.session() as session:
        vip = next(s for s in directory.sidebar_sources(session) if s.kind == "list")
        assert (vip.name, vip.count) == ("VIP", 2)
        assert directory.count_contacts(session, vip.query.with_(search="shop")) == 1
    assert emails(db, vip.query.with_(sort="email", descending=False)) == [
        "ana@example.com", "cy@shop.example"]
    with pytest.raises(ValueError):
        emails(db, ContactQuery(sort="password"))


def test_bulk_unsubscribe_remove_and_delete(db, clock, people):
    _, ids = people
    with db.session() as session:
        assert bulk.unsubscribe(session, ids.values(), now=clock.now()) == 3
        assert bulk.unsubscribe(session, ids.values(), now=clock.now()) == 0  # once only
    with db.session() as session:
        sources = {s.name: s.count for s in directory.sidebar_sources(session)}
        assert sources["Unsubscribed"] == 3 and sources["Active"] == 0
        withdrawn = session.scalar(select(func.count()).select_from(Consent)
                                   .where(Consent.granted.is_(False)))
        assert withdrawn == 3
        vip = next(s for s in directory.sidebar_sources(session) if s.kind == "list")
        assert bulk.remove_from_list(session, vip.query.list_id, [ids["ana@example.com"]]) == 1
        assert bulk.delete_contacts(session, [ids["bob@example.com"]]) == 1
    with db.session() as session:
        counts = {s.name: s.count for s in directory.sidebar_sources(session)}
        assert counts["VIP"] == 1 and counts["All contacts"] == 2


def test_set_field_checks_like_an_import_and_returns_the_old_value(db, clock, people):
    _, ids = people
    ana = ids["ana@example.com"]
    with db.session() as session:
        assert bulk.set_field(session, ana, "country", "fr", now=clock.now()) == "PT"
        assert bulk.set_field(session, ana, "attributes.plan", "gold", now=clock.now()) is None
        with pytest.raises(InputError, match="country"):
            bulk.set_field(session, ana, "country", "France", now=clock.now())
        with pytest.raises(InputError):
            bulk.set_field(session, ana, "email", "x@y.z", now=clock.now())
    with db.session() as session:
        contact = session.get(Contact, ana)
        assert (contact.country, contact.attributes) == ("FR", {"plan": "gold"})


def test_profile_explains_each_step_with_its_reason(db, clock, people):
    h, ids = people
    h.publish(email_journey("welcome", ("email", "one"), ("delay", "1d"), ("email", "two")))
    h.event("bob@example.com", "welcome_go")
    h.event("bob@example.com", "unsubscribed")
    h.run_for(2 * D)
    with db.session() as session:
        profile = load_profile(session, ids["bob@example.com"])
        assert profile.status == ContactStatus.UNSUBSCRIBED
        [trip] = profile.journeys
        words = [line.words for line in trip.steps]
        assert trip.journey == "welcome"
        assert "Got the email “welcome: one”" in words
        assert "Skipped this step: the contact has unsubscribed" in words
        [email] = profile.emails
        assert email.subject == "welcome: one"
        assert "welcome: one" == message_as_sent(session, email.message_id)[0]
        assert [e["name"] for e in profile.events][:1] == ["unsubscribed"]
        assert load_profile(session, 10_000) is None
        # the canvas's "N waiting": nobody is still waiting in the journey
        journey_id = trip.journey_id
        assert directory.count_contacts(session, ContactQuery(waiting_at=(journey_id, "delay1"))) == 0


def test_export_of_the_filter_shown(db, people, tmp_path):
    from engine.contacts.csv_export import export_contacts_csv

    with db.session() as session:
        vip = next(s for s in directory.sidebar_sources(session) if s.kind == "list")
    path = tmp_path / "vip.csv"
    assert export_contacts_csv(db, path, where=directory.condition(vip.query)) == 2
    text = path.read_text(encoding="utf-8-sig")
    assert "ana@example.com" in text and "cy@shop.example" in text and "bob@" not in text
    assert directory.condition(ContactQuery()) is None


def test_saved_segments_in_the_sidebar_and_the_filter(db, people, clock):
    # A saved segment shows in the sidebar once computed, and filters by its membership.
    from engine.nodes.common import Condition
    from engine.segments.refresh import refresh_segment
    from engine.segments.store import save_segment

    scored = Condition.model_validate({"match": "all", "rules": [
        {"kind": "field", "field": "lead_score", "op": "greater", "value": 4}]})
    with db.session() as session:
        save_segment(session, "Scored", "", scored, now=clock.now())
    with db.session() as session:
        pending = directory.sidebar_sources(session)[-1]
        assert (pending.kind, pending.name, pending.count) == ("segment", "Scored", None)
        assert directory.count_contacts(session, pending.query) == 0  # not computed yet
        refresh_segment(session, "Scored", clock.now())
    with db.session() as session:
        segment = directory.sidebar_sources(session)[-1]
    assert (segment.kind, segment.name, segment.count) == ("segment", "Scored", 2)
    assert emails(db, segment.query.with_(sort="email", descending=False)) == [
        "ana@example.com", "bob@example.com"]


def test_the_profile_names_the_segments_a_contact_is_in(db, people, clock):
    from engine.nodes.common import Condition
    from engine.segments.refresh import refresh_segment
    from engine.segments.store import save_segment

    _, ids = people
    french = Condition.model_validate({"match": "all", "rules": [
        {"kind": "field", "field": "country", "op": "equals", "value": "FR"}]})
    with db.session() as session:
        save_segment(session, "France", "", french, now=clock.now())
        refresh_segment(session, "France", clock.now())
    with db.session() as session:
        assert load_profile(session, ids["bob@example.com"]).segments == ["France"]
        assert load_profile(session, ids["ana@example.com"]).segments == []
