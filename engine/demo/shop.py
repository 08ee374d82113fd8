"""The demo shop: a fictional store that makes Trellis come alive on first run.

Contract:
- `is_empty(db)` is True when the database holds no contacts, events, products, lists,
  templates or journeys (settings do not count). The app then offers "Explore the demo
  shop" or "Start empty".
- `create_demo(db, contacts=500, *, now, seed=DEMO_SEED)` turns an empty database into
  "Juniper & Oak", a small coffee, tea and home-goods shop: its sender settings, the ~40
  products of resources/demo/products.csv, `contacts` customers with time zones, consent
  records and Newsletter membership (engine.demo.people), three months of history before
  `now` (engine.demo.activity), and the six starter journeys as drafts (nothing is live,
  nothing is sent) and the starter segments (engine/segments/starter.py), computed. The history is stored as already processed, so publishing a journey
  later never fires it on old events; it still counts for "N times within D", inactivity,
  carts and recommendations. Everything is written in one transaction, with the bulk
  paths of the importers, and returns a `DemoSummary`.
- A database that is not empty is refused with `DemoRefused`: demo customers must never
  mix with real ones (create the demo in another database instead).
The same seed, count and `now` make the same shop.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import bindparam, exists, insert, select, update
from sqlalchemy.orm import Session

import resources
from engine.contacts.lists import ensure_list
from engine.contacts.store import ConsentChange, ContactChange, apply_contact_changes
from engine.db.database import Database
from engine.db.models import (
    Contact,
    ContactList,
    Event,
    JourneyRow,
    ListMembership,
    Product,
    Template,
)
from engine.demo.activity import NEWSLETTER, SITE, Shop, history
from engine.demo.people import Person, make_people
from engine.errors import TrellisError
from engine.intake.events import EventInput, record_events
from engine.journey.file_format import read_journey_file
from engine.journey.store import save_draft
from engine.segments.refresh import refresh_all
from engine.segments.starter import add_starter_segments
from engine.settings import load_settings, save_settings

DEMO_SEED = 2026
HISTORY_DAYS = 90
SOURCE = "demo"
STARTER_JOURNEYS = Path(resources.__file__).parent / "journeys"
SHOP_SETTINGS = {
    "sender_name": "Juniper & Oak",
    "sender_email": "hello@juniper-and-oak.example",
    "website": SITE,
    "postal_address": "48 Alder Street, Portland, OR 97205, USA",
}
#: lead score points per view of the pricing page, as the starter journey gives them
PRICING_POINTS = 10


class DemoRefused(TrellisError):
    """The database already holds data; the demo shop is only made in an empty one."""


@dataclass(frozen=True)
class DemoSummary:
    contacts: int
    products: int
    events: int
    orders: int
    revenue: Decimal
    journeys: int

    def __str__(self) -> str:
        return (f"Demo shop \"{SHOP_SETTINGS['sender_name']}\" created: {self.contacts:,} "
                f"contacts, {self.products} products, {self.events:,} events over "
                f"{HISTORY_DAYS} days ({self.orders:,} orders, ${self.revenue:,.2f}), "
                f"{self.journeys} starter journeys as drafts")


def is_empty(db: Database) -> bool:
    with db.session() as session:
        return not any(session.scalar(select(exists().where(column.is_not(None))))
                       for column in (Contact.id, Event.id, Product.id, ContactList.id,
                                      Template.id, JourneyRow.id))


def create_demo(db: Database, contacts: int = 500, *, now: datetime,
                seed: int = DEMO_SEED) -> DemoSummary:
    if contacts < 1:
        raise ValueError("the demo shop needs at least one contact")
    if not is_empty(db):
        raise DemoRefused("this database already holds data: the demo shop is only created "
                          "in an empty database (choose another one with --db)")
    rng = random.Random(seed)
    shop = Shop.load(rng)
    people = make_people(rng, contacts, now - timedelta(days=HISTORY_DAYS), now,
                         shop.categories)
    events = [e for person in people for e in history(rng, person, shop, now)]
    with db.session() as session:
        save_settings(session, load_settings(session).model_copy(update=SHOP_SETTINGS))
        _add_products(session, shop, now)
        ids = _add_people(session, people, events, now)
        record_events(session, events, now=now, source=SOURCE)
        # history: matched against nothing, ever (the database held no events before)
        session.execute(update(Event).where(Event.processed_at.is_(None))
                        .values(processed_at=now))
        _add_memberships(session, people, ids, now)
        journeys = _add_starter_journeys(session, now)
        add_starter_segments(session, now)
        refresh_all(session, now)  # their sizes from the start (no entry events: history)
    orders = [e for e in events if e.name == "order_completed"]
    return DemoSummary(
        contacts=len(people), products=len(shop.products), events=len(events),
        orders=len(orders),
        revenue=sum((Decimal(str(e.properties["revenue"])) for e in orders), Decimal("0")),
        journeys=journeys,
    )


def _add_products(session: Session, shop: Shop, now: datetime) -> None:
    session.execute(insert(Product), [
        {"sku": p["sku"], "name": p["name"], "price": Decimal(str(p["price"])),
         "currency": p["currency"], "category": p["category"], "url": p["url"],
         "image_url": p["image_url"], "created_at": now}
        for p in shop.products.values()
    ])


def _add_people(session: Session, people: list[Person], events: list[EventInput],
                now: datetime) -> dict[str, int]:
    pricing_views = Counter(e.contact for e in events
                            if e.name == "page_viewed" and "/pricing" in e.properties["url"])
    changes = [
        ContactChange(
            email=p.email,
            fields={"first_name": p.first_name, "last_name": p.last_name,
                    "timezone": p.timezone, "country": p.country, "locale": p.locale,
                    "lead_score": PRICING_POINTS * pricing_views[p.email]},
            consents=[ConsentChange(p.opted_in, "signup_form", p.signed_up_at,
                                    {"form": "newsletter sign-up", "page": f"{SITE}/",
                                     "checkbox": "Email me news and offers"})],
        )
        for p in people
    ]
    ids = apply_contact_changes(session, changes, now=now).ids
    # a customer is "added" when they signed up, not when the demo was made
    table = Contact.__table__
    session.execute(
        update(table).where(table.c.id == bindparam("b_id"))
        .values(created_at=bindparam("b_at"), updated_at=bindparam("b_at")),
        [{"b_id": ids[p.email], "b_at": p.signed_up_at} for p in people],
    )
    return ids


def _add_memberships(session: Session, people: list[Person], ids: dict[str, int],
                     now: datetime) -> None:
    list_id = ensure_list(session, NEWSLETTER, now=now - timedelta(days=HISTORY_DAYS))
    session.execute(insert(ListMembership), [
        {"list_id": list_id, "contact_id": ids[p.email], "added_at": p.signed_up_at,
         "source": "signup_form"}
        for p in people if p.opted_in
    ])


def _add_starter_journeys(session: Session, now: datetime) -> int:
    paths = sorted(STARTER_JOURNEYS.glob("*.journey.json"))
    for path in paths:
        result = read_journey_file(path)
        if result.document is None:  # a test keeps the shipped files valid
            raise TrellisError(f"the starter journey {path.name} cannot be read: "
                               f"{result.problems[0]}")
        save_draft(session, result.document, now=now)
    return len(paths)
