"""Application settings (key → JSON value), and the records kept beside them: the hashed
addresses of erased people (`Suppression`) and the mails the mailbox reader handled.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.models.base import Base, JsonType, UtcDateTime


class Suppression(Base):
    """An address that must never be subscribed again, kept only as a hash.

    Written when a person's data is erased (engine/contacts/privacy.py): the row is also the
    anonymous audit record of the erasure (`detail` counts what was erased)."""

    __tablename__ = "suppression"

    #: sha256 hex of the normalised email address
    email_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: why: "erased"
    reason: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    detail: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)


class Setting(Base):
    """Application settings as key → JSON value."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JsonType)


class MailboxMessage(Base):
    """A mail the mailbox reader handled (engine/mailbox): each Message-ID acts at most once."""

    __tablename__ = "mailbox_message"

    #: sha256 hex of the mail's Message-ID (they can be up to 998 characters long)
    message_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(500))
    #: unsubscribe, bounce_hard, bounce_soft, complaint, auto_reply, ignored
    outcome: Mapped[str] = mapped_column(String(20))
    contact_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    handled_at: Mapped[datetime] = mapped_column(UtcDateTime)
