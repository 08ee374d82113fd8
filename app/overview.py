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
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, func, or_, select, tuple_
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from engine.db.models import Contact, Template

if TYPE_CHECKING:
    from engine.journey.store import JourneySummary

CONTACT_PAGE_SIZE = 200


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


def journeys_page_rows(session: Session, archived: bool = False,
                       today: date | None = None) -> list[JourneySummary]:
    """The journeys page's rows: every journey except archived ones (with `archived`: only
    those), most recently edited first, with its figures of the 30 days ending `today`
    (default: today, UTC) and its spike warnings, read from the analytics rollups.
    The engine's `list_journeys` and `with_figures`, composed: no query of its own."""
    # imported here: engine.journey.store loads the journey file format, about a second
    from engine.analytics.list_figures import with_figures
    from engine.journey.store import list_journeys as journeys_without_figures

    journeys = journeys_without_figures(session, archived=archived, recently_edited_first=True)
    return with_figures(session, journeys, today or datetime.now(timezone.utc).date())


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
