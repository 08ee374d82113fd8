"""The outbox at a glance, for the status bar: `queued_messages(session) -> int`.

Counts `message` rows waiting to be handed to the SMTP server (status `queued`), answered
from the `(status, retry_at)` index.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.db.models import Message, MessageStatus


def queued_messages(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(Message).where(Message.status == MessageStatus.QUEUED)
    )
