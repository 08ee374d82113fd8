"""Settings ▸ Sending rules: read and store the guards every journey obeys.

Contract: `RulesSettings(database, card)` fills `card` (`widgets.settings_rules.
SendingRulesCard`) from `AppSettings` whenever the card asks (`refresh_requested`); on
`save_requested(values)` it checks the whole `AppSettings` with the new values and
either stores it and says so, or shows each problem under its field and stores nothing.
The running engine reads the settings at every batch, so a saved rule applies from the
next step on; nothing already in the outbox is re-judged.
"""

from __future__ import annotations

from pydantic import ValidationError

from engine.db.database import Database
from engine.errors import error_message
from engine.settings import AppSettings, load_settings, save_settings
from widgets.settings_rules import FIELDS


class RulesSettings:
    def __init__(self, database: Database, card):
        self.database, self.card = database, card
        card.refresh_requested.connect(self.load)
        card.save_requested.connect(self.save)

    def load(self) -> None:
        with self.database.session() as session:
            settings = load_settings(session)
        self.card.set_values(settings.model_dump(mode="json", include=set(FIELDS)))
        self.card.set_errors({})

    def save(self, values: dict) -> bool:
        with self.database.session() as session:
            current = load_settings(session).model_dump(mode="json")
            try:
                settings = AppSettings.model_validate({**current, **values})
            except ValidationError as error:
                self.card.set_errors(_by_field(error))
                self.card.set_status("Not saved: see the fields marked above.", "danger")
                return False
            save_settings(session, settings)
        self.card.set_errors({})
        self.card.set_status(f"Saved. {rules_in_words(settings)}", "")
        return True


def _by_field(error: ValidationError) -> dict[str, str]:
    """Each problem under the top-level field it belongs to (the first one per field)."""
    found: dict[str, str] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "default_timezone"
        found.setdefault(field, error_message(item))
    return found


def rules_in_words(settings: AppSettings) -> str:
    """The rules as one sentence: "At most 2 marketing emails per 7 days; none 21:00–08:00"."""
    cap = settings.frequency_cap
    parts = [f"At most {cap.count} marketing emails per {cap.within} per contact" if cap
             else "No frequency cap"]
    quiet = settings.quiet_hours
    parts.append(f"none between {quiet.start} and {quiet.end} (contact's time)" if quiet
                 else "no quiet hours")
    if settings.consent_required:
        parts.append("only to contacts who agreed")
    return "; ".join(parts) + "."
