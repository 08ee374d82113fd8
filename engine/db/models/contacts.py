"""Contacts and what is known about them: who they are, what they agreed to (consents),
the lists they are on, what they did (events), and the products their orders name.

Contract: emails are stored normalised (lower-cased domain and local part) and are unique.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Numeric, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.models.base import Base, BigId, JsonType, UtcDateTime


class ContactStatus:
    ACTIVE = "active"
    UNSUBSCRIBED = "unsubscribed"
    BOUNCED = "bounced"
    COMPLAINED = "complained"
    INACTIVE = "inactive"
    ALL = (ACTIVE, UNSUBSCRIBED, BOUNCED, COMPLAINED, INACTIVE)
    #: statuses that stop every marketing email
    SUPPRESSED = (UNSUBSCRIBED, BOUNCED, COMPLAINED)


class Contact(Base):
    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    first_name: Mapped[str] = mapped_column(String(200), default="")
    last_name: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(35))
    country: Mapped[str | None] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(20), default=ContactStatus.ACTIVE)
    lead_score: Mapped[int] = mapped_column(Integer, default=0)
    attributes: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: last event of any kind (engagement included): the inactivity trigger reads it
    last_activity_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    #: a test contact (the marketer, a colleague): entered by hand to try journeys out;
    #: counts and reports can leave these out
    is_test: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    # the Contacts page lists newest first, a page at a time (keyset on created_at, id);
    # the Dashboard's list growth counts the contacts that are not test contacts by when
    # they joined from the index alone (engine/analytics/home.py)
    # AUTOINCREMENT (SQLite): a deleted contact's id is never given again, since sent
    # emails' signed links name it (tests/engine/test_ids_never_come_back.py)
    __table_args__ = (Index(None, "created_at", "id"), Index(None, "is_test", "created_at"),
                      {"sqlite_autoincrement": True})


class Consent(Base):
    """Who agreed (or withdrew) to what, when, how, and the evidence."""

    __tablename__ = "consent"
    __table_args__ = (Index(None, "contact_id", "purpose", "recorded_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(50), default="email_marketing")
    granted: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: how it was given: import, api, form, unsubscribe_link, one_click, bounce, complaint…
    source: Mapped[str] = mapped_column(String(50))
    evidence: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)


class ContactList(Base):
    __tablename__ = "list"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ListMembership(Base):
    __tablename__ = "list_membership"
    __table_args__ = (Index(None, "contact_id"),)

    list_id: Mapped[int] = mapped_column(ForeignKey("list.id", ondelete="CASCADE"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True
    )
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)
    source: Mapped[str] = mapped_column(String(50), default="")


class Event(Base):
    """Something a contact did (or that happened to them), as it arrived."""

    __tablename__ = "event"
    __table_args__ = (
        Index(None, "contact_id", "name", "occurred_at"),
        Index(None, "name", "occurred_at"),
        # covering: segment counts group a window of one event by contact from the index
        Index(None, "name", "occurred_at", "contact_id"),
        Index(None, "processed_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    properties: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    source: Mapped[str] = mapped_column(String(50), default="")
    #: NULL until the engine has matched the event against triggers, waits and goals
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Product(Base):
    __tablename__ = "product"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    category: Mapped[str] = mapped_column(String(100), default="", index=True)
    url: Mapped[str] = mapped_column(String(2000), default="")
    image_url: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
