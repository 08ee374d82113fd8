"""The rollups kept by the catch-up equal straightforward queries over the raw tables,
on random data folded in small chunks and in two rounds (statuses changing in between)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.analytics.catchup import catch_up
from engine.analytics.cohorts import cohort_rows
from engine.analytics.raw import raw_cohorts, raw_report
from engine.analytics.report import journey_report
from engine.analytics.settings import AnalyticsSettings
from engine.db.models import Message
from tests.engine.analytics_data import T0, Maker, journeys, populate

LATER = T0 + timedelta(days=365)


def _comparable(report: dict) -> dict:
    report = {k: v for k, v in report.items() if k not in ("journey", "from", "to")}
    for key, order in (("emails", ("step", "template")), ("steps", ("step",)),
                       ("paths", ("step", "port"))):
        report[key] = sorted(report[key], key=lambda row: tuple(row[k] for k in order))
    return report


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollups_equal_raw_queries(db, seed):
    with db.session() as session:
        ids = journeys(session, 2)
        maker = Maker(session, seed, ids)
        populate(session, maker, 0, 60)
    catch_up(db, chunk=37)
    with db.session() as session:
        # some queued emails go out later: sent, or refused by the server (bounced)
        queued = session.query(Message).filter_by(status="queued").all()
        for n, message in enumerate(queued[: len(queued) // 2]):
            message.status = "bounced" if n % 3 == 0 else "sent"
            message.sent_at = LATER  # sent now, after everything already folded
        maker = Maker(session, seed + 100, ids)
        maker.messages, maker.key = session.query(Message).all(), 100_000
        populate(session, maker, 60, 60)
    catch_up(db, chunk=41)
    settings = AnalyticsSettings()
    with db.session() as session:
        for journey_id in ids:
            rolled = journey_report(session, journey_id, "j")
            raw = raw_report(session, journey_id, settings)
            assert _comparable(rolled) == _comparable(raw)
            assert rolled["entered"] > 0 and rolled["emails"] and rolled["paths"]
            assert rolled["revenue"] > 0 and rolled["orders_without_revenue"] > 0
            cohorts = cohort_rows(session, journey_id)
            assert cohorts == raw_cohorts(session, journey_id, settings)
            assert sum(c["ordered_90"] for c in cohorts) > 0


def test_catch_up_is_idempotent(db):
    with db.session() as session:
        ids = journeys(session, 1)
        populate(session, Maker(session, 7, ids), 0, 30)
    catch_up(db)
    with db.session() as session:
        before = journey_report(session, ids[0], "j")
    assert catch_up(db).event_chunks == 0  # nothing new: nothing folded again
    with db.session() as session:
        assert journey_report(session, ids[0], "j") == before
