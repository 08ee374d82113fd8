"""Simulation: run journeys for scripted contacts and events on a virtual clock.

Contract (the `simulate` command's, kept stable for others to build on):
- Everything happens in a throw-away SQLite database in a temporary folder: the contacts
  CSV (the `contacts import` format), the optional products CSV, the journeys (published
  at `start`, so cross-journey guards apply) and the events. Nothing is sent; no network.
- Events dated before `start` are history: stored as already processed, they count for
  "N times within D", inactivity and recommendations, but trigger nothing.
- The clock jumps from one moment that matters to the next (an event, a due step, a
  periodic scan when a scanned trigger is live) until `until`; the engine is the real one.
- `overrides` replace the app settings (frequency cap, quiet hours — these also override
  the journeys' own quiet hours — and the default timezone).
- The result is the timeline: one dict per logged step, ordered by time, with `at`,
  `contact`, `node`, `kind` and the fields of its kind (see docs/simulate.md). With
  `report=True` it is followed by one journey report per journey (the `report --json`
  object with `"report": true`, docs/analytics.md) for the simulated run, in which every
  email put in the outbox counts as sent and delivered.
Bad inputs raise `InputError` naming the file and line; nothing is simulated then.

`simulate(setup)` reads its inputs from files (the command); `run_scenario(scenario)` takes
them in memory (documents, contact dicts, parsed events — the app's walk-through), and can
also enroll contacts by hand, use given app settings, add events as the run unfolds
(`react`), include each email's HTML, report progress and be cancelled (`Cancelled`). Both
run the same loop on the same engine.
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from sqlalchemy import select, update

from engine.catalog.products_csv import import_products_csv
from engine.clock import VirtualClock
from engine.contacts.csv_import import import_contacts_csv
from engine.contacts.report import read_text
from engine.db import open_database
from engine.db.database import Database
from engine.db.models import Contact, Event, Message, StepLog
from engine.journey.data import JourneyData, QuietHours
from engine.errors import InputError, TrellisError
from engine.files import strict_json
from engine.intake.events import EventInput, parse_event, record_contact_upsert, record_events
from engine.journey.file_format import read_journey_file
from engine.journey.store import save_draft
from engine.runtime.engine import SCAN_INTERVAL, Engine
from engine.runtime.publish import PublishRefused
from engine.nodes import TriggerMatch, spec_of
from engine.runtime.scans import scanned
from engine.runtime.services import UNSET, EngineServices
from engine.settings import AppSettings, FrequencyCap, load_settings, save_settings

#: `react(database, now)`: events to add once the engine has ticked at `now` (at >= now)
React = Callable[[Database, datetime], list[EventInput]]


class Cancelled(TrellisError):
    """The caller's `cancelled()` said stop; nothing of the run is returned."""


@dataclass(kw_only=True)
class SimulationOptions:
    """What every simulation takes, whatever its inputs come from."""

    start: datetime
    until: datetime
    frequency_cap: FrequencyCap | None = UNSET
    quiet_hours: QuietHours | None = UNSET
    default_timezone: str | None = None
    #: show times in this zone (default UTC)
    display_zone: Any = timezone.utc
    lint_template: Any = None


@dataclass(kw_only=True)
class SimulationSetup(SimulationOptions):
    """The `simulate` command's inputs: files."""

    journeys: list[Path]
    contacts: Path
    events: Path | None
    products: Path | None = None
    messages: list[str] = field(default_factory=list)
    #: follow the timeline with each journey's report (docs/analytics.md)
    report: bool = False


@dataclass(kw_only=True)
class Scenario(SimulationOptions):
    """In-memory inputs: what the app's walk-through builds."""

    documents: list[JourneyData]
    #: `record_contact_upsert` dicts: {"email", "first_name", "timezone", "attributes", …}
    contacts: list[Mapping[str, Any]]
    events: list[EventInput] = field(default_factory=list)
    #: the app settings to simulate under (None: the defaults); overrides still apply
    settings: AppSettings | None = None
    #: (journey name, email): enrolled by hand at the start (manual triggers)
    enroll: list[tuple[str, str]] = field(default_factory=list)
    react: React | None = None
    #: add each email's rendered HTML to its timeline line (`html`)
    with_html: bool = False


