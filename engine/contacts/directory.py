"""The contacts workspace's reads: filtered, sorted pages of contacts, and sidebar counts.

Contract:
- `ContactQuery` says which contacts to show: `search` (email or name contains, any case),
  `list_id`, `status`, `waiting_at` ((journey id, node id): contacts whose running
  enrollment is at that step, what the canvas's "N waiting" counts), and the sort
  (`sort` is one of `SORTABLE`, `descending`). Filters combine with AND.
- `count_contacts(session, query)` and `fetch_page(session, query, offset, limit)`: one
  page in sort order (ties broken by id, so pages never overlap or skip). Each page is one
  indexed or top-N query, whatever the table size.
- `condition(query)` the filter as one SQL condition (exports use it);
  `matching_ids(session, query)` every id that matches (for "select all" bulk actions).
- `sidebar_sources(session)`: the sidebar's entries as `SidebarSource(kind, name, count,
  query)`: everyone, each status, each list, then each saved segment.
- A saved segment filters by its stored membership (docs/segments.md: kept current by the
  engine's scans), so the table reads what the segment's count says; a segment never
  computed yet shows no one and no count.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from engine.db.models import (
    Contact,
    ContactList,
    ContactStatus,
    Enrollment,
    EnrollmentStatus,
    ListMembership,
    Segment,
    SegmentMember,
)

#: sort key → the column it orders by
SORTABLE = {
    "created_at": Contact.created_at,
    "email": Contact.email,
    "first_name": Contact.first_name,
    "last_name": Contact.last_name,
    "status": Contact.status,
    "lead_score": Contact.lead_score,
    "country": Contact.country,
    "last_activity_at": Contact.last_activity_at,
}


@dataclass(frozen=True, slots=True)
class ContactQuery:
    search: str = ""
    list_id: int | None = None
    status: str | None = None
    waiting_at: tuple[int, str] | None = None
    segment: str | None = None
    sort: str = "created_at"
    descending: bool = True

    def with_(self, **changes) -> "ContactQuery":
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class ContactRow:
    id: int
    email: str
    name: str
    status: str
    lead_score: int
    country: str | None
    created_at: datetime
    last_activity_at: datetime | None
    is_test: bool


@dataclass(frozen=True, slots=True)
class SidebarSource:
    #: "all", "status", "list" or "segment"
    kind: str
    name: str
    count: int | None
    query: ContactQuery


def _conditions(query: ContactQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    text = query.search.strip()
    if text:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        # The full name holds the first and the last name: two tests per row, not four.
        # Emails are stored lower-case, so only the name needs a case-blind match.
        full_name = Contact.first_name + " " + Contact.last_name
        conditions.append(or_(Contact.email.like(f"%{escaped.lower()}%", escape="\\"),
                              full_name.ilike(pattern, escape="\\")))
    if query.status:
        conditions.append(Contact.status == query.status)
    if query.list_id is not None:
        # IN, not EXISTS: SQLite then walks the list's memberships (their primary key)
        # instead of testing every contact.
        conditions.append(Contact.id.in_(select(ListMembership.contact_id)
                                         .where(ListMembership.list_id == query.list_id)))
    if query.segment is not None:
        conditions.append(Contact.id.in_(
            select(SegmentMember.contact_id).join(Segment, Segment.id == SegmentMember.segment_id)
            .where(Segment.name == query.segment)))
    if query.waiting_at is not None:
        journey_id, node_id = query.waiting_at
        conditions.append(Contact.id.in_(select(Enrollment.contact_id).where(
            Enrollment.journey_id == journey_id, Enrollment.node_id == node_id,
            Enrollment.status == EnrollmentStatus.ACTIVE)))
    return conditions


def condition(query: ContactQuery) -> ColumnElement[bool] | None:
    """The query's filter as one SQL condition on `contact` (None: everyone)."""
    conditions = _conditions(query)
    return and_(*conditions) if conditions else None


def _filtered(statement: Select, query: ContactQuery) -> Select:
    conditions = _conditions(query)
    return statement.where(and_(*conditions)) if conditions else statement


def count_contacts(session: Session, query: ContactQuery) -> int:
    return session.execute(_filtered(select(func.count()).select_from(Contact), query)).scalar_one()


def fetch_page(session: Session, query: ContactQuery, offset: int, limit: int) -> list[ContactRow]:
    column = SORTABLE.get(query.sort)
    if column is None:
        raise ValueError(f"cannot sort contacts by {query.sort!r}")
    order = (column.desc(), Contact.id.desc()) if query.descending else (column.asc(),
                                                                           Contact.id.asc())
    statement = select(Contact.id, Contact.email, Contact.first_name, Contact.last_name,
                       Contact.status, Contact.lead_score, Contact.country, Contact.created_at,
                       Contact.last_activity_at, Contact.is_test)
    rows = session.execute(_filtered(statement, query).order_by(*order).offset(offset)
                           .limit(limit))
    return [
        ContactRow(row.id, row.email, f"{row.first_name} {row.last_name}".strip(), row.status,
                   row.lead_score, row.country, row.created_at, row.last_activity_at,
                   row.is_test)
        for row in rows
    ]


def matching_ids(session: Session, query: ContactQuery) -> list[int]:
    return list(session.execute(_filtered(select(Contact.id), query)).scalars())


def sidebar_sources(session: Session) -> list[SidebarSource]:
    everyone = ContactQuery()
    by_status = dict(session.execute(select(Contact.status, func.count())
                                     .group_by(Contact.status)).all())
    sources = [SidebarSource("all", "All contacts", sum(by_status.values()), everyone)]
    sources += [
        SidebarSource("status", status.capitalize(), by_status.get(status, 0),
                      everyone.with_(status=status))
        for status in ContactStatus.ALL
    ]
    lists = session.execute(
        select(ContactList.id, ContactList.name, func.count(ListMembership.contact_id))
        .outerjoin(ListMembership, ListMembership.list_id == ContactList.id)
        .group_by(ContactList.id, ContactList.name).order_by(ContactList.name)
    )
    sources += [SidebarSource("list", name, count, everyone.with_(list_id=list_id))
                for list_id, name, count in lists]
    segments = session.execute(select(Segment.name, Segment.size).order_by(Segment.name))
    sources += [SidebarSource("segment", name, size, everyone.with_(segment=name))
                for name, size in segments]
    return sources
