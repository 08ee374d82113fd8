"""What deleting journeys and contacts must do first, because SQLite gives ids again.

SQLite gives a new row the largest id in its table plus one: once the newest rows are
deleted, their ids come back. Two things named by id outlive the rows:

- Step keys. `retire_journey_keys(session, journey_id)` and `retire_contact_keys(session,
  contact_ids)` rename the keys of the emails and webhook calls that steps of those
  enrollments made to `retired:<id>`, a key no step makes; the callers then delete the
  enrollments (engine/journey/library.py, engine/contacts/bulk.py).
- Compiled versions. An engine keeps each journey version it compiled, by id
  (engine/journey/compiled.py). `note_journey_deleted(session)` counts a deletion in the
  `setting` row `journey_deletions`; an engine that reads a new count
  (`journey_deletions(session)`, once per tick) forgets what it compiled, so the next
  journey's first version, given a deleted version's id, is not run as the deleted one.

Why the keys: a step's key names its enrollment's id (`enrollment:<id>:<node>:<visit>`,
engine/runtime/executors.py), and SQLite gives a new row the largest id in the table plus
one. Once the newest enrollments are deleted, their ids are given again, and the new
enrollments' steps would make the keys of emails and calls still in the outbox: the
insert fails on the unique key and the engine stops at that batch, for every journey.
A retired email keeps its row (history, deliverability); its "view in the browser" page
and its attribution end with the journey or the contact it belonged to.
"""

from __future__ import annotations

from sqlalchemy import String, cast, select, update
from sqlalchemy.orm import Session

from engine.db.models import Enrollment, Message, Setting, WebhookCall

#: what every key a step makes starts with
STEP_KEY = "enrollment:%"
RETIRED = "retired:"
DELETIONS = "journey_deletions"


def note_journey_deleted(session: Session) -> None:
    row = session.get(Setting, DELETIONS)
    if row is None:
        session.add(Setting(key=DELETIONS, value={"count": 1}))
    else:
        row.value = {"count": int((row.value or {}).get("count", 0)) + 1}


def journey_deletions(session: Session) -> int:
    value = session.scalar(select(Setting.value).where(Setting.key == DELETIONS))
    return int((value or {}).get("count", 0))


def retire_journey_keys(session: Session, journey_id: int) -> None:
    enrollments = select(Enrollment.id).where(Enrollment.journey_id == journey_id)
    session.execute(update(Message).where(Message.enrollment_id.in_(enrollments),
                                          Message.idempotency_key.like(STEP_KEY))
                    .values(idempotency_key=RETIRED + cast(Message.id, String)))
    session.execute(update(WebhookCall).where(WebhookCall.journey_id == journey_id,
                                              WebhookCall.idempotency_key.like(STEP_KEY))
                    .values(idempotency_key=RETIRED + cast(WebhookCall.id, String)))


def retire_contact_keys(session: Session, contact_ids: list[int]) -> None:
    session.execute(update(Message).where(Message.contact_id.in_(contact_ids),
                                          Message.idempotency_key.like(STEP_KEY))
                    .values(idempotency_key=RETIRED + cast(Message.id, String)))
    session.execute(update(WebhookCall).where(WebhookCall.contact_id.in_(contact_ids),
                                              WebhookCall.idempotency_key.like(STEP_KEY))
                    .values(idempotency_key=RETIRED + cast(WebhookCall.id, String)))
