"""Each definition's edge (docs/analytics.md), the `report` command and `simulate --report`."""

from __future__ import annotations

import csv
import json
from datetime import timedelta

import pytest

from app.cli import main
from engine.analytics.report import has_data
from engine.analytics.settings import AnalyticsSettings, save_analytics_settings
from engine.db.models import Contact, Enrollment, Event, Message, StepLog
from engine.reports.journey_reports import reports
from tests.engine.analytics_data import T0, journeys
from tests.engine.test_simulate import CART, write_inputs

KEYS = ["journey", "from", "to", "entered", "in_progress", "converted", "conversion_rate",
        "revenue", "orders_without_revenue", "emails", "steps", "paths", "tracking",
        "untracked_sent", "experiments", "holdout"]
EMAIL_KEYS = ["step", "template", "sent", "delivered", "bounced", "unique_opens",
              "unique_clicks", "open_rate", "click_rate", "click_to_open", "unsubscribes",
              "complaints", "revenue", "untracked"]


class Shop:
    """Contacts, enrollments, sent emails and events written straight into the tables."""

    def __init__(self, db, journey_count: int = 2):
        self.db = db
        with db.session() as session:
            self.journeys = journeys(session, journey_count)
        self.n = 0

    def contact(self, email: str, *, test: bool = False) -> int:
        with self.db.session() as session:
            c = Contact(email=email, created_at=T0, updated_at=T0, is_test=test)
            session.add(c)
            session.flush()
            return c.id

    def enroll(self, contact: int, journey: int = 1, at=T0) -> int:
        with self.db.session() as session:
            e = Enrollment(contact_id=contact, journey_id=journey, version_id=journey,
                           active_journey_id=journey, node_id="w", entered_at=at)
            session.add(e)
            session.flush()
            session.add(StepLog(enrollment_id=e.id, contact_id=contact, journey_id=journey,
                                version_id=journey, node_id="t", kind="enter", at=at))
            return e.id

    def send(self, contact: int, enrollment: int, node: str, at, journey: int = 1,
             status: str = "sent", tracked: bool | None = None) -> str:
        self.n += 1
        key = f"{enrollment}:{node}:{self.n}"
        with self.db.session() as session:
            session.add(Message(idempotency_key=key, contact_id=contact, enrollment_id=enrollment,
                                journey_id=journey, node_id=node, template_key=f"tpl-{node}",
                                to_address="x@example.com", status=status, queued_at=at,
                                sent_at=at,
                                headers={} if tracked is None else {"tracked": tracked}))
            session.add(StepLog(enrollment_id=enrollment, contact_id=contact, journey_id=journey,
                                version_id=journey, node_id=node, kind="email", at=at))
        return key

    def event(self, contact: int, name: str, at, **properties) -> None:
        with self.db.session() as session:
            session.add(Event(contact_id=contact, name=name, properties=properties,
                              occurred_at=at, received_at=at))

    def report(self, journey: str = "journey 0", **period) -> dict:
        return reports(self.db, journey, **period)[0]


def email(report: dict, step: str) -> dict:
    return next(e for e in report["emails"] if e["step"] == step)


def test_click_without_open_and_event_without_message_key(db):
    shop = Shop(db)
    ana = shop.contact("ana@example.com")
    run = shop.enroll(ana)
    first = shop.send(ana, run, "e1", T0 + timedelta(hours=1))
    shop.send(ana, run, "e2", T0 + timedelta(days=1))
    shop.event(ana, "email_clicked", T0 + timedelta(hours=2), message_key=first)
    # imported, no message_key: counts for the latest email sent before it (e2)
    shop.event(ana, "email_opened", T0 + timedelta(days=2))
    shop.event(ana, "email_opened", T0 + timedelta(days=2, hours=1))  # unique: once
    report = shop.report()
    e1, e2 = email(report, "e1"), email(report, "e2")
    assert (e1["unique_opens"], e1["unique_clicks"]) == (0, 1)  # a click is not an open
    assert e1["click_to_open"] == 0.0 and e1["click_rate"] == 1.0  # no division error
    assert (e2["unique_opens"], e2["unique_clicks"], e2["open_rate"]) == (1, 0, 1.0)
    assert list(report) == KEYS and list(e1) == EMAIL_KEYS


def test_revenue_bad_values_window_and_last_touch_across_journeys(db):
    shop = Shop(db)
    ana, ben = shop.contact("ana@example.com"), shop.contact("ben@example.com")
    a1, a2 = shop.enroll(ana, 1), shop.enroll(ana, 2)
    k1 = shop.send(ana, a1, "e1", T0, journey=1)
    k2 = shop.send(ana, a2, "e2", T0 + timedelta(hours=1), journey=2)
    shop.event(ana, "email_opened", T0 + timedelta(hours=2), message_key=k1)
    shop.event(ana, "email_clicked", T0 + timedelta(hours=3), message_key=k2)  # last touch
    for at, revenue in ((4, 30), (5, -3), (6, "lots"), (7, "12.50")):
        shop.event(ana, "order_completed", T0 + timedelta(hours=at), revenue=revenue)
    shop.event(ana, "order_completed", T0 + timedelta(hours=8))  # no revenue at all
    # Ben opened 6 days before ordering: outside the 5-day window, credited to nobody
    b1 = shop.enroll(ben, 1)
    kb = shop.send(ben, b1, "e1", T0, journey=1)
    shop.event(ben, "email_opened", T0 + timedelta(hours=1), message_key=kb)
    shop.event(ben, "order_completed", T0 + timedelta(days=6, hours=1), revenue=100)
    first, second = shop.report("journey 0"), shop.report("journey 1")
    assert (first["revenue"], first["orders_without_revenue"]) == (0.0, 0)
    assert (second["revenue"], second["orders_without_revenue"]) == (42.5, 3)
    assert email(second, "e2")["revenue"] == 42.5

    # a longer window (a setting) credits Ben's order; already-folded orders stay as they were
    with db.session() as session:
        save_analytics_settings(session, AnalyticsSettings(attribution_days=10))
    shop.event(ben, "order_completed", T0 + timedelta(days=6, hours=2), revenue=7)
    assert shop.report("journey 0")["revenue"] == 7.0


