"""Read-only queries behind the app's list pages (journeys, contacts, templates, settings).

Contract: pure functions of an SQLAlchemy `Session` (plus plain arguments) that return
frozen dataclasses; they never write and never touch Qt, so they run in tests without a
GUI and could run off the GUI thread later. Contacts are paged by keyset (newest first by
when they joined, `after` = the last row already shown), which stays fast at 100,000 rows
where OFFSET would not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import ColumnElement, func, or_, select, tuple_
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from engine.db.models import (
    Contact,
    Enrollment,
    EnrollmentStatus,
    JourneyRow,
    JourneyStatus,
    JourneyVersion,
    Template,
)

CONTACT_PAGE_SIZE = 200


@dataclass(frozen=True, slots=True)
class JourneySummary:
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


@dataclass(frozen=True, slots=True)
class ContactSummary:
    id: int
    email: str
    name: str
    status: str
    lead_score: int
    country: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TemplateSummary:
    id: int
    key: str
    name: str
    subject: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class DatabaseLocation:
    #: the URL with any password hidden, safe to show and copy
    display_url: str
    #: "SQLite", "PostgreSQL", …
    backend: str
    #: the database file for SQLite, None for servers and in-memory databases
    path: Path | None


def list_journeys(session: Session, archived: bool = False,
                  today: date | None = None) -> list[JourneySummary]:
    """Every journey except archived ones (with `archived`: only those), most recently
    edited first, with its figures of the 30 days ending `today` (default: today, UTC)
    and its spike warnings, read from the analytics rollups."""
    from engine.analytics.list_figures import ListFigures, list_figures
    from engine.analytics.results import shop_currency
    from engine.analytics.spikes import spike_warnings

    active = (
        select(Enrollment.journey_id, func.count().label("n"))
        .where(Enrollment.status == EnrollmentStatus.ACTIVE)
        .group_by(Enrollment.journey_id)
        .subquery()
    )
    rows = session.execute(
        select(
            JourneyRow.id,
            JourneyRow.name,
            JourneyRow.status,
            JourneyVersion.number,
            func.coalesce(active.c.n, 0),
            JourneyRow.updated_at,
        )
        .outerjoin(JourneyVersion, JourneyVersion.id == JourneyRow.live_version_id)
        .outerjoin(active, active.c.journey_id == JourneyRow.id)
        .where((JourneyRow.status == JourneyStatus.ARCHIVED) if archived
               else (JourneyRow.status != JourneyStatus.ARCHIVED))
        .order_by(JourneyRow.updated_at.desc(), JourneyRow.id.desc())
    ).all()
    figures = list_figures(session, today or datetime.now(timezone.utc).date())
    spikes = spike_warnings(session, [row[0] for row in rows])
    currency = shop_currency(session)
    found = []
    for row in rows:
        f = figures.get(row[0], ListFigures())
        found.append(JourneySummary(*row, f.entered, f.conversion_rate, f.revenue,
                                    tuple(s.words() for s in spikes.get(row[0], [])), currency))
    return found


def _contact_filter(search: str) -> ColumnElement[bool] | None:
    """Case-insensitive substring match on email, first, last and full name."""
    text = search.strip()
    if not text:
        return None
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    full_name = Contact.first_name + " " + Contact.last_name
    return or_(
        *(
            column.ilike(pattern, escape="\\")
            for column in (Contact.email, Contact.first_name, Contact.last_name, full_name)
        )
    )


def count_contacts(session: Session, search: str = "") -> int:
    """How many contacts match `search` (all contacts for an empty search)."""
    statement = select(func.count()).select_from(Contact)
    condition = _contact_filter(search)
    if condition is not None:
        statement = statement.where(condition)
    return session.execute(statement).scalar_one()


def fetch_contacts(
    session: Session,
    search: str = "",
    *,
    after: ContactSummary | None = None,
    limit: int = CONTACT_PAGE_SIZE,
) -> list[ContactSummary]:
    """Up to `limit` contacts matching `search`, newest first (by when they joined, then
    id), after the contact `after` (the last row of the page before)."""
    statement = select(
        Contact.id,
        Contact.email,
        Contact.first_name,
        Contact.last_name,
        Contact.status,
        Contact.lead_score,
        Contact.country,
        Contact.created_at,
    )
    condition = _contact_filter(search)
    if condition is not None:
        statement = statement.where(condition)
    if after is not None:
        statement = statement.where(
            tuple_(Contact.created_at, Contact.id) < tuple_(after.created_at, after.id))
    newest_first = (Contact.created_at.desc(), Contact.id.desc())
    rows = session.execute(statement.order_by(*newest_first).limit(limit))
    return [
        ContactSummary(
            id=row.id,
            email=row.email,
            name=f"{row.first_name} {row.last_name}".strip(),
            status=row.status,
            lead_score=row.lead_score,
            country=row.country,
            created_at=row.created_at,
        )
        for row in rows
    ]


def list_templates(session: Session) -> list[TemplateSummary]:
    """Every template, alphabetically by name (how marketers look one up)."""
    rows = session.execute(
        select(
            Template.id, Template.key, Template.name, Template.subject, Template.updated_at
        ).order_by(func.lower(Template.name), Template.id)
    )
    return [TemplateSummary(*row) for row in rows]


_BACKENDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def describe_database(url: str) -> DatabaseLocation:
    """Where the database at `url` lives, in words fit for the settings page."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    path = None
    if backend == "sqlite" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database).expanduser().resolve()
    return DatabaseLocation(
        display_url=parsed.render_as_string(hide_password=True),
        backend=_BACKENDS.get(backend, backend),
        path=path,
    )