def read_events(path: Path, start: datetime) -> list[EventInput]:
    items, problems = [], []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name}: line {number}"
        try:
            items.append(parse_event(strict_json.loads(line), where))
        except strict_json.JsonProblem as error:
            problems.append(f"{where}: {error.reason} (column {error.column})")
        except InputError as error:
            problems.append(str(error))
    if problems:
        raise InputError("; ".join(problems[:20]) + (f" … and {len(problems) - 20} more"
                                                     if len(problems) > 20 else ""))
    return sorted(items, key=lambda e: e.at or start)


def simulate(setup: SimulationSetup) -> list[dict[str, Any]]:
    with _scratch_database() as database:
        start = setup.start
        report = import_contacts_csv(database, setup.contacts, now=start, strict=True)
        if report.rejected:
            raise InputError("; ".join(str(r) for r in report.rejected[:10]), str(setup.contacts))
        if setup.products:
            products = import_products_csv(database, setup.products, now=start)
            if products.rejected:
                raise InputError("; ".join(str(r) for r in products.rejected[:10]),
                                 str(setup.products))
        events = read_events(setup.events, start) if setup.events else []
        documents = [_read_journey(path, setup.lint_template) for path in setup.journeys]
        timeline = list(_run(database, setup, documents, events,
                             sources=[str(path) for path in setup.journeys]))
        if setup.report:
            from engine.reports.journey_reports import reports

            timeline += [{**report, "report": True} for report in reports(
                database, start=setup.start, end=setup.until, simulated=True)]
        return timeline


