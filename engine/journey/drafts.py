"""What the journey editor reads and writes in the database, by journey id.

Contract (pure functions of a Session; the app runs them, nothing here knows Qt):
- `journey_info(session, id)` → `JourneyInfo` (name, status, live version number, active
  contacts: the ones a new version would find in flight); LookupError for an unknown id.
- `load_draft(session, id)` → the draft document; `live_document(session, id)` → the live
  version's document, or None for a journey never published.
- `store_draft(session, document, now, journey_id=None)` saves the draft through
  `journey_store.save_draft(..., replace=True)`. With `journey_id`, the row keeps its
  identity when the document was renamed (ValueError when another journey has the new
  name); without it, a journey of that name gets its draft replaced or is created.
- `unique_name(session, name)` → `name`, or `name (2)`, `name (3)`… when taken.
- Stored templates (the Templates page): `load_template(session, id)` → `EmailTemplate`;
  `store_template(session, id, template, now)` writes one back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.db.models import (
    Enrollment,
    EnrollmentStatus,
    JourneyRow,
    JourneyVersion,
    Template,
)
from engine.journey.data import EmailTemplate, JourneyData
from engine.journey.store import draft_document, save_draft


@dataclass(frozen=True)
class JourneyInfo:
    id: int
    name: str
    status: str
    live_version: int | None
    active_contacts: int


def _row(session: Session, journey_id: int) -> JourneyRow:
    row = session.get(JourneyRow, journey_id)
    if row is None:
        raise LookupError(f"there is no journey with id {journey_id}")
    return row


def journey_info(session: Session, journey_id: int) -> JourneyInfo:
    row = _row(session, journey_id)
    number = (session.scalar(select(JourneyVersion.number)
                             .where(JourneyVersion.id == row.live_version_id))
              if row.live_version_id else None)
    active = session.scalar(
        select(func.count()).select_from(Enrollment)
        .where(Enrollment.journey_id == journey_id, Enrollment.status == EnrollmentStatus.ACTIVE))
    return JourneyInfo(row.id, row.name, row.status, number, active)


def load_draft(session: Session, journey_id: int) -> JourneyData:
    return draft_document(_row(session, journey_id))


def live_document(session: Session, journey_id: int) -> JourneyData | None:
    row = _row(session, journey_id)
    if row.live_version_id is None:
        return None
    version = session.get(JourneyVersion, row.live_version_id)
    return JourneyData.model_validate(version.document)


def store_draft(session: Session, document: JourneyData, now: datetime,
                journey_id: int | None = None) -> int:
    if journey_id is not None:
        row = _row(session, journey_id)
        if row.name != document.name:
            taken = session.scalar(select(JourneyRow.id).where(JourneyRow.name == document.name,
                                                               JourneyRow.id != journey_id))
            if taken is not None:
                raise ValueError(f"another journey is already named {document.name!r}; "
                                 "choose a different name")
            row.name = document.name
            session.flush()
    return save_draft(session, document, now=now, replace=True).id


def unique_name(session: Session, name: str) -> str:
    taken = set(session.scalars(select(JourneyRow.name).where(JourneyRow.name.like(f"{name}%"))))
    if name not in taken:
        return name
    number = 2
    while f"{name} ({number})" in taken:
        number += 1
    return f"{name} ({number})"


def load_template(session: Session, template_id: int) -> EmailTemplate:
    row = session.get(Template, template_id)
    if row is None:
        raise LookupError(f"there is no template with id {template_id}")
    return EmailTemplate(key=row.key, name=row.name, subject=row.subject, preheader=row.preheader,
                         from_name=row.from_name, body=row.body, format=row.body_format,
                         layout=row.layout, text=row.text_override)


def store_template(session: Session, template_id: int, template: EmailTemplate,
                   now: datetime) -> None:
    row = session.get(Template, template_id)
    if row is None:
        raise LookupError(f"there is no template with id {template_id}")
    row.name, row.subject, row.preheader = template.name, template.subject, template.preheader
    row.from_name, row.body, row.body_format = template.from_name, template.stored_body, template.format
    row.layout, row.text_override, row.updated_at = template.layout, template.text, now
