"""The same figures as the rollups, by straightforward queries over the raw tables.

For checking the rollups (tests) and as the plain-SQL side of the benchmark; never used
by the app's views (it scans whole tables). SQLite only (json_extract). All time only.

Contract: `raw_report(session, journey_id, settings) -> dict` with the keys of
`engine.analytics.report.journey_report` except "from"/"to"/"journey".
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from engine.analytics.fold_events import parse_revenue
from engine.analytics.report import money, rate
from engine.analytics.settings import AnalyticsSettings

COUNTED = """
  SELECT m.id, m.idempotency_key AS key, m.contact_id, m.enrollment_id, m.journey_id,
         COALESCE(m.node_id, '') AS node_id, COALESCE(m.template_key, '') AS template,
         m.status, COALESCE(m.sent_at, m.queued_at) AS sent_time,
         COALESCE(json_extract(m.headers, '$.tracked'), 1) = 0 AS untracked
  FROM message m JOIN contact c ON c.id = m.contact_id
  WHERE c.is_test = 0 AND m.journey_id IS NOT NULL AND m.category != 'internal'
    AND m.idempotency_key NOT LIKE 'test:%' AND m.status IN ('sent', 'bounced')
"""

# a counted email (as COUNTED), tested row by row so SQLite can use the message indexes
IS_COUNTED = """m.journey_id IS NOT NULL AND m.category != 'internal'
    AND m.idempotency_key NOT LIKE 'test:%' AND m.status IN ('sent', 'bounced')
    AND (SELECT c.is_test FROM contact c WHERE c.id = m.contact_id) = 0"""


def attributed(alias: str) -> str:
    """The counted email event `alias` is about: the one it names, else the contact's
    latest counted email sent at or before it."""
    key = f"json_extract({alias}.properties, '$.message_key')"
    return f"""CASE WHEN COALESCE({key}, '') != ''
      THEN (SELECT m.id FROM message m WHERE m.idempotency_key = {key} AND {IS_COUNTED})
      ELSE (SELECT m.id FROM message m WHERE m.contact_id = {alias}.contact_id AND {IS_COUNTED}
              AND COALESCE(m.sent_at, m.queued_at) <= {alias}.occurred_at
            ORDER BY COALESCE(m.sent_at, m.queued_at) DESC, m.id DESC LIMIT 1)
    END"""


ATTRIBUTED = f"""
  SELECT e.name, {attributed('e')} AS message_id
  FROM event e JOIN contact c ON c.id = e.contact_id
  WHERE c.is_test = 0 AND e.name IN ({{names}})