def run_scenario(scenario: Scenario, *, progress: Callable[[float], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> list[dict[str, Any]]:
    """Simulate `scenario`; `progress(fraction of the time span)`, `cancelled() -> bool`."""
    with _scratch_database() as database:
        with database.session() as session:
            if scenario.settings is not None:
                save_settings(session, scenario.settings)
            for contact in scenario.contacts:
                record_contact_upsert(session, contact, now=scenario.start, source="simulation")
        events = sorted(scenario.events, key=lambda e: e.at or scenario.start)
        return list(_run(database, scenario, scenario.documents, events,
                         enroll=scenario.enroll, react=scenario.react,
                         with_html=scenario.with_html, progress=progress, cancelled=cancelled))


@contextmanager
def _scratch_database() -> Iterator[Database]:
    folder = Path(tempfile.mkdtemp(prefix="trellis-simulate-"))
    database = open_database(f"sqlite:///{folder / 'simulation.db'}")
    try:
        yield database
    finally:
        database.dispose()
        shutil.rmtree(folder, ignore_errors=True)


def _read_journey(path: Path, lint_template) -> JourneyData:
    result = read_journey_file(path, lint_template=lint_template)
    errors = [p for p in result.problems if p.severity == "error"]
    if errors or result.document is None:
        raise InputError("; ".join(str(p) for p in errors[:10]), str(path))
    return result.document


def _publish_all(engine: Engine, documents: list[JourneyData], sources: list[str],
                 options: SimulationOptions, now: datetime) -> None:
    """Store every draft first, then publish: `sources` name each document in errors."""
    for document, source in zip(documents, sources, strict=True):
        with engine.database.session() as session:
            try:
                save_draft(session, document, now=now)
            except ValueError as error:
                raise InputError(str(error), source) from None
    for document in documents:
        try:
            engine.publish(document.name, lint_template=options.lint_template)
        except PublishRefused as refused:
            raise InputError(str(refused), document.name) from None


def _run(database: Database, options: SimulationOptions, documents: list[JourneyData],
         events: list[EventInput], *, sources: list[str] | None = None,
         enroll: list[tuple[str, str]] = (),
         react: React | None = None, with_html: bool = False,
         progress: Callable[[float], None] | None = None,
         cancelled: Callable[[], bool] | None = None) -> Iterator[dict[str, Any]]:
    start = options.start
    with database.session() as session:
        settings = load_settings(session)
        changes = {}
        if options.frequency_cap is not UNSET:
            changes["frequency_cap"] = options.frequency_cap
        if options.quiet_hours is not UNSET:
            changes["quiet_hours"] = options.quiet_hours
        if options.default_timezone:
            changes["default_timezone"] = options.default_timezone
        save_settings(session, settings.model_copy(update=changes))

    clock = VirtualClock(start)
    services = EngineServices(quiet_hours_override=options.quiet_hours,
                              frequency_cap_override=options.frequency_cap)
    engine = Engine(database, clock, services=services, scan_interval=_scan_interval(documents),
                    simulated=True)
    _publish_all(engine, documents, sources or [d.name for d in documents], options, start)
    for journey, email in enroll:
        engine.enroll(journey, [email])

    history = [e for e in events if e.at is not None and e.at < start]
    future = [e for e in events if e.at is None or e.at >= start]
    if history:
        with database.session() as session:
            ids = record_events(session, history, now=start, source="history")
            session.execute(update(Event).where(Event.id.in_(ids)).values(processed_at=start))
    scanning = _uses_scans(engine)
    span = (options.until - start).total_seconds() or 1.0
    engine.tick()
    index = 0
    while True:
        if cancelled is not None and cancelled():
            raise Cancelled("the simulation was cancelled")
        if react is not None:
            # Events that depend on what just happened ("an hour after the first email").
            added = react(database, clock.now())
            if added:
                future[index:] = sorted(future[index:] + added, key=lambda e: e.at or start)
        if progress is not None:
            progress(min(1.0, (clock.now() - start).total_seconds() / span))
        candidates = []
        if index < len(future):
            candidates.append(max(future[index].at or start, clock.now()))
        due = engine.next_due()
        if due is not None:
            candidates.append(max(due, clock.now()))
        if scanning:
            candidates.append(clock.now() + engine.scan_interval)
        moment = min(candidates) if candidates else None
        if moment is None or moment > options.until:
            break
        if moment > clock.now():
            clock.set(moment)
        arriving = []
        while index < len(future) and (future[index].at or start) <= moment:
            arriving.append(future[index])
            index += 1
        if arriving:
            with database.session() as session:
                record_events(session, arriving, now=moment, source="simulation")
        engine.tick()
    yield from _timeline(database, options.display_zone, with_html)


def _scan_interval(documents) -> timedelta:
    """Date and inactivity triggers are enrolled due at their exact moment whatever the
    scan interval; only segment entry is as precise as the scan, so it keeps the app's."""
    segments = any((spec := spec_of(node.type)) is not None and spec.match is TriggerMatch.SEGMENT
                   for document in documents for node in document.nodes)
    return SCAN_INTERVAL if segments else timedelta(hours=1)


def _uses_scans(engine: Engine) -> bool:
    with engine.database.session() as session:
        return any(scanned(j) for j in engine.cache.live(session))


def _timeline(database, zone, with_html: bool = False) -> Iterator[dict[str, Any]]:
    with database.session() as session:
        emails = {cid: email for cid, email in session.execute(select(Contact.id, Contact.email))}
        messages = {m.idempotency_key: m for m in session.scalars(select(Message))}
        for log in session.scalars(select(StepLog).order_by(StepLog.at, StepLog.id)):
            line: dict[str, Any] = {
                "at": log.at.astimezone(zone).isoformat(),
                "contact": emails.get(log.contact_id),
                "node": log.node_id,
                "kind": log.kind,
            }
            detail = dict(log.detail or {})
            if log.kind == "email":
                message = messages.get(detail.get("message_key"))
                line |= {"to": message.to_address if message else None,
                         "subject": detail.get("subject"),
                         "text": message.text if message else "",
                         "template": detail.get("template"),
                         "status": detail.get("status")}
                if detail.get("error"):
                    line["error"] = detail["error"]
                if with_html:
                    line["html"] = message.html if message else ""
            elif log.kind == "action":
                line |= detail
            elif log.kind == "branch":
                line["port"] = log.port
            elif log.kind in ("hold", "skip", "exit"):
                line["reason"] = log.reason
                line |= {k: v for k, v in detail.items() if k != "reason"}
            elif log.kind == "wait":
                line |= detail
            elif log.kind == "enter" and log.reason:
                line["reason"] = log.reason
            yield line


def parse_until(text: str, start: datetime) -> datetime:
    """An ISO 8601 time with an offset, or a duration after `start` ("7d", "2 weeks")."""
    from pydantic import ValidationError

    from engine.nodes.common import Duration

    try:
        return start + Duration.model_validate(text).to_timedelta()
    except ValidationError:
        pass
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"--until {text!r} is neither an ISO 8601 time nor a duration such as 7d")
    if when.tzinfo is None:
        raise InputError(f"--until {text!r} has no timezone: add Z or an offset like +01:00")
    return when.astimezone(timezone.utc)


def parse_start(text: str) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"--start {text!r} is not an ISO 8601 time such as 2026-03-02T09:00Z")
    if when.tzinfo is None:
        raise InputError(f"--start {text!r} has no timezone: add Z or an offset like +01:00")
    return when.astimezone(timezone.utc)
