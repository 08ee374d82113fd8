"""Publishing, pausing and resuming journeys, and moving contacts between versions.

Contract:
- `publish()` validates the draft (errors refuse, nothing written; a saved segment the
  journey names must exist), freezes it as the next
  immutable `journey_version`, and makes it live. Contacts in flight stay on their
  version unless `move` is given: then each active enrollment on an older version moves
  to `move[node]` (or the node with the same id, if it still exists), else to `fallback`
  (a node id of the new version) or, with no fallback, exits with reason
  `version_migration`. A contact waiting at a node that exists in both keeps its timer.
- While a canary runs (engine/runtime/canary.py) `publish()` is refused: promote it or
  roll it back first. `freeze()` and `move_contacts()` are the parts a canary reuses.
- `pause()` sets enrollments' timers aside (`paused_due_at`) so nothing runs;
  `resume()` puts them back (overdue work then runs under the catch-up policy).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine.db.models import (
    Enrollment,
    EnrollmentStatus,
    JourneyRow,
    JourneyStatus,
    JourneyVersion,
    StepLog,
)
from engine.journey.data import JourneyData
from engine.errors import TrellisError
from engine.journey.model import Journey
from engine.journey.store import draft_document
from engine.journey.validation import ERROR, Problem, TemplateLinter, validate_journey
from engine.runtime.release import canary_version_id
from engine.segments.references import unknown_segment_problems


class PublishRefused(TrellisError):
    def __init__(self, problems: list[Problem]):
        errors = [p for p in problems if p.severity == ERROR]
        super().__init__(f"{len(errors)} problem(s) must be fixed before publishing: "
                         + "; ".join(str(p) for p in errors[:5]))
        self.problems = problems


def publish(
    session: Session, row: JourneyRow, *, now: datetime, lint_template: TemplateLinter | None = None,
    move: dict[str, str] | None = None, fallback: str | None = None, notes: str = "",
) -> JourneyVersion:
    refuse_while_canary(session, row)
    version, document = freeze(session, row, now=now, lint_template=lint_template,
                               fallback=fallback, notes=notes)
    row.live_version_id, row.status, row.updated_at = version.id, JourneyStatus.LIVE, now
    if move is not None:
        move_contacts(session, row, version, document, move, fallback, now)
    return version


def refuse_while_canary(session: Session, row: JourneyRow) -> None:
    """One new version at a time: a canary is promoted or rolled back before the next."""
    canary = canary_version_id(session, row.id)
    if canary is not None:
        number = session.get(JourneyVersion, canary).number
        raise TrellisError(f"version {number} of {row.name!r} is running as a canary: "
                           "promote it or roll it back before publishing again")


def freeze(session: Session, row: JourneyRow, *, now: datetime,
           lint_template: TemplateLinter | None = None, fallback: str | None = None,
           notes: str = "") -> tuple[JourneyVersion, JourneyData]:
    """Validate the draft and store it as the next version (not made live here)."""
    document = draft_document(row)
    journey = Journey.from_document(document)
    problems = validate_journey(journey, lint_template)
    problems += unknown_segment_problems(session, document)
    if any(p.severity == ERROR for p in problems):
        raise PublishRefused(problems)
    if fallback is not None and not journey.has_node(fallback):
        raise TrellisError(f"the fallback step {fallback!r} is not in the new version")
    number = (session.scalar(select(func.max(JourneyVersion.number))
                             .where(JourneyVersion.journey_id == row.id)) or 0) + 1
    version = JourneyVersion(journey_id=row.id, number=number,
                             document=document.model_dump(mode="json"), published_at=now,
                             notes=notes)
    session.add(version)
    session.flush()
    return version, document


def move_contacts(session: Session, row: JourneyRow, version: JourneyVersion,
                  document: JourneyData, move: dict[str, str], fallback: str | None,
                  now: datetime, *, only_from: int | None = None) -> None:
    """Move active contacts on other versions (or only on version id `only_from`) to
    `version`, step by step: `move[node]`, the same step id, `fallback`, else they exit."""
    new_nodes = {node.id: node for node in document.nodes}
    old_types: dict[int, dict[str, str]] = {}
    query = (select(Enrollment.id, Enrollment.contact_id, Enrollment.version_id,
                    Enrollment.node_id, Enrollment.state)
             .where(Enrollment.journey_id == row.id, Enrollment.status == EnrollmentStatus.ACTIVE,
                    Enrollment.version_id != version.id))
    if only_from is not None:
        query = query.where(Enrollment.version_id == only_from)
    enrollments = session.execute(query).all()
    for e in enrollments:
        if e.version_id not in old_types:
            old = JourneyData.model_validate(session.get(JourneyVersion, e.version_id).document)
            old_types[e.version_id] = {n.id: n.type for n in old.nodes}
        target = move.get(e.node_id) or (e.node_id if e.node_id in new_nodes else fallback)
        log = dict(enrollment_id=e.id, contact_id=e.contact_id, journey_id=row.id,
                   version_id=version.id, at=now)
        if target is None or target not in new_nodes:
            session.execute(update(Enrollment).where(Enrollment.id == e.id).values(
                status=EnrollmentStatus.EXITED, end_reason="version_migration", ended_at=now,
                due_at=None, paused_due_at=None, wait_event=None, active_journey_id=None))
            session.add(StepLog(node_id=e.node_id, kind="exit", reason="version_migration",
                                detail={"from_version": e.version_id}, **log))
            continue
        same_kind = old_types[e.version_id].get(e.node_id) == new_nodes[target].type
        values = {"version_id": version.id, "node_id": target}
        if not (same_kind and target == e.node_id):
            values |= {"state": "ready", "due_at": now, "wait_event": None}
        session.execute(update(Enrollment).where(Enrollment.id == e.id).values(**values))
        session.add(StepLog(node_id=target, kind="enter", reason="version_migration",
                            detail={"from_node": e.node_id, "from_version": e.version_id}, **log))


def pause(session: Session, row: JourneyRow, *, now: datetime) -> None:
    if row.status != JourneyStatus.LIVE:
        raise TrellisError(f"{row.name!r} is {row.status}, not live; only live journeys pause")
    row.status, row.updated_at = JourneyStatus.PAUSED, now
    session.execute(
        update(Enrollment)
        .where(Enrollment.journey_id == row.id, Enrollment.status == EnrollmentStatus.ACTIVE)
        .values(paused_due_at=Enrollment.due_at, due_at=None)
    )


def resume(session: Session, row: JourneyRow, *, now: datetime) -> None:
    if row.status != JourneyStatus.PAUSED:
        raise TrellisError(f"{row.name!r} is {row.status}, not paused")
    row.status, row.updated_at = JourneyStatus.LIVE, now
    # after a guardrail pause, timers still running were never moved: keep them
    session.execute(
        update(Enrollment)
        .where(Enrollment.journey_id == row.id, Enrollment.status == EnrollmentStatus.ACTIVE)
        .values(due_at=func.coalesce(Enrollment.paused_due_at, Enrollment.due_at),
                paused_due_at=None)
    )
    from engine.experiments.guardrails import clear  # judging starts again from now

    clear(session, row.id, now)
