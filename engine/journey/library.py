"""The journeys list's verbs on stored journeys: rename, duplicate, archive, restore, delete.

Contract (functions of a Session; each checks first and changes nothing when it refuses,
raising `JourneyLibraryError` with a sentence a marketer reads):
- `rename_journey(session, id, name, now)`: the journey and its draft take the new name
  (1–200 characters, not another journey's).
- `duplicate_journey(session, id, now)` -> new id: a new draft from the journey's draft,
  named "NAME (2)" (or the next free number); never published, nobody in it.
- `archive_journey(session, id, now)`: drafts and paused journeys leave the list (a live
  one must be paused first, so nobody is left mid-way unknowingly); contacts waiting in a
  paused journey stay where they are. `restore_journey` brings it back: paused when it has
  a live version, else a draft.
- `delete_journey(session, id)`: only a draft never published, or an archived journey;
  its versions, enrollments and step history go with it, sent emails stay in the outbox
  history without the journey.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engine.db.deletions import after_deleting
from engine.db.models import Enrollment, JourneyRow, JourneyStatus, JourneyVersion
from engine.errors import TrellisError
from engine.journey.drafts import load_draft, unique_name
from engine.journey.store import save_draft

NAME_LIMIT = 200


class JourneyLibraryError(TrellisError):
    pass


def _row(session: Session, journey_id: int) -> JourneyRow:
    row = session.get(JourneyRow, journey_id)
    if row is None:
        raise JourneyLibraryError(f"there is no journey with id {journey_id}")
    return row


def rename_journey(session: Session, journey_id: int, name: str, now: datetime) -> None:
    row = _row(session, journey_id)
    name = name.strip()
    if not name:
        raise JourneyLibraryError("a journey needs a name")
    if len(name) > NAME_LIMIT:
        raise JourneyLibraryError(f"a journey name has at most {NAME_LIMIT} characters")
    if name == row.name:
        return
    taken = session.scalar(select(JourneyRow.id).where(
        func.lower(JourneyRow.name) == name.lower(), JourneyRow.id != journey_id))
    if taken is not None:
        raise JourneyLibraryError(f"another journey is already named “{name}”")
    document = load_draft(session, journey_id).model_copy(update={"name": name})
    row.name, row.draft, row.updated_at = name, document.model_dump(mode="json"), now
    session.flush()


def duplicate_journey(session: Session, journey_id: int, now: datetime) -> int:
    source = _row(session, journey_id)
    document = load_draft(session, journey_id)
    copy = document.model_copy(update={"name": unique_name(session, source.name)})
    return save_draft(session, copy, now=now).id


def archive_journey(session: Session, journey_id: int, now: datetime) -> None:
    row = _row(session, journey_id)
    if row.status == JourneyStatus.LIVE:
        raise JourneyLibraryError(
            f"“{row.name}” is live: pause it first, then archive it (contacts in it wait "
            "where they are while it is paused or archived)")
    if row.status != JourneyStatus.ARCHIVED:
        row.status, row.updated_at = JourneyStatus.ARCHIVED, now
        session.flush()


def restore_journey(session: Session, journey_id: int, now: datetime) -> str:
    """Back on the list: the status it gets ("paused" or "draft")."""
    row = _row(session, journey_id)
    if row.status != JourneyStatus.ARCHIVED:
        raise JourneyLibraryError(f"“{row.name}” is not archived")
    row.status = JourneyStatus.PAUSED if row.live_version_id else JourneyStatus.DRAFT
    row.updated_at = now
    session.flush()
    return row.status


def delete_journey(session: Session, journey_id: int) -> None:
    row = _row(session, journey_id)
    published = session.scalar(select(func.count()).select_from(JourneyVersion)
                               .where(JourneyVersion.journey_id == journey_id))
    if row.status != JourneyStatus.ARCHIVED and (row.status != JourneyStatus.DRAFT or published):
        raise JourneyLibraryError(
            f"“{row.name}” has been published: archive it first, then delete it from the "
            "archived journeys (its history goes with it)")
    row.live_version_id = None
    session.flush()
    session.execute(delete(Enrollment).where(Enrollment.journey_id == journey_id))
    session.execute(delete(JourneyVersion).where(JourneyVersion.journey_id == journey_id))
    session.delete(row)
    after_deleting(session)  # its step logs' ids may be given again (SQLite)
    session.flush()
