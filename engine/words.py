"""Words for numbers, written once for the engine, the CLI and the GUI.

Contract: `plural(3, "contact")` → "3 contacts", with thousands separators ("1,204
contacts") and an irregular plural when given (`plural(2, "person", "people")`);
`duration_words(timedelta)` → the largest whole unit that fits ("2 days", "90 minutes").
English only, like the rest of the app's text.
"""

from __future__ import annotations

from datetime import timedelta


def plural(count: int, singular: str, many: str | None = None) -> str:
    return f"{count:,} {singular if count == 1 else (many or singular + 's')}"


def duration_words(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0 and seconds >= size:
            return plural(seconds // size, unit)
    return plural(max(1, seconds // 60), "minute")
