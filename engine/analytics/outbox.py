"""The outbox at a glance, for the status bar and the tray: `queued_messages(session) -> int`
counts `message` rows waiting to be handed to the SMTP server (status `queued`);
`uncertain_messages(session) -> int` counts those whose send a crash interrupted (status
`uncertain`: they may or may not have arrived, and wait for a person to decide). Both are
answered from the `(status, retry_at)` index.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.db.models import Message, MessageStatus


def queued_messages(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(Message).where(Message.status == MessageStatus.QUEUED)
    )


def uncertain_messages(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(Message).where(Message.status == MessageStatus.UNCERTAIN)
    )
