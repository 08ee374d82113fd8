"""Journeys in the database: drafts by name, lookups, listings.

Contract: a journey row holds its editable draft as a `.journey.json` document. Saving a
draft validates the document's shape (not its completeness: drafts may be unfinished) and
never publishes. Lookups accept a name or a numeric id and raise `LookupError` with a
sentence naming what was not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.db.models import Enrollment, EnrollmentStatus, JourneyRow, JourneyStatus, JourneyVersion
from engine.journey.data import JourneyData
from engine.journey.file_format import load_journey_data


def find_journey(session: Session, name_or_id: str | int) -> JourneyRow:
    text = str(name_or_id).strip()
    row = None
    if text.isdigit():
        row = session.get(JourneyRow, int(text))
    if row is None:
        row = session.scalar(select(JourneyRow).where(JourneyRow.name == text))
    if row is None:
        row = session.scalar(select(JourneyRow).where(func.lower(JourneyRow.name) == text.lower()))
    if row is None:
        raise LookupError(f"there is no journey named {text!r}")
    return row


def save_draft(
    session: Session, document: JourneyData, *, now: datetime, replace: bool = False
) -> JourneyRow:
    """Create the journey, or (with `replace`) overwrite the draft of the one so named."""
    row = session.scalar(select(JourneyRow).where(JourneyRow.name == document.name))
    data = document.model_dump(mode="json")
    if row is None:
        row = JourneyRow(
            name=document.name,
            description=document.description,
            status=JourneyStatus.DRAFT,
            draft=data,
            priority=document.settings.priority,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
    elif not replace:
        raise ValueError(f"a journey named {document.name!r} exists already")
    else:
        row.draft, row.description, row.updated_at = data, document.description, now
        row.priority = document.settings.priority
    session.flush()
    return row


def draft_document(row: JourneyRow) -> JourneyData:
    """The row's draft as a document (older stored formats are migrated on the way)."""
    result = load_journey_data(row.draft)
    if result.document is None:
        raise ValueError(f"the stored draft of {row.name!r} is damaged: {result.problems[0]}")
    return result.document


@dataclass(frozen=True)
class JourneySummary:
    id: int
    name: str
    status: str
    version: int | None
    active: int
    updated_at: datetime


def list_journeys(session: Session) -> list[JourneySummary]:
    active = (
        select(Enrollment.journey_id, func.count().label("n"))
        .where(Enrollment.status == EnrollmentStatus.ACTIVE)
        .group_by(Enrollment.journey_id)
        .subquery()
    )
    rows = session.execute(
        select(JourneyRow, JourneyVersion.number, func.coalesce(active.c.n, 0))
        .outerjoin(JourneyVersion, JourneyVersion.id == JourneyRow.live_version_id)
        .outerjoin(active, active.c.journey_id == JourneyRow.id)
        .order_by(JourneyRow.name)
    ).all()
    return [
        JourneySummary(row.id, row.name, row.status, number, count, row.updated_at)
        for row, number, count in rows
    ]
