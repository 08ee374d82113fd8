"""Numbers and times as a marketer reads them.

Contract: pure functions (no Qt) from values to short display strings. Times are shown in
the computer's local time zone; `now` can be passed in so tests do not depend on the clock.
"""

from __future__ import annotations

from datetime import datetime, timezone

from engine.words import plural  # noqa: F401  (the widgets' plural is the engine's)

EMPTY = "—"


def count(value: int) -> str:
    """1234567 → "1,234,567"."""
    return f"{value:,}"


def date(moment: datetime | None) -> str:
    """A calendar date: "Mar 2, 2026"."""
    if moment is None:
        return EMPTY
    local = moment.astimezone()
    return f"{local:%b} {local.day}, {local.year}"


def timestamp(moment: datetime | None) -> str:
    """Date and time of day, for tooltips: "Mar 2, 2026, 09:14"."""
    if moment is None:
        return EMPTY
    return f"{date(moment)}, {moment.astimezone():%H:%M}"


def relative(moment: datetime | None, now: datetime | None = None) -> str:
    """How long ago, coarsely: "just now", "5 min ago", "3 h ago", "yesterday", a date."""
    if moment is None:
        return EMPTY
    now = now or datetime.now(timezone.utc)
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    local, today = moment.astimezone(), now.astimezone()
    days = (today.date() - local.date()).days
    if days == 0:
        return f"{int(seconds // 3600)} h ago"
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    return date(moment)


#: money is shown with the symbol of these currencies, others with their code after it
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "AUD": "A$", "CAD": "C$"}


def money(value: float | None, currency: str = "USD") -> str:
    """(1234.5, "USD") → "$1,234.50"; (12, "CHF") → "12.00 CHF"."""
    if value is None:
        return EMPTY
    amount = f"{float(value):,.2f}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


def percent(fraction: float | None) -> str:
    """0.1234 → "12.3 %"."""
    return EMPTY if fraction is None else f"{fraction * 100:.1f} %"
