"""SQLAlchemy 2.0 models: everything Trellis stores (DESIGN.md §3).

Contract:
- Times are stored as naive UTC and always come back timezone-aware UTC (`UtcDateTime`).
- JSON columns use JSONB on PostgreSQL and JSON text on SQLite.
- Emails are stored normalised (lower-cased domain and local part) and are unique.
- An enrollment's `active_journey_id` equals its `journey_id` while it is running and is
  NULL once it has ended; the unique (contact_id, active_journey_id) constraint makes
  "never two active enrollments of one contact in one journey" a database fact.
- The schema changes only through Alembic revisions in `engine/db/migrations`; a test
  checks that these models and the migrations agree.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonType = JSON().with_variant(JSONB(), "postgresql")
# SQLite's INTEGER PRIMARY KEY is its rowid; BIGINT only where PostgreSQL needs the range.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes, stored as naive UTC on every backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


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
    __table_args__ = (Index(None, "created_at", "id"), Index(None, "is_test", "created_at"))


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


class JourneyStatus:
    DRAFT = "draft"
    LIVE = "live"
    PAUSED = "paused"
    ARCHIVED = "archived"


class JourneyRow(Base):
    """A journey: its editable draft document and its lifecycle status."""

    __tablename__ = "journey"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=JourneyStatus.DRAFT)
    #: the draft as a `.journey.json` document (plain data)
    draft: Mapped[dict[str, Any]] = mapped_column(JsonType)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    live_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("journey_version.id", use_alter=True, ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class JourneyVersion(Base):
    """An immutable, published snapshot of a journey's document."""

    __tablename__ = "journey_version"
    __table_args__ = (UniqueConstraint("journey_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journey.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JsonType)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)
    notes: Mapped[str] = mapped_column(Text, default="")


class JourneyRelease(Base):
    """How new entrants come into a live journey (engine/runtime/release.py): a canary
    version taking a share of them beside the live version, and a guard on entry."""

    __tablename__ = "journey_release"

    journey_id: Mapped[int] = mapped_column(
        ForeignKey("journey.id", ondelete="CASCADE"), primary_key=True)
    canary_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("journey_version.id", ondelete="SET NULL"))
    canary_percent: Mapped[int | None] = mapped_column(Integer)
    canary_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: a condition (docs/journey-format.md) new entrants must match; NULL: everyone
    entry_guard: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    guard_set_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: how the last canary ended: version, outcome, reason, at, its figures
    last_canary: Mapped[dict[str, Any] | None] = mapped_column(JsonType)


class ExperimentResult(Base):
    """An A/B test of a journey step (engine/experiments/watch.py): its latest figures and,
    once called, the winner and when. Keyed by journey and step, like the sticky split."""

    __tablename__ = "experiment_result"

    journey_id: Mapped[int] = mapped_column(
        ForeignKey("journey.id", ondelete="CASCADE"), primary_key=True)
    node_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    metric: Mapped[str] = mapped_column(String(20))
    #: the variant key of the winner; NULL while the test runs
    winner: Mapped[str | None] = mapped_column(String(40))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: {"variants": [{key, n, successes, rate, p_best, uplift, ci_low, ci_high}]}
    figures: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    evaluated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class JourneyGuardrail(Base):
    """The last time a guardrail tripped for a journey: the reason and the figures. The
    journey stays paused by it while `resumed_at` is NULL."""

    __tablename__ = "journey_guardrail"

    journey_id: Mapped[int] = mapped_column(
        ForeignKey("journey.id", ondelete="CASCADE"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(300))
    figures: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    tripped_at: Mapped[datetime] = mapped_column(UtcDateTime)
    resumed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class JourneyNotice(Base):
    """Something about a journey that needs a person (a guardrail paused it, a test has a
    winner): the engine writes it, the app shows it once and stamps `notified_at`."""

    __tablename__ = "journey_notice"
    __table_args__ = (Index(None, "notified_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journey.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    detail: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class EnrollmentStatus:
    ACTIVE = "active"  # running or waiting (due_at says when it next runs)
    COMPLETED = "completed"  # reached the end of a path
    CONVERTED = "converted"  # reached a goal node or a goal event
    EXITED = "exited"  # left early: exit node, exit event, suppression, migration…
    ENDED = (COMPLETED, CONVERTED, EXITED)


class Enrollment(Base):
    """One contact's trip through one journey version."""

    __tablename__ = "enrollment"
    __table_args__ = (
        UniqueConstraint("contact_id", "active_journey_id"),
        Index(None, "due_at"),
        # node_id last: live counts per step read it from the index (analytics/live_counts.py)
        Index(None, "journey_id", "status", "node_id"),
        Index(None, "contact_id", "wait_event"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    journey_id: Mapped[int] = mapped_column(ForeignKey("journey.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("journey_version.id"))
    active_journey_id: Mapped[int | None] = mapped_column(Integer)
    node_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default=EnrollmentStatus.ACTIVE)
    #: "ready": run node_id when due; "waiting": node_id (a delay or wait) is in progress
    state: Mapped[str] = mapped_column(String(10), default="ready")
    #: when the engine next looks at it; NULL once ended or while its journey is paused
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: due_at kept aside while the journey is paused
    paused_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: the event name a wait-for-event node listens for (NULL otherwise)
    wait_event: Mapped[str | None] = mapped_column(String(100))
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(50))
    #: trigger event properties, visit counters, split choices…
    context: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    #: how many steps it has taken: with node_id it makes each visit's idempotency key
    step_count: Mapped[int] = mapped_column(Integer, default=0)


class StepLog(Base):
    """What happened at a node for an enrollment, and why."""

    __tablename__ = "step_log"
    __table_args__ = (
        Index(None, "journey_id", "node_id", "kind"),
        # contacts who passed each step, counted from the index alone (analytics/live_counts.py)
        Index(None, "journey_id", "node_id", "enrollment_id"),
        Index(None, "enrollment_id"),
        Index(None, "contact_id", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    enrollment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrollment.id", ondelete="CASCADE")
    )
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    journey_id: Mapped[int] = mapped_column(ForeignKey("journey.id", ondelete="CASCADE"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("journey_version.id"))
    node_id: Mapped[str] = mapped_column(String(64))
    #: enter, email, action, branch, wait, hold, skip, exit
    kind: Mapped[str] = mapped_column(String(20))
    port: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(50))
    detail: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    at: Mapped[datetime] = mapped_column(UtcDateTime)


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
    __table_args__ = (Index(None, "status", "retry_at"),)

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

    audience: Mapped[str] = mapped_column(String(200), primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True
    )
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)


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


# --- analytics rollups (docs/analytics.md) ---------------------------------------------
# Kept current by a catch-up (engine/analytics/catchup.py) that folds new step logs,
# messages and events in after a watermark; the engine's write paths never touch them.

Money = Numeric(14, 2)


class AnalyticsJourneyDay(Base):
    """Per journey and day. entered/conversions/orders by the day they happened;
    converted/completed/exited by the enrollment's entry day (so converted ≤ entered)."""

    __tablename__ = "analytics_journey_day"

    journey_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    entered: Mapped[int] = mapped_column(Integer, default=0)
    converted: Mapped[int] = mapped_column(Integer, default=0)
    completed: Mapped[int] = mapped_column(Integer, default=0)
    exited: Mapped[int] = mapped_column(Integer, default=0)
    conversions: Mapped[int] = mapped_column(Integer, default=0)
    orders: Mapped[int] = mapped_column(Integer, default=0)
    orders_without_revenue: Mapped[int] = mapped_column(Integer, default=0)
    revenue: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))


class AnalyticsStepDay(Base):
    """Per journey, step and day: enrollments reaching the step (first visit) and ending there."""

    __tablename__ = "analytics_step_day"

    journey_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    node_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    reached: Mapped[int] = mapped_column(Integer, default=0)
    dropped: Mapped[int] = mapped_column(Integer, default=0)
    completed: Mapped[int] = mapped_column(Integer, default=0)
    converted: Mapped[int] = mapped_column(Integer, default=0)


class AnalyticsEmailDay(Base):
    """Per journey, email step, template and day the email was sent."""

    __tablename__ = "analytics_email_day"

    journey_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    node_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    template: Mapped[str] = mapped_column(String(100), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    bounced: Mapped[int] = mapped_column(Integer, default=0)
    unique_opens: Mapped[int] = mapped_column(Integer, default=0)
    unique_clicks: Mapped[int] = mapped_column(Integer, default=0)
    unsubscribes: Mapped[int] = mapped_column(Integer, default=0)
    complaints: Mapped[int] = mapped_column(Integer, default=0)
    orders: Mapped[int] = mapped_column(Integer, default=0)
    orders_without_revenue: Mapped[int] = mapped_column(Integer, default=0)
    revenue: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    #: of `sent`, those that went out with tracking off (no open pixel, links as written)
    untracked: Mapped[int] = mapped_column(Integer, default=0)


class AnalyticsPathDay(Base):
    """Per branch/split step, port and the day enrollments took that path."""

    __tablename__ = "analytics_path_day"

    journey_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    node_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    port: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    entered: Mapped[int] = mapped_column(Integer, default=0)
    converted: Mapped[int] = mapped_column(Integer, default=0)
    revenue: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))


class AnalyticsCohortWeek(Base):
    """Per journey and week of entry (its Monday): entrants, those who ordered within
    30/60/90 days of entering, and the revenue of their orders within 90 days."""

    __tablename__ = "analytics_cohort_week"

    journey_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week: Mapped[str] = mapped_column(String(10), primary_key=True)
    entrants: Mapped[int] = mapped_column(Integer, default=0)
    ordered_30: Mapped[int] = mapped_column(Integer, default=0)
    ordered_60: Mapped[int] = mapped_column(Integer, default=0)
    ordered_90: Mapped[int] = mapped_column(Integer, default=0)
    revenue_90: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))


class AnalyticsFirstOrder(Base):
    """An enrollment's first order within 90 days of entering (counted once per cohort)."""

    __tablename__ = "analytics_first_order"

    enrollment_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    ordered_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AnalyticsMessage(Base):
    """A journey email counted as sent, with what has been counted for it once."""

    __tablename__ = "analytics_message"
    # (journey, sent_at): a journey's latest sends, for the spike warnings (spikes.py)
    __table_args__ = (Index(None, "contact_id", "sent_at"),
                      Index(None, "journey_id", "sent_at", "message_id"))

    message_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    contact_id: Mapped[int] = mapped_column(BigId)
    enrollment_id: Mapped[int | None] = mapped_column(BigId)
    journey_id: Mapped[int] = mapped_column(Integer)
    node_id: Mapped[str] = mapped_column(String(64))
    template: Mapped[str] = mapped_column(String(100))
    day: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime)
    bounced: Mapped[bool] = mapped_column(Boolean, default=False)
    opened: Mapped[bool] = mapped_column(Boolean, default=False)
    clicked: Mapped[bool] = mapped_column(Boolean, default=False)
    unsubscribed: Mapped[bool] = mapped_column(Boolean, default=False)
    complained: Mapped[bool] = mapped_column(Boolean, default=False)


