"""Calendar arithmetic in the contact's timezone (DST-correct, via zoneinfo).

Contract: every function takes and returns aware datetimes; "local" times are computed in
the contact's zone, so "9:00" is 9:00 on the contact's wall clock on both sides of a DST
change. A wall time that does not exist (spring forward) moves to the first valid minute
after it; an ambiguous one (fall back) takes its first occurrence.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from engine.nodes.common import WEEKDAYS, parse_time_of_day


def at_local(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The instant the wall clock in `tz` shows `day at` (see module doc for gaps)."""
    local = datetime.combine(day, at, tzinfo=tz).replace(fold=0)
    # A non-existent wall time does not survive a round trip through UTC.
    round_trip = local.astimezone(timezone.utc).astimezone(tz)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        local = round_trip
    return local.astimezone(timezone.utc)


def next_time_of_day(
    now: datetime, tz: ZoneInfo, at: time | None, weekdays: list[str] | None = None
) -> datetime:
    """The first instant >= now whose local time is `at` (any time if None) on one of
    `weekdays` (any day if empty)."""
    allowed = {WEEKDAYS.index(d) for d in weekdays} if weekdays else set(range(7))
    local_now = now.astimezone(tz)
    for offset in range(0, 8):
        day = local_now.date() + timedelta(days=offset)
        if day.weekday() not in allowed:
            continue
        if at is None:
            return now if offset == 0 else at_local(day, time(0, 0), tz)
        candidate = at_local(day, at, tz)
        if candidate >= now:
            return candidate
    raise AssertionError("a matching day always exists within 8 days")


def in_quiet_hours(now: datetime, tz: ZoneInfo, start: str, end: str) -> bool:
    local = now.astimezone(tz).time()
    begin, finish = parse_time_of_day(start), parse_time_of_day(end)
    if begin < finish:
        return begin <= local < finish
    return local >= begin or local < finish  # the window crosses midnight


def quiet_hours_end(now: datetime, tz: ZoneInfo, start: str, end: str) -> datetime:
    """When the quiet window that contains `now` ends (now itself when not quiet)."""
    if not in_quiet_hours(now, tz, start, end):
        return now
    return next_time_of_day(now, tz, parse_time_of_day(end))