"""

FLAGS = {"email_opened": "unique_opens", "email_clicked": "unique_clicks",
         "unsubscribed": "unsubscribes", "spam_complaint": "complaints"}


def _quoted(names) -> str:
    return ", ".join("'" + n.replace("'", "''") + "'" for n in names)


def _orders(session: Session, settings: AnalyticsSettings):
    """[(message id, revenue or None)] for every order credited to a counted email."""
    window = timedelta(days=settings.attribution_days)
    orders = session.execute(text(
        "SELECT e.id, e.contact_id, e.occurred_at, e.properties FROM event e "
        "JOIN contact c ON c.id = e.contact_id WHERE c.is_test = 0 AND e.name = :name"),
        {"name": settings.conversion_event}).all()
    touch_sql = text(f"""
      SELECT {attributed('t')}
      FROM event t WHERE t.contact_id = :contact AND t.name IN ('email_opened', 'email_clicked')
        AND t.occurred_at <= :at AND t.occurred_at >= :since
      ORDER BY t.occurred_at DESC, t.id DESC LIMIT 1""")
    import json
    from engine.db.models import UtcDateTime  # noqa: F401 (times below are naive UTC text)

    credited = []
    for _id, contact, at, properties in orders:
        at_value = at if isinstance(at, str) else str(at)
        from datetime import datetime
        moment = datetime.fromisoformat(at_value)
        since = (moment - window).strftime("%Y-%m-%d %H:%M:%S.%f")
        mid = session.scalar(touch_sql, {"contact": contact, "at": moment.strftime(
            "%Y-%m-%d %H:%M:%S.%f"), "since": since})
        if mid is None:
            continue
        props = json.loads(properties) if isinstance(properties, str) else (properties or {})
        credited.append((mid, parse_revenue(props.get(settings.revenue_property))))
    return credited


def raw_report(session: Session, journey_id: int, settings: AnalyticsSettings) -> dict:
    q = lambda sql, **p: session.execute(text(sql), {"j": journey_id, **p}).all()  # noqa: E731
    not_test = "JOIN contact c ON c.id = x.contact_id AND c.is_test = 0"
    entered, converted = q(f"""SELECT COUNT(*), COALESCE(SUM(x.status = 'converted'), 0)
        FROM enrollment x {not_test} WHERE x.journey_id = :j""")[0]
    waiting = dict(q(f"""SELECT x.node_id, COUNT(*) FROM enrollment x {not_test}
        WHERE x.journey_id = :j AND x.status = 'active' GROUP BY x.node_id"""))
    messages = {r.id: r for r in q(f"WITH counted AS ({COUNTED}) SELECT * FROM counted "
                                   "WHERE journey_id = :j")}
    emails: dict[tuple, dict] = {}
    for m in messages.values():
        e = emails.setdefault((m.node_id, m.template), defaultdict(int))
        e["sent"] += 1
        e["untracked"] += int(m.untracked)
    bounced = {m.id for m in messages.values() if m.status == "bounced"}
    per_flag: dict[str, set] = defaultdict(set)
    for name, mid in q(f"SELECT name, message_id FROM ({ATTRIBUTED.format(names=_quoted([*FLAGS, 'email_bounced']))})"):
        if mid in messages:
            (bounced if name == "email_bounced" else per_flag[FLAGS[name]]).add((mid))
    for mid in bounced:
        m = messages[mid]
        emails[(m.node_id, m.template)]["bounced"] += 1
    for column, mids in per_flag.items():
        for mid in mids:
            m = messages[mid]
            emails[(m.node_id, m.template)][column] += 1
    revenue, without = Decimal(0), 0
    path_revenue: dict[int, Decimal] = defaultdict(Decimal)
    for mid, amount in _orders(session, settings):
        if mid not in messages:
            continue
        m = messages[mid]
        if amount is None:
            without += 1
            continue
        revenue += amount
        emails[(m.node_id, m.template)]["revenue"] += amount
        if m.enrollment_id is not None:
            path_revenue[m.enrollment_id] += amount
    email_rows = []
    for (node, template), e in emails.items():
        delivered = e["sent"] - e["bounced"]
        email_rows.append({
            "step": node, "template": template, "sent": e["sent"], "delivered": delivered,
            "bounced": e["bounced"], "unique_opens": e["unique_opens"],
            "unique_clicks": e["unique_clicks"],
            "open_rate": rate(e["unique_opens"], delivered),
            "click_rate": rate(e["unique_clicks"], delivered),
            "click_to_open": rate(e["unique_clicks"], e["unique_opens"]),
            "unsubscribes": e["unsubscribes"], "complaints": e["complaints"],
            "revenue": money(e["revenue"]), "untracked": e["untracked"]})
    logs = f"""FROM step_log x {not_test} WHERE x.journey_id = :j AND x.enrollment_id IS NOT NULL
        AND COALESCE(x.reason, '') != 'version_migration'"""
    reached = dict(q(f"SELECT x.node_id, COUNT(DISTINCT x.enrollment_id) {logs} GROUP BY x.node_id"))
    ended = {n: (d, o) for n, d, o in q(f"""SELECT x.node_id,
        SUM(x.reason NOT IN ('goal', 'completed')), SUM(x.reason IN ('goal', 'completed'))
        {logs} AND x.kind = 'exit' GROUP BY x.node_id""")}
    steps = []
    for node, n in reached.items():
        dropped, other = ended.get(node, (0, 0))
        steps.append({"step": node, "reached": n,
                      "passed": max(0, n - waiting.get(node, 0) - dropped - other),
                      "waiting": waiting.get(node, 0), "dropped": dropped})
    paths = []
    for node, port in q(f"SELECT DISTINCT x.node_id, x.port {logs} AND x.kind = 'branch' AND x.port IS NOT NULL"):
        ids = [r[0] for r in q(f"SELECT DISTINCT x.enrollment_id {logs} AND x.kind = 'branch' "
                               "AND x.node_id = :n AND x.port = :p", n=node, p=port)]
        conv = sum(1 for i in ids if session.scalar(text(
            "SELECT status = 'converted' FROM enrollment WHERE id = :i"), {"i": i}))
        paths.append({"step": node, "port": port, "entered": len(ids), "converted": conv,
                      "conversion_rate": rate(conv, len(ids)),
                      "revenue": money(sum((path_revenue[i] for i in ids), Decimal(0)))})
    untracked = sum(e["untracked"] for e in email_rows)
    return {"entered": entered, "in_progress": sum(waiting.values()), "converted": converted,
            "conversion_rate": rate(converted, entered), "revenue": money(revenue),
            "orders_without_revenue": without, "emails": email_rows, "steps": steps,
            "paths": paths, "tracking": untracked == 0, "untracked_sent": untracked}


def raw_cohorts(session: Session, journey_id: int, settings: AnalyticsSettings) -> list[dict]:
    """As `engine.analytics.cohorts.cohort_rows`, all time, from enrollments and events."""
    import json
    from datetime import datetime

    from engine.analytics.cohorts import week_of

    def when(value) -> datetime:
        return datetime.fromisoformat(str(value)).replace(tzinfo=None)

    runs = session.execute(text("""SELECT x.id, x.contact_id, x.entered_at FROM enrollment x
        JOIN contact c ON c.id = x.contact_id AND c.is_test = 0
        WHERE x.journey_id = :j"""), {"j": journey_id}).all()
    orders: dict[int, list] = defaultdict(list)
    for contact, at, properties in session.execute(text(
            "SELECT contact_id, occurred_at, properties FROM event WHERE name = :name"),
            {"name": settings.conversion_event}):
        props = json.loads(properties) if isinstance(properties, str) else (properties or {})
        orders[contact].append((when(at), parse_revenue(props.get(settings.revenue_property))))
    weeks: dict[str, dict] = {}
    for _id, contact, entered in runs:
        entered = when(entered)
        week = weeks.setdefault(week_of(entered), defaultdict(int, revenue=Decimal(0)))
        week["entrants"] += 1
        inside = [(at, amount) for at, amount in orders.get(contact, [])
                  if timedelta(0) <= at - entered <= timedelta(days=90)]
        for _at, amount in inside:
            if amount is not None:
                week["revenue"] += amount
        if inside:
            after = min(at for at, _ in inside) - entered
            for h in (30, 60, 90):
                week[f"ordered_{h}"] += after <= timedelta(days=h)
    rows = []
    for name in sorted(weeks):
        w = weeks[name]
        rows.append({"week": name, "entrants": w["entrants"], "ordered_30": w["ordered_30"],
                     "ordered_60": w["ordered_60"], "ordered_90": w["ordered_90"],
                     "rate_30": rate(w["ordered_30"], w["entrants"]),
                     "rate_60": rate(w["ordered_60"], w["entrants"]),
                     "rate_90": rate(w["ordered_90"], w["entrants"]),
                     "revenue_per_entrant": money(w["revenue"] / w["entrants"])})
    return rows
