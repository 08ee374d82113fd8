"""What journeys send out and hand out: email templates, the email outbox, webhook
calls, coupon codes and ad audience members.

Contract: a message or webhook call carries its step's idempotency key (unique), so one
step can never queue a second one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.models.base import Base, BigId, JsonType, UtcDateTime


class Template(Base):
    """An email: subject, preheader and body inside a layout."""

    __tablename__ = "template"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(500))
    preheader: Mapped[str] = mapped_column(String(500), default="")
    from_name: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    body_format: Mapped[str] = mapped_column(String(20), default="markdown")
    layout: Mapped[str] = mapped_column(String(100), default="basic")
    text_override: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MessageStatus:
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BOUNCED = "bounced"
    SUPPRESSED = "suppressed"
    UNCERTAIN = "uncertain"


class Message(Base):
    """The outbox: one row per email the engine decided to send."""

    __tablename__ = "message"
    __table_args__ = (
        Index(None, "status", "retry_at"),
        Index(None, "contact_id", "queued_at"),
        Index(None, "journey_id", "node_id"),
        # a journey's latest sends, newest first, for the guardrail watch every minute
        # (engine/experiments/guardrails.py); partial, so that queueing an email (sent_at
        # NULL) writes no entry: only the sender does, once per email
        Index(None, "journey_id", "sent_at", sqlite_where=sql_text("sent_at IS NOT NULL"),
              postgresql_where=sql_text("sent_at IS NOT NULL")),
        # the foreign key's own: deleting an enrollment (a journey deleted, a contact
        # deleted) sets its emails' enrollment to NULL, and without an index SQLite read
        # the whole outbox for each enrollment deleted
        Index(None, "enrollment_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: enrollment, node and visit: the same step can never queue a second message
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    enrollment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrollment.id", ondelete="SET NULL")
    )
    journey_id: Mapped[int | None] = mapped_column(ForeignKey("journey.id", ondelete="SET NULL"))
    node_id: Mapped[str | None] = mapped_column(String(64))
    template_key: Mapped[str | None] = mapped_column(String(100))
    #: marketing, transactional or internal (team alerts)
    category: Mapped[str] = mapped_column(String(20), default="marketing")
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(1000), default="")
    html: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    headers: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=MessageStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retry_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WebhookCall(Base):
    """A webhook the journey decided to call: sent (with retries) outside the step's
    transaction, with the step's idempotency key, and the response recorded."""

    __tablename__ = "webhook_call"
    # contact: the foreign key's (a contact deleted sets its calls' contact to NULL)
    __table_args__ = (Index(None, "status", "retry_at"), Index(None, "contact_id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    journey_id: Mapped[int | None] = mapped_column(ForeignKey("journey.id", ondelete="SET NULL"))
    node_id: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(2000))
    method: Mapped[str] = mapped_column(String(10), default="POST")
    headers: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    body: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    timeout_seconds: Mapped[float] = mapped_column(Numeric(6, 2), default=10)
    max_attempts: Mapped[int] = mapped_column(Integer, default=4)
    #: queued, sent, failed (gave up)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retry_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Coupon(Base):
    __tablename__ = "coupon"
    __table_args__ = (UniqueConstraint("contact_id", "journey_id", "node_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    journey_id: Mapped[int | None] = mapped_column(ForeignKey("journey.id", ondelete="SET NULL"))
    node_id: Mapped[str] = mapped_column(String(64), default="")
    percent: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    redeemed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AudienceMember(Base):
    """A contact added to a named ad audience (exported as hashed emails)."""

    __tablename__ = "audience_member"
    # contact: the foreign key's (a contact deleted takes its memberships along)
    __table_args__ = (Index(None, "contact_id"),)

    audience: Mapped[str] = mapped_column(String(200), primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True
    )
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)
