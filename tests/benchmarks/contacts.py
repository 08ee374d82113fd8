"""The contacts workspace at scale, measured (not a test): `python -m tests.benchmarks.contacts`.

Builds an SQLite file (migrated to head) with `--contacts` contacts (default 100,000) of
mixed statuses, lead scores and countries, 8 lists holding about a third of them,
`--events` events (default 1,000,000) spread over them, and one contact with a rich
history (300 events, 6 journeys with their step logs, 40 emails with opens and clicks).
Prints ONE JSON line:
- `table_sort_filter_ms`: for each table action (a header click or a filter: sort by email,
  name, lead score; filter by status, by list, by search; list + sort), what the table does
  on it — fetch the first page and count the matches when that page is full
  (`engine.contacts.directory`, as `ContactsModel.reload` does) —
  median of 5 warm runs; `table_worst_ms` the slowest action;
- `table_naive_ms`: the same actions done the obvious way (load every contact, filter
  and sort in Python), median of 3, worst action;
- `profile_open_ms`: `engine.contacts.profile.load_profile` of the rich contact (median of
  7); `profile_naive_ms`: the same data with one query per message and per step
  (the N+1 way an ORM walk does it);
- `contacts`, `events`, `build_s`. Both ways are checked to give the same answers.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from engine.contacts import directory
from engine.contacts.directory import ContactQuery
from engine.contacts.profile import load_profile
from engine.db import open_database
from engine.db.models import Contact, Event, ListMembership, Message, StepLog

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
STATUSES = ["active"] * 8 + ["unsubscribed", "bounced"]
PAGE = 200


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def build(database, contacts: int, events: int, seed: int = 11) -> int:
    """Fill the database; returns the id of the contact with a rich history."""
    rng = random.Random(seed)
    raw = database.engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA foreign_keys=OFF")  # bulk load of consistent data
        cur.executemany(
            "INSERT INTO contact (id, email, first_name, last_name, status, lead_score, country,"
            " attributes, created_at, updated_at, is_test) VALUES (?,?,?,?,?,?,?,'{}',?,?,0)",
            ((i, f"person{i}@example{i % 97}.com", f"First{rng.randint(0, 5000)}",
              f"Last{i % 1000}", rng.choice(STATUSES), rng.randint(0, 500),
              rng.choice(["GB", "FR", "PT", "US", None]), stamp(T0 + timedelta(seconds=i)),
              stamp(T0)) for i in range(1, contacts + 1)))
        for list_id in range(1, 9):
            cur.execute("INSERT INTO list (id, name, description, created_at) VALUES (?,?,'',?)",
                        (list_id, f"List {list_id}", stamp(T0)))
            cur.executemany(
                "INSERT INTO list_membership (list_id, contact_id, added_at, source)"
                " VALUES (?,?,?,'bench')",
                ((list_id, cid, stamp(T0)) for cid in rng.sample(range(1, contacts + 1),
                                                                   contacts // 24)))
        cur.executemany(
            "INSERT INTO event (contact_id, name, properties, occurred_at, received_at, source)"
            " VALUES (?,?,'{\"value\": 1}',?,?,'bench')",
            ((rng.randint(1, contacts), rng.choice(["page_view", "order", "email_opened"]),
              stamp(T0 + timedelta(minutes=n)), stamp(T0)) for n in range(events)))
        rich = contacts // 2
        for journey_id in range(1, 7):
            cur.execute("INSERT INTO journey (id, name, description, status, draft, priority,"
                        " created_at, updated_at) VALUES (?,?, '', 'live', '{}', 0, ?, ?)",
                        (journey_id, f"Journey {journey_id}", stamp(T0), stamp(T0)))
            cur.execute("INSERT INTO journey_version (id, journey_id, number, document,"
                        " published_at, notes) VALUES (?,?,1,?,?, '')",
                        (journey_id, journey_id, json.dumps({"nodes": [
                            {"id": f"n{k}", "type": "flow.delay", "title": f"Step {k}",
                             "config": {"duration": "1d"}} for k in range(8)]}), stamp(T0)))
            cur.execute("INSERT INTO enrollment (id, contact_id, journey_id, version_id,"
                        " node_id, status, state, entered_at, context, step_count)"
                        " VALUES (?,?,?,?, 'n7', 'completed', 'ready', ?, '{}', 8)",
                        (journey_id, rich, journey_id, journey_id, stamp(T0)))
            cur.executemany(
                "INSERT INTO step_log (enrollment_id, contact_id, journey_id, version_id,"
                " node_id, kind, reason, detail, at) VALUES (?,?,?,?,?,?,?,'{}',?)",
                ((journey_id, rich, journey_id, journey_id, f"n{k}",
                  ["enter", "wait", "hold", "skip", "exit"][k % 5],
                  ["quiet_hours", "unsubscribed", "completed"][k % 3],
                  stamp(T0 + timedelta(hours=k))) for k in range(8)))
        for m in range(40):
            cur.execute("INSERT INTO message (idempotency_key, contact_id, to_address, subject,"
                        " html, text, headers, status, attempts, category, queued_at)"
                        " VALUES (?,?,?,?, '', '', '{}', 'sent', 1, 'marketing', ?)",
                        (f"k{m}", rich, f"person{rich}@x.com", f"Email {m}", stamp(T0)))
        cur.executemany(
            "INSERT INTO event (contact_id, name, properties, occurred_at, received_at, source)"
            " VALUES (?,?,?,?,?,'tracking')",
            ((rich, "email_opened" if n % 3 else "email_clicked",
              json.dumps({"message_key": f"k{n % 40}"}), stamp(T0 + timedelta(hours=n)),
              stamp(T0)) for n in range(300)))
        raw.commit()
        cur.execute("ANALYZE")
    finally:
        raw.close()
    return rich


ACTIONS = {
    "sort_email": ContactQuery(sort="email", descending=False),
    "sort_name": ContactQuery(sort="first_name", descending=False),
    "sort_lead_score": ContactQuery(sort="lead_score", descending=True),
    "filter_status": ContactQuery(status="unsubscribed"),
    "filter_list": ContactQuery(list_id=3),
    "search_one": ContactQuery(search="person1234"),
    "search_many": ContactQuery(search="example7"),
    "list_and_sort": ContactQuery(list_id=5, sort="lead_score", descending=True),
}


def table_action(session, query):
    """What `ContactsModel.reload` does: the first page, and the count only when the page
    is full (a short first page is all there is)."""
    page = directory.fetch_page(session, query, 0, PAGE)
    count = directory.count_contacts(session, query) if len(page) == PAGE else len(page)
    return count, page


def naive_action(session, query):
    everyone = session.execute(select(Contact)).scalars().all()
    members = None
    if query.list_id is not None:
        members = set(session.execute(select(ListMembership.contact_id)
                                      .where(ListMembership.list_id == query.list_id)).scalars())
    text = query.search.lower()
    rows = [c for c in everyone
            if (not query.status or c.status == query.status)
            and (members is None or c.id in members)
            and (not text or text in c.email or text in f"{c.first_name} {c.last_name}".lower())]
    rows.sort(key=lambda c: c.id, reverse=query.descending)
    rows.sort(key=lambda c: getattr(c, query.sort) or "" if query.sort != "lead_score"
              else c.lead_score, reverse=query.descending)
    session.expunge_all()
    return len(rows), [c.id for c in rows[:PAGE]]


def naive_profile(session, contact_id):
    """The N+1 way: the contact, then per message its opens and clicks, per step its log."""
    contact = session.get(Contact, contact_id)
    messages = session.execute(select(Message).where(Message.contact_id == contact_id)).scalars()
    engagement = {}
    for message in messages:
        events = session.execute(select(Event).where(Event.contact_id == contact_id)).scalars()
        engagement[message.id] = sum(1 for e in events
                                     if e.properties.get("message_key") == message.idempotency_key)
    steps = [session.get(StepLog, log_id) for log_id in session.execute(
        select(StepLog.id).where(StepLog.contact_id == contact_id)).scalars()]
    session.expunge_all()
    return contact, engagement, steps


def timed(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = open_database(f"sqlite:///{Path(folder) / 'bench.db'}")
        start = time.perf_counter()
        rich = build(database, args.contacts, args.events)
        build_s = time.perf_counter() - start
        fast, naive = {}, {}
        with database.session() as session:
            for name, query in ACTIONS.items():
                fast[name], (count, page) = timed(lambda: table_action(session, query), 5)
                naive[name], (naive_count, naive_page) = timed(
                    lambda: naive_action(session, query), 3)
                assert count == naive_count, (name, count, naive_count)
                assert [row.id for row in page] == naive_page, name
            profile_ms, profile = timed(lambda: load_profile(session, rich), 7)
            naive_ms, (_, engagement, steps) = timed(lambda: naive_profile(session, rich), 3)
            assert {e.message_id: e.opens + e.clicks for e in profile.emails} == engagement
            assert sum(len(trip.steps) for trip in profile.journeys) == len(steps)
        database.dispose()
    print(json.dumps({
        "table_sort_filter_ms": {k: round(v, 1) for k, v in fast.items()},
        "table_worst_ms": round(max(fast.values()), 1),
        "table_naive_ms": round(max(naive.values()), 1),
        "profile_open_ms": round(profile_ms, 1),
        "profile_naive_ms": round(naive_ms, 1),
        "contacts": args.contacts, "events": args.events, "build_s": round(build_s, 1),
    }))


if __name__ == "__main__":
    main()
