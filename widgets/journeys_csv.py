"""The Journeys list as a CSV file: what the table shows, in the order it shows it.

Contract: `write_journeys_csv(path, rows)` writes a header and one line per journey
summary (`engine.journey.store.JourneySummary`, in the order given — the list's current sort)
with the list's columns as raw values a spreadsheet can compute with: name, status, live
version (empty when never published), contacts active, entered in the last 30 days,
conversion rate over those 30 days as a fraction (0–1), revenue over 30 days as a number,
its currency, the spike warnings (joined by "; ") and when it was last edited (ISO 8601,
UTC). Text cells are neutralised for spreadsheets (engine/files/csv_formula.py); the file
is written through a temporary file, so a failure leaves nothing half-written. Returns
the number of journeys written.
"""

from __future__ import annotations

import csv
from datetime import timezone
from pathlib import Path
from typing import Any, Sequence

from engine.files.atomic_text import write_text_atomically
from engine.files.csv_formula import neutralise

HEADER = ("journey", "status", "live_version", "contacts_active", "entered_30d",
          "conversion_rate_30d", "revenue_30d", "currency", "warnings", "last_edited")


def _edited(value) -> str:
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.isoformat()


def journey_line(j: Any) -> list:
    return [neutralise(j.name), neutralise(j.status),
            "" if j.live_version is None else j.live_version,
            j.active_contacts, j.entered_30,
            # "no one entered" is an empty cell, as the list shows "—", not a 0 % rate
            j.conversion_rate_30 if j.entered_30 else "",
            j.revenue_30, neutralise(j.currency),
            neutralise("; ".join(getattr(j, "warnings", ()))), _edited(j.updated_at)]


def write_journeys_csv(path: Path, rows: Sequence[Any]) -> int:
    rows = list(rows)

    def write(out) -> None:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(journey_line(j) for j in rows)
    write_text_atomically(Path(path), write)
    return len(rows)