class AnalyticsPending(Base):
    """Journey emails still queued or being sent when the catch-up saw them: looked at
    again (by id) until the SMTP server has answered for them."""

    __tablename__ = "analytics_pending"

    message_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)


class AnalyticsReach(Base):
    """(enrollment, step) pairs already counted as reached."""

    __tablename__ = "analytics_reach"

    enrollment_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    node_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class AnalyticsPathMember(Base):
    """An enrollment that took a path, and the day it did (its later conversion and
    revenue are credited to that day's path row)."""

    __tablename__ = "analytics_path_member"

    enrollment_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    node_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    port: Mapped[str] = mapped_column(String(64), primary_key=True)
    journey_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[str] = mapped_column(String(10))


class Segment(Base):
    """A saved segment: a named condition (docs/segments.md), its last computed size."""

    __tablename__ = "segment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    condition: Mapped[dict[str, Any]] = mapped_column(JsonType)
    size: Mapped[int | None] = mapped_column(Integer)
    computed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SegmentMember(Base):
    """Who was in a segment at its last computation, and since when."""

    __tablename__ = "segment_member"
    __table_args__ = (Index(None, "contact_id"),)

    segment_id: Mapped[int] = mapped_column(
        ForeignKey("segment.id", ondelete="CASCADE"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True)
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SegmentSize(Base):
    """A segment's size on a day (the last computation of that day): the audit trail."""

    __tablename__ = "segment_size"

    segment_id: Mapped[int] = mapped_column(
        ForeignKey("segment.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
