"""Journey results at scale, measured (not a test): `python -m tests.benchmarks.analytics`.

Builds an SQLite file (migrated to head) with, at `--scale 1`, 100,000 enrollments in 20
journeys (with their step logs), 1,000,000 outbox rows and 5,000,000 events (opens and
clicks mostly naming their email, unsubscribes, complaints, bounces, orders with revenue,
and page views that count for nothing), written with bulk inserts. Then it folds them all
with the catch-up (`catch_up_s`) and prints ONE JSON line:
- `journey_report_ms`: `engine.analytics.report.journey_report` of one journey, all time
  (median of 7 warm runs), and `journey_report_plain_ms`: the same figures by
  `engine.analytics.raw.raw_report` (straightforward queries over the raw tables; one run);
- `home_dashboard_ms`: `engine.analytics.dashboard.dashboard_totals` over the last 30 days
  (median of 7), and `home_dashboard_plain_ms`: sends, unique opens/clicks, unsubscribes and
  complaints per journey by plain SQL over message and event (events naming their email
  only, no revenue attribution: a lower bound of the plain way; one run);
- `canvas_overlay_ms`: `canvas_figures` of one journey (median of 7), and
  `canvas_overlay_plain_ms`: per step reached from step_log and per email sent/opens/
  clicks from message and event by plain SQL (one run);
- the GUI's reads (each the median of 7, beside its plain-SQL way, one run):
  `results_view_ms` (engine.reports.results_view.journey_results of one journey, the last
  30 days: two reports, daily series, funnel, cohorts, spikes) against
  `results_view_plain_ms` (raw_report plus entered and sent per day by plain SQL);
  `dashboard_view_ms` (engine.analytics.home.home_dashboard, 30 days, with list growth)
  against `dashboard_view_plain_ms` (the plain dashboard above plus contacts per day);
  `list_columns_ms` (app.overview.journeys_page_rows: 30-day figures and spike warnings of
  every journey) against `list_columns_plain_ms` (entered and converted in 30 days per
  journey from step_log and enrollment, and each journey's last 200 sends with their
  unsubscribes and complaints from message and event);
- `intake_ratio_with_rollups`: events per second taken in through `engine.intake.events.record_events`
  (batches of 500, as the HTTP intake) with the catch-up folding them, over without:
  `intake_events_per_s`, `intake_with_rollups_events_per_s` (each the mean of `--rounds`
  runs of `--intake` events), and `intake_fold_ms` (the median catch-up of a "with" run).
  The runs go without, with, with, without, … (ABBA): intake gets slower as the event
  table grows, so a fixed order would favour whichever runs first;
- `build_s`, `catch_up_s`, `rows` (enrollments, step_logs, messages, events).
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

from sqlalchemy import text

from engine.analytics.catchup import catch_up
from engine.analytics.dashboard import canvas_figures, dashboard_totals
from engine.analytics.raw import raw_report
from engine.analytics.home import home_dashboard
from engine.analytics.report import journey_report
from engine.analytics.results import Period
from engine.reports.results_view import journey_results
from engine.analytics.settings import AnalyticsSettings
from engine.db import open_database
from engine.intake.events import EventInput, record_events

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
JOURNEYS = 20
FMT = "%Y-%m-%d %H:%M:%S.%f"
REVENUES = ["19.5", "42", "-1", '"n/a"', "120.25"]
NAMES = (["email_opened"] * 40 + ["email_clicked"] * 15 + ["page_viewed"] * 38
         + ["unsubscribed"] + ["order_completed"] * 4 + ["email_bounced"] + ["list_joined"])


def ts(at: datetime) -> str:
    return at.strftime(FMT)


def build(database, scale: float, seed: int = 13) -> dict:
    rng = random.Random(seed)
    n_enroll = int(100_000 * scale)
    per_contact_messages, per_contact_events = 10, 50
    raw = database.engine.raw_connection()
    cursor = raw.cursor()
    cursor.execute("PRAGMA foreign_keys=OFF")  # a bulk load of consistent data
    cursor.execute("PRAGMA synchronous=OFF")
    now = ts(T0)
    for j in range(1, JOURNEYS + 1):
        nodes = json.dumps({"nodes": [{"id": n} for n in
                                      ("t", "b", "e1", "e2", "e3", "e4", "e5", "g", "x")]})
        cursor.execute("INSERT INTO journey (id, name, description, status, draft, priority,"
                       " created_at, updated_at) VALUES (?, ?, '', 'live', ?, 0, ?, ?)",
                       (j, f"Journey {j:02d}", nodes, now, now))
        cursor.execute("INSERT INTO journey_version (id, journey_id, number, document,"
                       " published_at, notes) VALUES (?, ?, 1, '{}', ?, '')", (j, j, now))
    cursor.executemany(
        "INSERT INTO contact (id, email, first_name, last_name, status, lead_score, attributes,"
        " created_at, updated_at, is_test) VALUES (?, ?, '', '', 'active', 0, '{}', ?, ?, ?)",
        ((i, f"c{i}@example.com", now, now, int(i % 500 == 0)) for i in range(1, n_enroll + 1)))
    enrollments, logs, entered = [], [], {}
    for i in range(1, n_enroll + 1):
        j = i % JOURNEYS + 1
        start = T0 + timedelta(minutes=rng.randint(0, 90 * 24 * 60))
        entered[i] = start
        fate = rng.choice(["converted", "completed", "exited", "active"])
        last = rng.choice(["e1", "e2", "e3", "e4", "e5"])
        enrollments.append((i, i, j, j, j if fate == "active" else None,
                            "g" if fate == "converted" else last, fate,
                            ts(start), None if fate == "active" else ts(start + timedelta(days=3))))
        logs.append((i, i, j, j, "t", "enter", None, None, ts(start)))
        logs.append((i, i, j, j, "b", "branch", rng.choice(["yes", "no"]), None,
                     ts(start + timedelta(minutes=1))))
        for k in range(1, int(last[1]) + 1):
            logs.append((i, i, j, j, f"e{k}", "email", None, None, ts(start + timedelta(hours=k))))
        if fate != "active":
            reason = {"converted": "goal", "completed": "completed", "exited": "exit_event"}[fate]
            logs.append((i, i, j, j, "g" if fate == "converted" else last, "exit", None, reason,
                         ts(start + timedelta(days=3))))
    cursor.executemany(
        "INSERT INTO enrollment (id, contact_id, journey_id, version_id, active_journey_id,"
        " node_id, status, state, entered_at, ended_at, context, step_count)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, 'ready', ?, ?, '{}', 0)", enrollments)
    cursor.executemany(
        "INSERT INTO step_log (enrollment_id, contact_id, journey_id, version_id, node_id, kind,"
        " port, reason, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}', ?)", logs)
    raw.commit()

    def messages():
        for i in range(1, n_enroll + 1):
            j = i % JOURNEYS + 1
            for k in range(per_contact_messages):
                at = entered[i] + timedelta(hours=6 * k)
                status = "bounced" if rng.random() < 0.03 else (
                    "queued" if rng.random() < 0.01 else "sent")
                yield (f"m{i}-{k}", i, i, j, f"e{k % 5 + 1}", f"tpl-{k % 5 + 1}",
                       f"c{i}@example.com", status, ts(at), None if status == "queued" else ts(at))
    cursor.executemany(
        "INSERT INTO message (idempotency_key, contact_id, enrollment_id, journey_id, node_id,"
        " template_key, category, to_address, subject, html, text, headers, status, attempts,"
        " queued_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, 'marketing', ?, '', '', '', '{}', ?, 0,"
        " ?, ?)", messages())
    raw.commit()

    def events():
        for i in range(1, n_enroll + 1):
            for _ in range(per_contact_events):
                k = rng.randrange(per_contact_messages)
                name = rng.choice(NAMES)
                at = entered[i] + timedelta(hours=6 * k, minutes=rng.randint(1, 3000))
                if name == "order_completed":
                    props = '{"revenue": %s}' % rng.choice(REVENUES)
                elif name in ("page_viewed", "list_joined") or rng.random() < 0.1:
                    props = "{}"  # imported: no message_key
                else:
                    props = f'{{"message_key": "m{i}-{k}"}}'
                yield i, name, props, ts(at), ts(at)
    cursor.executemany(
        "INSERT INTO event (contact_id, name, properties, occurred_at, received_at, source,"
        " processed_at) VALUES (?, ?, ?, ?, ?, 'bench', ?)",
        ((*row, row[-1]) for row in events()))
    raw.commit()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("ANALYZE")
    counts = {t: cursor.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("enrollment", "step_log", "message", "event")}
    raw.close()
    return counts


def median_ms(fn, runs: int = 7) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


def once_ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return round((time.perf_counter() - start) * 1000, 2)


PLAIN_DASHBOARD = """
  SELECT m.journey_id, e.name, COUNT(DISTINCT m.id) FROM event e
  JOIN message m ON m.idempotency_key = json_extract(e.properties, '$.message_key')
  WHERE e.name IN ('email_opened', 'email_clicked', 'unsubscribed', 'spam_complaint')
    AND e.occurred_at >= :since GROUP BY m.journey_id, e.name"""
PLAIN_SENT = """SELECT journey_id, COUNT(*), SUM(status = 'bounced') FROM message
  WHERE status IN ('sent', 'bounced') AND sent_at >= :since GROUP BY journey_id"""
PLAIN_CANVAS_STEPS = """SELECT node_id, COUNT(DISTINCT enrollment_id) FROM step_log
  WHERE journey_id = :j GROUP BY node_id"""
PLAIN_CANVAS_EMAILS = """
  SELECT m.node_id, e.name, COUNT(DISTINCT m.id) FROM message m
  JOIN event e ON json_extract(e.properties, '$.message_key') = m.idempotency_key
  WHERE m.journey_id = :j AND e.name IN ('email_opened', 'email_clicked') GROUP BY 1, 2"""


PLAIN_DAILY = """
  SELECT substr(at, 1, 10), COUNT(*) FROM step_log WHERE journey_id = :j AND kind = 'enter'
    AND at >= :since GROUP BY 1"""
PLAIN_DAILY_SENT = """
  SELECT substr(sent_at, 1, 10), COUNT(*) FROM message WHERE journey_id = :j
    AND status IN ('sent', 'bounced') AND sent_at >= :since GROUP BY 1"""
PLAIN_GROWTH = """SELECT substr(created_at, 1, 10), COUNT(*) FROM contact
  WHERE created_at >= :since AND is_test = 0 GROUP BY 1"""
PLAIN_LIST = """
  SELECT x.journey_id, COUNT(*), SUM(x.status = 'converted') FROM enrollment x
  WHERE x.entered_at >= :since GROUP BY x.journey_id"""
PLAIN_LAST_SENDS = """
  SELECT COUNT(*), SUM(EXISTS (SELECT 1 FROM event e WHERE e.name = 'unsubscribed'
           AND json_extract(e.properties, '$.message_key') = m.idempotency_key)),
         SUM(EXISTS (SELECT 1 FROM event e WHERE e.name = 'spam_complaint'
           AND json_extract(e.properties, '$.message_key') = m.idempotency_key))
  FROM (SELECT idempotency_key FROM message WHERE journey_id = :j
        AND status IN ('sent', 'bounced') ORDER BY sent_at DESC LIMIT 200) m"""


def gui_reads(session, settings) -> dict:
    """The reads behind the Results view, the dashboard and the journeys list."""
    from app.overview import journeys_page_rows

    today = (T0 + timedelta(days=92)).date()
    period = Period(today - timedelta(days=29), today)
    since = ts(T0 + timedelta(days=63))
    bound = {"since": since, "j": 1}
    q = lambda sql, **p: session.execute(text(sql), {**bound, **p}).all()  # noqa: E731
    return {
        "results_view_ms": median_ms(lambda: journey_results(session, 1, period, today)),
        "results_view_plain_ms": once_ms(lambda: (raw_report(session, 1, settings),
                                                  q(PLAIN_DAILY), q(PLAIN_DAILY_SENT))),
        "dashboard_view_ms": median_ms(lambda: home_dashboard(session, period, today)),
        "dashboard_view_plain_ms": once_ms(lambda: (q(PLAIN_DASHBOARD), q(PLAIN_SENT),
                                                    q(PLAIN_GROWTH))),
        "list_columns_ms": median_ms(lambda: journeys_page_rows(session, today=today)),
        "list_columns_plain_ms": once_ms(lambda: (q(PLAIN_LIST), [
            q(PLAIN_LAST_SENDS, j=j) for j in range(1, JOURNEYS + 1)])),
    }


def intake_rate(database, count: int, seed: int, with_rollups: bool,
                folds: list | None = None) -> float:
    rng = random.Random(seed)
    items = [EventInput(f"c{rng.randint(1, 1000)}@example.com",
                        rng.choice(["email_opened", "email_clicked", "page_viewed"]),
                        {"message_key": f"m{rng.randint(1, 1000)}-{rng.randrange(10)}"},
                        T0 + timedelta(days=100)) for _ in range(count)]
    start = time.perf_counter()
    for first in range(0, count, 500):
        with database.session() as session:
            record_events(session, items[first:first + 500], now=T0 + timedelta(days=100),
                          source="bench")
    if with_rollups:
        folding = time.perf_counter()
        catch_up(database)
        if folds is not None:
            folds.append(time.perf_counter() - folding)
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--intake", type=int, default=20_000, help="events per intake run")
    parser.add_argument("--rounds", type=int, default=4,
                        help="intake runs of each kind (alternating order)")
    parser.add_argument("--keep", type=Path, help="build the database here and keep it")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="trellis-analytics-bench-"))
    path = args.keep or folder / "bench.db"
    database = open_database(f"sqlite:///{path}")
    started = time.perf_counter()
    rows = build(database, args.scale)
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    catch_up(database)
    catch_up_s = time.perf_counter() - started
    since = T0 + timedelta(days=60)
    settings = AnalyticsSettings()
    with database.session() as session:
        report_ms = median_ms(lambda: journey_report(session, 1, "Journey 01"))
        dashboard_ms = median_ms(lambda: dashboard_totals(session, since, None))
        canvas_ms = median_ms(lambda: canvas_figures(session, 1))
        report_plain_ms = once_ms(lambda: raw_report(session, 1, settings))
        bound = {"since": ts(since), "j": 1}
        dashboard_plain_ms = once_ms(lambda: (session.execute(text(PLAIN_DASHBOARD), bound).all(),
                                              session.execute(text(PLAIN_SENT), bound).all()))
        canvas_plain_ms = once_ms(lambda: (session.execute(text(PLAIN_CANVAS_STEPS), bound).all(),
                                           session.execute(text(PLAIN_CANVAS_EMAILS), bound).all()))
        gui = gui_reads(session, settings)
    # intake without and with the catch-up in the order A B B A A B …, the mean of each
    without, with_, folds = [], [], []
    for round_ in range(args.rounds):
        for rollups in ((False, True) if round_ % 2 == 0 else (True, False)):
            if rollups:
                with_.append(intake_rate(database, args.intake, 200 + round_, True, folds))
            else:
                without.append(intake_rate(database, args.intake, 100 + round_, False))
                catch_up(database)  # fold those too, so a "with" run folds only its own
    database.dispose()
    print(json.dumps({
        "scale": args.scale, "rows": rows, "build_s": round(build_s, 1),
        "catch_up_s": round(catch_up_s, 1),
        "journey_report_ms": report_ms, "journey_report_plain_ms": report_plain_ms,
        "home_dashboard_ms": dashboard_ms, "home_dashboard_plain_ms": dashboard_plain_ms,
        "canvas_overlay_ms": canvas_ms, "canvas_overlay_plain_ms": canvas_plain_ms,
        **gui,
        "intake_events_per_s": round(statistics.mean(without)),
        "intake_with_rollups_events_per_s": round(statistics.mean(with_)),
        "intake_ratio_with_rollups": round(statistics.mean(with_) / statistics.mean(without), 3),
        "intake_fold_ms": round(statistics.median(folds) * 1000, 1),
    }))


if __name__ == "__main__":
    main()
