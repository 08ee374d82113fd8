"""Journeys and the contacts going through them: drafts, published versions, releases,
A/B test results, guardrails, notices, enrollments and the step log.

Contract: an enrollment's `active_journey_id` equals its `journey_id` while it is running
and is NULL once it has ended; the unique (contact_id, active_journey_id) constraint makes
"never two active enrollments of one contact in one journey" a database fact.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.models.base import Base, BigId, JsonType, UtcDateTime


class JourneyStatus:
    DRAFT = "draft"
    LIVE = "live"
    PAUSED = "paused"
    ARCHIVED = "archived"


class JourneyRow(Base):
    """A journey: its editable draft document and its lifecycle status."""

    __tablename__ = "journey"
    # ids never given again (SQLite AUTOINCREMENT), as for versions and enrollments:
    # figures, compiled versions and step keys are kept by id
    __table_args__ = {"sqlite_autoincrement": True}

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
    __table_args__ = (UniqueConstraint("journey_id", "number"), {"sqlite_autoincrement": True})

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
        # a step's idempotency key names its enrollment: an id never given again
        {"sqlite_autoincrement": True},
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
        # contacts who passed each step, counted from the index alone (analytics/live_counts.py);
        # it also finds an A/B test's takers at its step (experiments/figures.py), so there is
        # no (journey, node, kind) index: one B-tree insert less per step (migration 0011)
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
