"""The home dashboard's figures (engine/analytics/home.py): revenue by journey, email
totals and rates against the previous period, and list growth per day."""

from __future__ import annotations

from datetime import timedelta

from engine.analytics.catchup import catch_up
from engine.analytics.home import home_dashboard
from engine.analytics.results import period_for
from tests.engine.analytics_data import T0
from tests.engine.test_analytics_report import Shop

TODAY = T0.date() + timedelta(days=6)


def test_home_dashboard(db):
    shop = Shop(db)
    first, second = shop.journeys
    ana, ben = shop.contact("ana@example.com"), shop.contact("ben@example.com")
    shop.contact("tess@example.com", test=True)  # never counted
    a, b = shop.enroll(ana, first), shop.enroll(ben, second)
    ka = shop.send(ana, a, "e1", T0 + timedelta(hours=1), journey=first)
    shop.send(ben, b, "e1", T0 + timedelta(hours=1), journey=second)
    shop.event(ana, "email_clicked", T0 + timedelta(hours=2), message_key=ka)
    shop.event(ana, "order_completed", T0 + timedelta(hours=3), revenue=30)
    shop.event(ben, "unsubscribed", T0 + timedelta(days=1))
    shop.event(ben, "unsubscribed", T0 + timedelta(days=1, hours=1))  # one contact, once
    catch_up(db)
    with db.session() as session:
        week = home_dashboard(session, period_for("7", TODAY), TODAY)
        empty = home_dashboard(session, period_for("custom", TODAY, TODAY - timedelta(days=400),
                                                   TODAY - timedelta(days=390)), TODAY)
    kpis = {k["key"]: k for k in week["kpis"]}
    assert (kpis["revenue"]["value"], kpis["sent"]["value"]) == (30.0, 2)
    assert (kpis["unique_clicks"]["value"], kpis["unique_opens"]["value"]) == (1, 0)
    assert kpis["unsubscribe_rate"]["value"] == 0.5 and kpis["click_rate"]["value"] == 0.5
    assert kpis["joined"]["value"] == 2 and kpis["joined"]["previous"] == 0
    assert [j["journey"] for j in week["journeys"]] == ["journey 0", "journey 1"]
    assert week["journeys"][0]["revenue"] == 30.0
    by_day = {g["day"]: g for g in week["growth"]}
    assert by_day[T0.date().isoformat()]["joined"] == 2
    assert by_day[(T0 + timedelta(days=1)).date().isoformat()]["unsubscribed"] == 1
    assert week["growth"][-1]["contacts"] == 2 and len(week["growth"]) == 7
    assert week["has_data"] and not empty["has_data"]
    assert empty["kpis"][0]["value"] == 0.0
