"""Random contacts, events, consents and lists for the segment tests and benchmark."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import insert

from engine.db.fastbulk import insert_rows
from engine.db.models import Consent, Contact, ContactList, Event, ListMembership

EVENTS = ("order_completed", "page_viewed", "email_opened", "email_clicked", "added_to_cart")
STATUSES = ("active", "active", "active", "unsubscribed", "bounced")


def _revenue(rng: random.Random):
    roll = rng.random()
    if roll < 0.7:
        return rng.randint(5, 150)
    if roll < 0.8:
        return str(rng.randint(5, 150))  # text: not a number, adds nothing
    if roll < 0.9:
        return True
    return None


def fill(session, now: datetime, contacts: int, events: int, seed: int = 7,
         days: int = 400) -> None:
    rng = random.Random(seed)
    insert_rows(session, Contact.__table__, [
        {"id": i, "email": f"c{i}@example.com", "first_name": rng.choice(["Ann", "bo", "Cy", ""]),
         "last_name": "", "timezone": None, "locale": None,
         "country": rng.choice(["DE", "FR", "US", None]),
         "status": rng.choice(STATUSES), "lead_score": rng.randint(-5, 50),
         "attributes": rng.choice([{}, {"plan": "pro"}, {"plan": "Free", "seats": 3},
                                   {"plan": "pro", "renewal": (now - timedelta(days=rng.randint(0, 90))).date().isoformat()}]),
         "created_at": now - timedelta(days=rng.randint(0, days), seconds=rng.randint(0, 86399)),
         "updated_at": now,
         "last_activity_at": rng.choice([None, now - timedelta(days=rng.randint(0, 120))]),
         "is_test": False}
        for i in range(1, contacts + 1)])
    rows = []
    for _ in range(events):
        name = rng.choice(EVENTS)
        properties = {}
        if name == "order_completed":
            revenue = _revenue(rng)
            if revenue is not None:
                properties["revenue"] = revenue
            properties["category"] = rng.choice(["shoes", "Shoes", "hats"])
        at = now - timedelta(days=rng.randint(0, days), seconds=rng.randint(0, 86399))
        rows.append({"contact_id": rng.randint(1, contacts), "name": name,
                     "properties": properties, "occurred_at": at, "received_at": at,
                     "source": "test", "processed_at": at})
        if len(rows) >= 50_000:
            insert_rows(session, Event.__table__, rows)
            rows = []
    insert_rows(session, Event.__table__, rows)
    consents = []
    for cid in rng.sample(range(1, contacts + 1), contacts // 3):
        for _ in range(rng.randint(1, 2)):
            consents.append({"contact_id": cid, "purpose": "email_marketing",
                             "granted": rng.random() < 0.7, "source": "test", "evidence": {},
                             "recorded_at": now - timedelta(days=rng.randint(0, 300))})
    insert_rows(session, Consent.__table__, consents)
    list_id = session.execute(insert(ContactList).values(
        name="Newsletter", description="", created_at=now).returning(ContactList.id)).scalar_one()
    insert_rows(session, ListMembership.__table__, [
        {"list_id": list_id, "contact_id": cid, "added_at": now, "source": "test"}
        for cid in rng.sample(range(1, contacts + 1), contacts // 4)])
