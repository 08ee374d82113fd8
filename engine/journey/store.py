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


@dataclass(frozen=True, slots=True)
class JourneySummary:
    """One journey as the lists show it: the CLI's `journeys list`, the app's journeys page
    and its CSV export (widgets/journeys_page.py, widgets/journeys_csv.py).

    `list_journeys` fills the first six fields. The last five (30-day figures, spike
    warnings, currency) stay at their defaults unless `engine.analytics.list_figures.
    with_figures` fills them in from the analytics rollups.
    """

    id: int
    name: str
    status: str
    #: number of the published version that is live, None for a journey never published
    live_version: int | None
    #: enrollments whose status is 'active' (running or waiting)
    active_contacts: int
    updated_at: datetime
    #: the last 30 days (engine.analytics.list_figures): entered, conversion rate, revenue
    entered_30: int = 0
    conversion_rate_30: float = 0.0
    revenue_30: float = 0.0
    #: spike warnings (engine.analytics.spikes), in words
    warnings: tuple[str, ...] = ()
    currency: str = "USD"


def list_journeys(session: Session, *, archived: bool | None = None,
                  recently_edited_first: bool = False) -> list[JourneySummary]:
    """Journeys with their live version and active enrollments, without figures.

    `archived`: None every journey, False all but the archived ones, True only those.
    Ordered by name, or with `recently_edited_first` most recently edited first (ties:
    the newest journey first). Reads columns only, never the stored drafts.
    """
    # counted per journey from the (journey, status) index: its active enrollments only,
    # where one count grouped by journey read every enrollment ever made
    active = (
        select(func.count())
        .where(Enrollment.journey_id == JourneyRow.id, Enrollment.status == EnrollmentStatus.ACTIVE)
        .scalar_subquery()
    )
    query = (
        select(
            JourneyRow.id,
            JourneyRow.name,
            JourneyRow.status,
            JourneyVersion.number,
            active,
            JourneyRow.updated_at,
        )
        .outerjoin(JourneyVersion, JourneyVersion.id == JourneyRow.live_version_id)
    )
    if archived is not None:
        query = query.where((JourneyRow.status == JourneyStatus.ARCHIVED) if archived
                            else (JourneyRow.status != JourneyStatus.ARCHIVED))
    if recently_edited_first:
        query = query.order_by(JourneyRow.updated_at.desc(), JourneyRow.id.desc())
    else:
        query = query.order_by(JourneyRow.name)
    return [JourneySummary(*row) for row in session.execute(query).all()]