def test_test_contacts_and_test_sends_are_left_out(db):
    shop = Shop(db)
    ana, tess = shop.contact("ana@example.com"), shop.contact("tess@example.com", test=True)
    for who in (ana, tess):
        run = shop.enroll(who)
        key = shop.send(who, run, "e1", T0)
        shop.event(who, "email_opened", T0 + timedelta(hours=1), message_key=key)
        shop.event(who, "order_completed", T0 + timedelta(hours=2), revenue=10)
    shop.event(ana, "email_clicked", T0 + timedelta(hours=3), message_key="test:abc")
    report = shop.report()
    assert report["entered"] == 1 and report["in_progress"] == 1 and report["revenue"] == 10.0
    e1 = email(report, "e1")
    assert (e1["sent"], e1["unique_opens"], e1["unique_clicks"]) == (1, 1, 0)
    assert report["steps"][0] == {"step": "t", "reached": 1, "passed": 1, "waiting": 0,
                                  "dropped": 0}


def test_empty_period_gives_zeros_and_no_data(db, capsys):
    shop = Shop(db)
    ana = shop.contact("ana@example.com")
    shop.send(ana, shop.enroll(ana), "e1", T0)
    later = T0 + timedelta(days=30)
    report = shop.report(start=later, end=later + timedelta(days=7))
    assert (report["entered"], report["converted"], report["conversion_rate"],
            report["revenue"], report["emails"], report["paths"]) == (0, 0, 0.0, 0.0, [], [])
    assert report["from"] == later.isoformat()
    assert shop.report(start=T0, end=T0)["entered"] == 1
    with pytest.raises(ValueError, match="before it starts"):
        reports(db, None, later, T0)


def test_report_command(db, db_url, tmp_path, capsys):
    shop = Shop(db)
    ana = shop.contact("ana@example.com")
    shop.send(ana, shop.enroll(ana), "e1", T0)
    assert main(["--db", db_url, "report", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["journey"] for line in lines] == ["journey 0", "journey 1"]
    assert lines[0]["emails"][0]["sent"] == 1 and lines[1]["entered"] == 0
    out = tmp_path / "r.csv"
    assert main(["--db", db_url, "report", "journey 1", "--csv", str(out)]) == 0
    assert "journey 1: no data yet" in capsys.readouterr().out
    rows = list(csv.reader(out.open()))
    assert rows[0] == ["journey", "section", "step", "template", "port", "figure", "value"]
    assert ["journey 1", "journey", "", "", "", "entered", "0"] in rows
    shop.event(ana, "order_completed", T0 + timedelta(days=40), revenue=25)
    assert main(["--db", db_url, "report", "journey 0", "--json", "--cohorts"]) == 0
    cohorts = json.loads(capsys.readouterr().out)["cohorts"]
    assert cohorts == [{"week": "2026-03-02", "entrants": 1, "ordered_30": 0, "ordered_60": 1,
                        "ordered_90": 1, "rate_30": 0.0, "rate_60": 1.0, "rate_90": 1.0,
                        "revenue_per_entrant": 25.0}]
    assert main(["--db", db_url, "report", "--from", "2026-03-09", "--to", "2026-03-01"]) == 2
    assert main(["--db", db_url, "report", "--from", "yesterday"]) == 2
    assert main(["--db", db_url, "report", "--from", "2026-03-01T10:00"]) == 2
    assert main(["--db", db_url, "report", "nope"]) == 1
    err = capsys.readouterr().err
    assert "--to 2026-03-01 is before --from" in err and "'yesterday'" in err


def test_simulate_report(tmp_path, capsys):
    contacts, events = write_inputs(tmp_path)
    with events.open("a") as out:
        for line in (
            {"at": "2026-03-02T15:00:00Z", "contact": "ana@example.com", "name": "email_opened"},
            {"at": "2026-03-03T15:00:00Z", "contact": "ana@example.com", "name": "email_clicked"},
            {"at": "2026-03-04T10:00:00Z", "contact": "ana@example.com",
             "name": "order_completed", "properties": {"revenue": 30}},
        ):
            out.write(json.dumps(line) + "\n")
    code = main(["simulate", str(CART), "--contacts", str(contacts), "--events", str(events),
                 "--start", "2026-03-02T09:00Z", "--until", "5d", "--json", "--report"])
    assert code == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    report = lines[-1]
    assert report["report"] is True and not any(l.get("report") for l in lines[:-1])
    assert (report["entered"], report["converted"], report["conversion_rate"]) == (2, 1, 0.5)
    emails = {e["step"]: e for e in report["emails"]}
    # queued in the outbox counts as sent and delivered; the open (no message_key) is the
    # reminder's, the click the discount's, and the order goes to the last touch
    assert (emails["reminder"]["sent"], emails["reminder"]["delivered"],
            emails["reminder"]["unique_opens"]) == (1, 1, 1)
    assert (emails["discount"]["unique_clicks"], emails["discount"]["revenue"]) == (1, 30.0)
    assert report["revenue"] == 30.0
    assert {(p["step"], p["port"]): p["revenue"] for p in report["paths"]} == {
        ("wait", "timeout"): 30.0}
    assert has_data(report)
