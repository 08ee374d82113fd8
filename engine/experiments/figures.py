"""An A/B test's figures, read from what the engine wrote: who took which side, and how many
of them succeeded so far.

Contract:
- `Takers` are the contacts who took a side of a test: `{contact: (variant, enrollment ids,
  first time)}`, test contacts left out, each contact counted once (the first side it took;
  assignment is sticky, so re-entries take the same one). Contacts sent down the winner's
  path after the call (`reason` "winner") are not part of the test and are left out.
- `split_takers(session, journey_id, node_id)` reads them from the split's `branch` lines;
  `email_takers(session, journey_id, node_id)` from the `email` lines of a send-email step
  with variants (`detail.variant`).
- `successes(session, takers, metric)` → `{contact: value}`: 1 for a contact who
  converted (`conversion`: an enrollment that took the side ended converted), clicked or
  opened (an `email_clicked`/`email_opened` event, at or after the first time, for an
  email of those enrollments — or naming no email, once such an email was queued); for
  `revenue`, the sum of the contact's orders (the analytics conversion event and revenue
  property) at or after the first time.
- `variant_stats(keys, takers, values, metric)` → one `VariantStats` per key in order
  (engine/experiments/stats.py: Beta posteriors for rates, normal means for revenue).
Reads take a handful of IN queries per test, never one per contact.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.analytics.fold_events import parse_revenue
from engine.analytics.settings import load_analytics_settings
from engine.db.models import Contact, Enrollment, EnrollmentStatus, Event, Message, StepLog
from engine.experiments.stats import VariantStats, mean_variants, rate_variants

Takers = dict[int, tuple[str, set[int], datetime]]
WINNER = "winner"
CHUNK = 900


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _collect(rows) -> Takers:
    takers: Takers = {}
    for contact, variant, enrollment, at in rows:
        if variant is None:
            continue
        if contact not in takers:
            takers[contact] = (variant, {enrollment}, at)
        elif takers[contact][0] == variant:
            takers[contact][1].add(enrollment)
    return takers


def _logs(journey_id: int, node_id: str, kind: str):
    return (select(StepLog.contact_id, StepLog.port, StepLog.enrollment_id, StepLog.at)
            .join(Contact, Contact.id == StepLog.contact_id)
            .where(StepLog.journey_id == journey_id, StepLog.node_id == node_id,
                   StepLog.kind == kind, Contact.is_test.is_(False),
                   (StepLog.reason.is_(None)) | (StepLog.reason != WINNER))
            .order_by(StepLog.id))


def split_takers(session: Session, journey_id: int, node_id: str) -> Takers:
    return _collect(session.execute(_logs(journey_id, node_id, "branch")).all())


def email_takers(session: Session, journey_id: int, node_id: str) -> Takers:
    query = _logs(journey_id, node_id, "email").with_only_columns(
        StepLog.contact_id, StepLog.detail, StepLog.enrollment_id, StepLog.at)
    rows = [(c, (d or {}).get("variant"), e, at) for c, d, e, at in session.execute(query)]
    return _collect(rows)


def successes(session: Session, takers: Takers, metric: str,
              node_id: str | None = None) -> dict[int, float]:
    if not takers:
        return {}
    if metric == "conversion":
        return _converted(session, takers)
    if metric in ("click", "open"):
        return _engaged(session, takers, "email_clicked" if metric == "click" else "email_opened",
                        node_id)
    if metric == "revenue":
        return _revenue(session, takers)
    raise ValueError(f"unknown metric {metric!r}")


def variant_stats(keys: Sequence[str], takers: Takers, values: dict[int, float],
                  metric: str) -> list[VariantStats]:
    if metric == "revenue":
        sums = {key: [0, 0.0, 0.0] for key in keys}
        for contact, (variant, _, _) in takers.items():
            if variant in sums:
                value = values.get(contact, 0.0)
                sums[variant][0] += 1
                sums[variant][1] += value
                sums[variant][2] += value * value
        return mean_variants([tuple(sums[key]) for key in keys])
    counts = {key: [0, 0] for key in keys}
    for contact, (variant, _, _) in takers.items():
        if variant in counts:
            counts[variant][0] += 1
            counts[variant][1] += 1 if values.get(contact) else 0
    return rate_variants([tuple(counts[key]) for key in keys])


# ---- the parts ------------------------------------------------------------------------------


def _enrollments(takers: Takers) -> dict[int, int]:
    return {enrollment: contact for contact, (_, ids, _) in takers.items() for enrollment in ids}


def _converted(session: Session, takers: Takers) -> dict[int, float]:
    owner = _enrollments(takers)
    found: dict[int, float] = {}
    for chunk in _chunks(list(owner)):
        for (enrollment,) in session.execute(select(Enrollment.id).where(
                Enrollment.id.in_(chunk), Enrollment.status == EnrollmentStatus.CONVERTED)):
            found[owner[enrollment]] = 1.0
    return found


def _engaged(session: Session, takers: Takers, event: str,
             node_id: str | None) -> dict[int, float]:
    owner = _enrollments(takers)
    keys: dict[str, int] = {}  # message key -> contact
    first_queued: dict[int, datetime] = {}
    # by the foreign key's index on message.enrollment_id (migration 0013)
    for chunk in _chunks(list(owner)):
        query = select(Message.enrollment_id, Message.idempotency_key, Message.queued_at).where(
            Message.enrollment_id.in_(chunk))
        if node_id is not None:  # an email test counts its own email only
            query = query.where(Message.node_id == node_id)
        for enrollment, key, queued in session.execute(query):
            contact = owner[enrollment]
            if queued < takers[contact][2]:
                continue
            keys[key] = contact
            if contact not in first_queued or queued < first_queued[contact]:
                first_queued[contact] = queued
    found: dict[int, float] = {}
    for chunk in _chunks(list(first_queued)):
        for contact, properties, at in session.execute(select(
                Event.contact_id, Event.properties, Event.occurred_at).where(
                Event.contact_id.in_(chunk), Event.name == event)):
            key = (properties or {}).get("message_key")
            if isinstance(key, str) and key:
                if keys.get(key) == contact:
                    found[contact] = 1.0
            elif at >= first_queued[contact]:
                found[contact] = 1.0
    return found


def _revenue(session: Session, takers: Takers) -> dict[int, float]:
    settings = load_analytics_settings(session)
    totals: dict[int, float] = defaultdict(float)
    for chunk in _chunks(list(takers)):
        for contact, properties, at in session.execute(select(
                Event.contact_id, Event.properties, Event.occurred_at).where(
                Event.contact_id.in_(chunk), Event.name == settings.conversion_event)):
            if at < takers[contact][2]:
                continue
            amount = parse_revenue((properties or {}).get(settings.revenue_property))
            if amount is not None:
                totals[contact] += float(amount)
    return dict(totals)
