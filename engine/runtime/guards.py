"""The guards every marketing email passes, in one place and in this order:

1. suppression — bounced contacts get nothing; unsubscribed or complained contacts get no
   marketing email (transactional email still goes);
2. consent — a withdrawn consent blocks marketing email; with `consent_required`, so does
   the absence of a granted one;
3. catch-up — a step overdue by more than the grace period (the app was closed) is sent
   late, skipped, or held to the same local time on the next day, per journey;
4. quiet hours — held to the end of the window in the contact's timezone;
5. frequency cap — at most N marketing emails per contact per D across all journeys;
   over it, the step is postponed until a slot frees or skipped (node option). Within a
   tick, higher-priority journeys run first, so they get the slot.

Transactional emails pass 3–5 untouched. The rules of 1 and 2 are engine/contacts/sendable.py's
(delivery checks them again before sending). Each returns None (pass) or a Hold/Skip outcome;
the caller logs it with its reason.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from engine.clock import zone
from engine.contacts.sendable import consent_reason, suppression_reason
from engine.journey.data import QuietHours
from engine.runtime.outcomes import Hold, Skip
from engine.runtime.schedule import next_time_of_day, quiet_hours_end


def contact_zone(contact: dict, default_timezone: str):
    try:
        return zone(contact.get("timezone") or default_timezone)
    except ValueError:
        return zone(default_timezone)


def check_suppression(contact: dict, transactional: bool) -> Skip | None:
    reason = suppression_reason(contact["status"], transactional)
    return None if reason is None else Skip(reason)


def check_consent(latest: bool | None, required: bool) -> Skip | None:
    """`latest`: the contact's latest email-marketing consent (None: none recorded)."""
    reason = consent_reason(latest, required)
    return None if reason is None else Skip(reason)


def check_catch_up(policy: str, was_due_at: datetime | None, now: datetime, grace: timedelta,
                   tz) -> Hold | Skip | None:
    if was_due_at is None or now - was_due_at <= grace or policy == "send_late":
        return None
    if policy == "skip":
        return Skip("overdue", {"due_at": was_due_at.isoformat()})
    local = was_due_at.astimezone(tz).time().replace(second=0, microsecond=0)
    return Hold(next_time_of_day(now, tz, local), "catch_up", {"due_at": was_due_at.isoformat()})


def check_quiet_hours(quiet: QuietHours | None, now: datetime, tz) -> Hold | None:
    if quiet is None:
        return None
    until = quiet_hours_end(now, tz, quiet.start, quiet.end)
    return Hold(until, "quiet_hours") if until > now else None


def check_frequency_cap(sent: list[datetime], count: int, within: timedelta, now: datetime,
                        when_capped: str) -> Hold | Skip | None:
    recent = [at for at in sent if at > now - within]
    if len(recent) < count:
        return None
    if when_capped == "skip":
        return Skip("frequency_cap", {"cap": count})
    # the slot frees when the oldest email that counts leaves the window
    frees_at = sorted(recent)[len(recent) - count] + within
    return Hold(max(frees_at, now + timedelta(seconds=1)), "frequency_cap", {"cap": count})
