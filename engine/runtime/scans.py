"""Time-based entry triggers, found by scanning: inactivity, segment entry, date fields.

Contract: `run_scans(database, now, cache, lookahead)` enrolls contacts into live journeys
whose trigger is one of these, and returns how many it enrolled. Date occurrences are
found up to `now + lookahead` (the next scan) and enrolled due AT the occurrence, so the
journey starts on time whatever the scan interval. The horizon already covered is kept
in the `setting` table (`scan_clock`), so a restart neither repeats nor misses a date
trigger: each occurrence fires once.
- inactive for N days: no activity (events, opens, clicks) for N days, once per spell of
  inactivity (a contact who becomes active again can qualify again); enrolled due at the
  moment the N days are up;
- saved segments are refreshed (engine/segments/refresh.py), which stores their
  `segment_entered` / `segment_exited` events for the event matching to pick up; a
  trigger on a saved segment enters on those events;
- entered a segment (rules of its own): contacts who match the rules now and did not at the previous scan
  (the first scan of a version records who already matches; they do not enter);
- date field: the contact attribute (`YYYY-MM-DD`, or an ISO date-time) plus the offset,
  at the time of day in the contact's timezone, every year (whatever the re-entry rule)
  or once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.db.database import Database
from engine.db.models import Contact, ContactStatus, Enrollment, Setting
from engine.nodes.common import parse_time_of_day
from engine.runtime.batch import Batch
from engine.conditions.facts import CONTACT_COLUMNS
from engine.journey.compiled import CompiledJourney, VersionCache
from engine.conditions.evaluate import condition_holds, contact_field
from engine.nodes import TriggerMatch
from engine.runtime.enroll import enroll
from engine.runtime.entry import EntryGate
from engine.runtime.guards import contact_zone
from engine.segments.refresh import refresh_due_segments
from engine.runtime.schedule import at_local
from engine.settings import load_settings

CLOCK_KEY = "scan_clock"


def scanned(journey: CompiledJourney) -> bool:
    """Is this version's trigger entered by the scan (its spec's match kind says so)?"""
    match = journey.trigger.spec.match
    return match is not None and match.scanned


def run_scans(database: Database, now: datetime, cache: VersionCache,
              lookahead: timedelta = timedelta(minutes=5)) -> int:
    enrolled = 0
    horizon = now + lookahead
    with database.session() as session:
        clock = session.get(Setting, CLOCK_KEY)
        previous = datetime.fromisoformat(clock.value) if clock else now - timedelta(days=1)
        refresh_due_segments(session, now)  # emits segment_entered / segment_exited events
        live = [j for j in cache.live(session) if scanned(j)]
        if live:
            batch = Batch(session, now, load_settings(session))
            gate = EntryGate(session, cache, now, batch)
            # canaries too: each scans with its own trigger for the contacts it takes
            for journey in gate.entry_versions(live):
                match = journey.trigger.spec.match
                if not scanned(journey) or getattr(journey.trigger.config, "segment", ""):
                    continue  # a saved segment's trigger enters by its segment_entered event
                if match is TriggerMatch.INACTIVITY:
                    enrolled += _scan_inactive(session, journey, now, horizon, gate)
                elif match is TriggerMatch.SEGMENT:
                    enrolled += _scan_segment(session, batch, journey, now, gate)
                else:
                    enrolled += _scan_dates(session, batch, journey, previous, horizon, now, gate)
            gate.flush()
        if clock is None:
            session.add(Setting(key=CLOCK_KEY, value=horizon.isoformat()))
        else:
            clock.value = max(horizon, previous).isoformat()
    return enrolled


def _scan_inactive(session: Session, journey: CompiledJourney, now: datetime,
                   horizon: datetime, gate: EntryGate) -> int:
    days = timedelta(days=journey.trigger.config.days)
    activity = func.coalesce(Contact.last_activity_at, Contact.created_at)
    last_entry = (select(func.max(Enrollment.entered_at))
                  .where(Enrollment.contact_id == Contact.id,
                         Enrollment.journey_id == journey.journey_id)
                  .scalar_subquery())
    rows = session.execute(
        select(Contact.id, activity).where(
            activity <= horizon - days,
            Contact.status.not_in(ContactStatus.SUPPRESSED),
            (last_entry.is_(None)) | (last_entry < activity),
        )
    ).all()
    enrolled = 0
    for contact_id, last_active in rows:
        # due the moment the contact has been inactive long enough (which may be ahead)
        when = max(last_active.replace(tzinfo=timezone.utc) + days, now)
        enrolled += bool(enroll(session, journey, contact_id, now,
                                {"event_name": "inactive"}, due_at=when, gate=gate))
    return enrolled


def _scan_segment(session: Session, batch: Batch, journey: CompiledJourney, now: datetime,
                  gate: EntryGate) -> int:
    key = f"segment:{journey.version_id}"
    state = session.get(Setting, key)
    condition = journey.trigger.config.condition
    matching = set()
    for row in session.execute(select(*CONTACT_COLUMNS)).mappings():
        contact = dict(row)
        if condition_holds(condition, contact, batch, now):
            matching.add(contact["id"])
    enrolled = 0
    if state is None:
        session.add(Setting(key=key, value=sorted(matching)))
    else:
        for cid in sorted(matching - set(state.value)):
            enrolled += bool(enroll(session, journey, cid, now, {"event_name": "segment_entered"},
                                        gate=gate))
        state.value = sorted(matching)
    return enrolled


def _parse_date(value) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _occurrence(base: date, year: int, yearly: bool, offset: int) -> date:
    if yearly:
        try:
            base = base.replace(year=year)
        except ValueError:  # 29 February in a common year: celebrate on the 28th
            base = base.replace(year=year, day=28)
    return base + timedelta(days=offset)


def _scan_dates(session: Session, batch: Batch, journey: CompiledJourney,
                previous: datetime, horizon: datetime, now: datetime, gate: EntryGate) -> int:
    config = journey.trigger.config
    at = parse_time_of_day(config.time_of_day)
    yearly = config.repeat == "yearly"
    enrolled = 0
    for row in session.execute(select(*CONTACT_COLUMNS)).mappings():
        base = _parse_date(contact_field(row, config.field))
        if base is None:
            continue
        tz = contact_zone(row, batch.settings.default_timezone)
        years = range(previous.year - 1, horizon.year + 2) if yearly else [base.year]
        for year in years:
            when = at_local(_occurrence(base, year, yearly, config.offset_days), at, tz)
            if previous < when <= horizon:
                context = {"event_name": "date", "occurrence": when.isoformat()}
                enrolled += bool(enroll(session, journey, row["id"], now, context,
                                        every_time=yearly, due_at=max(when, now), gate=gate))
                break
    return enrolled
