"""App-wide settings kept in the `setting` table (key `app`), as one pydantic model.

Contract: `load_settings(session)` always returns a complete, valid `AppSettings` (stored
values over defaults); `save_settings` validates before writing. Journey settings can
override quiet hours; the simulate command can override cap, quiet hours and timezone.

May import: clock, db and the value types it is made of (nodes, blocks, journey) — only
its row and its types; never the runtime or anything that reads the settings.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.orm import Session

from engine.blocks.brand import BrandKit
from engine.clock import zone
from engine.db.setting_rows import load_row, save_row
from engine.journey.data import QuietHours
from engine.nodes.common import Duration

KEY = "app"


class FrequencyCap(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int = Field(2, ge=1, le=1000, title="At most (marketing emails)")
    within: Duration = Field(Duration(value=7, unit="days"), title="Per")

    def __str__(self) -> str:
        return f"{self.count} per {self.within}"


class AppSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    default_timezone: str = Field("UTC", title="Timezone for contacts without one")
    frequency_cap: FrequencyCap | None = Field(None, title="Frequency cap (all journeys)")
    quiet_hours: QuietHours | None = Field(None, title="Quiet hours (contact's time)")
    #: True: marketing email needs a granted consent record; False: only a withdrawal blocks
    consent_required: bool = False
    #: work due longer ago than this counts as "overdue" for the catch-up policy
    catch_up_grace_minutes: int = Field(60, ge=1, le=10_080)
    sending_paused: bool = Field(False, title="Pause all sending (master switch)")
    sender_name: str = "Trellis Shop"
    sender_email: str = "hello@example.com"
    #: where replies go when not to the sender address (None: to the sender)
    reply_to: str | None = None
    postal_address: str = "1 Example Street, Springfield"
    website: str = "https://example.com"
    #: how every block email looks (engine/blocks/brand.py)
    brand: BrandKit = Field(default_factory=BrandKit, title="Brand kit")

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        zone(value)  # raises ValueError for an unknown zone
        return value


def load_settings(session: Session) -> AppSettings:
    return load_row(session, KEY, AppSettings, AppSettings())


def save_settings(session: Session, settings: AppSettings) -> None:
    save_row(session, KEY, settings)
