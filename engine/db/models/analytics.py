"""The analytics rollups (docs/analytics.md).

Contract: kept current by a catch-up (engine/analytics/catchup.py) that folds new step
logs, messages and events in after a watermark; the engine's write paths never touch them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.models.base import Base, BigId, UtcDateTime


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
