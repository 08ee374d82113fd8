"""Analytics settings, kept in the `setting` table under key `analytics` (one pydantic model).

Contract: `load_analytics_settings(session)` always returns complete, valid settings
(stored values over defaults); `save_analytics_settings` validates before writing. The
watermark of the catch-up is a separate row (`analytics.watermark`, see catchup.py).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from engine.db.setting_rows import load_row, save_row

KEY = "analytics"


class AnalyticsSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: the event that is an order (its revenue property holds the amount)
    conversion_event: str = Field("order_completed", min_length=1, max_length=100)
    revenue_property: str = Field("revenue", min_length=1, max_length=100)
    #: an order is credited to the email last opened or clicked at most this long before it
    attribution_days: float = Field(5, gt=0, le=365)


def load_analytics_settings(session: Session) -> AnalyticsSettings:
    return load_row(session, KEY, AnalyticsSettings, AnalyticsSettings())


def save_analytics_settings(session: Session, settings: AnalyticsSettings) -> None:
    save_row(session, KEY, settings)
