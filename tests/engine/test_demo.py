"""The demo shop: what it creates, that it is deterministic, that its history triggers
nothing, and that it never touches a database holding data."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.cli import main
from engine.clock import VirtualClock
from engine.db import open_database
from engine.db.models import (
    Consent,
    Contact,
    ContactList,
    Enrollment,
    Event,
    JourneyRow,
    ListMembership,
    Product,
)
from engine.demo.shop import HISTORY_DAYS, DemoRefused, create_demo, is_empty
from engine.journey.store import draft_document
from engine.messaging.lint import lint_template
from engine.runtime.engine import Engine
from engine.settings import load_settings

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
FUNNEL = ("signed_up", "product_viewed", "added_to_cart", "order_completed")


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """One demo shop of 120 contacts, shared by the read-only tests below."""
    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'shop.db'}")
    summary = create_demo(db, 120, now=NOW)
    yield db, summary
    db.dispose()


def events_of(db, *names: str) -> list[Event]:
    with db.session() as session:
        query = select(Event).order_by(Event.occurred_at, Event.id)
        if names:
            query = query.where(Event.name.in_(names))
        return list(session.scalars(query))


def test_the_shop_has_a_catalog_customers_consent_and_journeys(shop):
    db, summary = shop
    with db.session() as session:
        products = list(session.scalars(select(Product)))
        contacts = list(session.scalars(select(Contact)))
        consents = Counter(c.contact_id for c in session.scalars(select(Consent)))
        journeys = list(session.scalars(select(JourneyRow).order_by(JourneyRow.name)))
        newsletter = session.scalars(select(ContactList)).one()
        members = session.scalar(select(func.count()).select_from(ListMembership))
        settings = load_settings(session)
    assert (summary.contacts, summary.products, summary.journeys) == (120, 40, 6)
    assert Counter(p.category for p in products) == {"Coffee": 10, "Tea": 10, "Kitchen": 10,
                                                     "Home": 10}
    assert all(p.price > 0 and p.url.startswith("https://juniper-and-oak.example/products/")
               and p.image_url.startswith("https://juniper-and-oak.example/images/")
               for p in products)
    assert len({c.email for c in contacts}) == 120
    assert all(c.email.split("@")[1] in ("example.com", "example.net", "example.org")
               for c in contacts)
    assert all(c.first_name and c.last_name and c.country and c.locale for c in contacts)
    assert all(ZoneInfo(c.timezone) for c in contacts)
    assert set(consents) == {c.id for c in contacts}  # everyone's choice at sign-up, at least
    assert newsletter.name == "Newsletter" and 0 < members < 120
    assert [j.name for j in journeys] == [
        "Abandoned cart", "Post-purchase", "Pricing page follow-up and lead scoring",
        "Product interest", "Re-engagement", "Welcome series"]
    assert all(j.status == "draft" and j.live_version_id is None for j in journeys)
    assert all(draft_document(j).nodes for j in journeys)
    assert (settings.sender_name, settings.website) == ("Juniper & Oak",
                                                        "https://juniper-and-oak.example")


def test_three_months_of_history_all_processed(shop):
    db, summary = shop
    events = events_of(db)
    assert len(events) == summary.events
    assert all(e.processed_at == NOW for e in events)
    assert all(NOW - timedelta(days=HISTORY_DAYS) <= e.occurred_at < NOW for e in events)
    with db.session() as session:
        last = dict(session.execute(select(Contact.id, Contact.last_activity_at)).all())
    latest = {}
    for e in events:
        latest[e.contact_id] = e.occurred_at
    assert last == latest  # inactivity scans read the history


def test_funnels_narrow_and_events_carry_what_journeys_read(shop):
    db, summary = shop
    people = {name: {e.contact_id for e in events_of(db, name)} for name in FUNNEL}
    sizes = [len(people[name]) for name in FUNNEL]
    assert sizes[0] == 120 and sizes == sorted(sizes, reverse=True) and sizes[-1] > 0
    assert people["order_completed"] <= people["added_to_cart"] <= people["product_viewed"]
    orders = events_of(db, "order_completed")
    assert len(orders) == summary.orders
    for order in orders:
        items = order.properties["items"]
        assert items and all({"sku", "name", "quantity", "price"} <= set(i) for i in items)
        revenue = sum(Decimal(str(i["price"])) * i["quantity"] for i in items)
        assert Decimal(str(order.properties["revenue"])) == revenue
    assert sum(Decimal(str(o.properties["revenue"])) for o in orders) == summary.revenue
    assert len({o.properties["order_id"] for o in orders}) == len(orders)
    assert all({"sku", "name", "price", "quantity"} <= set(e.properties)
               for e in events_of(db, "added_to_cart"))
    assert all("sku" in e.properties for e in events_of(db, "product_viewed"))
    urls = [e.properties["url"] for e in events_of(db, "page_viewed")]
    assert any(url.endswith("/pricing") for url in urls)
    # products bought together: what "often bought together" recommendations learn from
    assert any(len(o.properties["items"]) > 1 for o in orders)
    assert events_of(db, "email_opened") and events_of(db, "email_clicked")


def test_same_seed_same_shop_another_seed_another(tmp_path):
    def snapshot(name: str, seed: int) -> list[tuple]:
        db = open_database(f"sqlite:///{tmp_path / name}")
        create_demo(db, 25, now=NOW, seed=seed)
        with db.session() as session:
            rows = session.execute(
                select(Contact.email, Event.name, Event.occurred_at, Event.properties)
                .join(Contact, Contact.id == Event.contact_id).order_by(Event.id)).all()
        db.dispose()
        return [tuple(row) for row in rows]

    first = snapshot("a.db", 7)
    assert snapshot("b.db", 7) == first
    assert snapshot("c.db", 8) != first


def test_history_triggers_nothing_when_the_journeys_go_live(tmp_path):
    """Only the inactivity scan enrolls anyone: it looks at the contacts, not the events."""
    db = open_database(f"sqlite:///{tmp_path / 'live.db'}")
    create_demo(db, 150, now=NOW)
    engine = Engine(db, VirtualClock(NOW + timedelta(minutes=1)))
    with db.session() as session:
        names = session.scalars(select(JourneyRow.name)).all()
        inactive = session.scalar(select(func.count()).select_from(Contact).where(
            Contact.last_activity_at <= NOW + timedelta(minutes=1) - timedelta(days=60),
            Contact.status == "active"))
    for name in names:
        engine.publish(name, lint_template=lint_template)
    report = engine.tick()
    assert report.events == 0
    with db.session() as session:
        entered = session.execute(
            select(JourneyRow.name, func.count())
            .join(Enrollment, Enrollment.journey_id == JourneyRow.id)
            .group_by(JourneyRow.name)).all()
    assert inactive > 0 and entered == [("Re-engagement", inactive)]
    db.dispose()


def test_is_empty_and_a_database_with_data_is_never_touched(db):
    assert is_empty(db)
    with db.session() as session:
        session.add(Product(sku="MINE-1", name="My own product", created_at=NOW))
    assert not is_empty(db)
    with pytest.raises(DemoRefused, match="already holds data"):
        create_demo(db, 10, now=NOW)
    with db.session() as session:
        assert session.scalars(select(Product.sku)).all() == ["MINE-1"]
        assert session.scalar(select(func.count()).select_from(Contact)) == 0


def test_demo_command(db_url, capsys):
    assert main(["--db", db_url, "demo"]) == 0
    out = capsys.readouterr().out
    assert out.startswith('Demo shop "Juniper & Oak" created: 500 contacts, 40 products, ')
    assert "6 starter journeys as drafts" in out and f"--db {db_url}" in out
    assert main(["--db", db_url, "demo", "--contacts", "20"]) == 1
    assert "already holds data" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:  # argparse's own exit for a bad option
        main(["--db", db_url, "demo", "--contacts", "0"])
    assert usage.value.code == 2
