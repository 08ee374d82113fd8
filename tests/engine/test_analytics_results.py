"""What the Results view reads (engine/analytics/results.py): periods, the daily series
with its empty days, KPIs against the previous period, the funnel of the main path."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from engine.analytics.catchup import catch_up
from engine.analytics.results import Period, main_path, period_for
from engine.db.models import JourneyRow
from engine.reports.results_view import journey_results
from tests.engine.analytics_data import T0
from tests.engine.test_analytics_report import Shop

TODAY = T0.date() + timedelta(days=3)

DRAFT = {"nodes": [{"id": "t", "title": "Signed up"}, {"id": "b", "title": "Bought?"},
                   {"id": "e1", "title": "Welcome"}, {"id": "e2", "title": "Nudge"},
                   {"id": "g", "title": "Goal"}],
         "edges": [{"source": "t", "port": "next", "target": "b"},
                   {"source": "b", "port": "yes", "target": "g"},
                   {"source": "b", "port": "no", "target": "e1"},
                   {"source": "e1", "port": "next", "target": "e2"}]}


def test_periods():
    assert period_for("7", TODAY) == Period(TODAY - timedelta(days=6), TODAY)
    assert period_for("30", TODAY).previous() == Period(TODAY - timedelta(days=59),
                                                        TODAY - timedelta(days=30))
    assert period_for("all", TODAY).previous() is None
    custom = period_for("custom", TODAY, date(2026, 3, 1), date(2026, 3, 1))
    assert custom.days == 1 and custom.words() == "2026-03-01 – 2026-03-01"
    with pytest.raises(ValueError, match="before it starts"):
        period_for("custom", TODAY, date(2026, 3, 2), date(2026, 3, 1))
    with pytest.raises(ValueError, match="unknown period"):
        period_for("week", TODAY)


def test_main_path_takes_the_busiest_port_at_each_fork():
    assert main_path(DRAFT, []) == ["t", "b", "g"]  # nobody yet: the first port wired
    busy_no = [{"step": "b", "port": "yes", "entered": 2}, {"step": "b", "port": "no",
                                                            "entered": 5}]
    assert main_path(DRAFT, busy_no) == ["t", "b", "e1", "e2"]
    looped = {**DRAFT, "edges": DRAFT["edges"] + [{"source": "e2", "port": "next",
                                                   "target": "b"}]}
    assert main_path(looped, busy_no) == ["t", "b", "e1", "e2"]  # each step once


def test_results_daily_kpis_and_empty_periods(db):
    shop = Shop(db, journey_count=1)
    with db.session() as session:
        session.get(JourneyRow, shop.journeys[0]).draft = DRAFT
    ana, ben = shop.contact("ana@example.com"), shop.contact("ben@example.com")
    a = shop.enroll(ana, at=T0)
    b = shop.enroll(ben, at=T0 + timedelta(days=2))
    key = shop.send(ana, a, "e1", T0 + timedelta(hours=1))
    shop.send(ben, b, "e1", T0 + timedelta(days=2, hours=1))
    shop.event(ana, "email_opened", T0 + timedelta(hours=2), message_key=key)
    catch_up(db)
    with db.session() as session:
        week = journey_results(session, shop.journeys[0], period_for("7", TODAY), TODAY)
        empty = journey_results(session, shop.journeys[0],
                                period_for("custom", TODAY, date(2025, 1, 1), date(2025, 1, 3)),
                                TODAY)
        everything = journey_results(session, shop.journeys[0], period_for("all", TODAY), TODAY)
    assert len(week["daily"]) == 7 and week["daily"][-1]["day"] == TODAY.isoformat()
    by_day = {d["day"]: d for d in week["daily"]}
    assert by_day[T0.date().isoformat()] | {} == {
        "day": T0.date().isoformat(), "entered": 1, "sent": 1, "opens": 1, "clicks": 0,
        "conversions": 0, "revenue": 0.0}
    kpis = {k["key"]: k for k in week["kpis"]}
    assert (kpis["entered"]["value"], kpis["entered"]["previous"]) == (2, 0)
    assert kpis["open_rate"]["value"] == 0.5
    assert week["has_data"] and week["funnel"][0] == {
        "step": "t", "title": "Signed up", "reached": 2, "dropped": 0, "drop_off": None}
    assert week["funnel"][1]["drop_off"] == 1.0  # nobody reached the branch
    assert [d["entered"] for d in empty["daily"]] == [0, 0, 0] and not empty["has_data"]
    assert everything["previous"] is None and everything["daily"][0]["day"] == T0.date().isoformat()
    assert everything["daily"][-1]["day"] == TODAY.isoformat()
