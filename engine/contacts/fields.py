"""Checking and normalising contact fields, shared by the CSV import and the contact API.

Contract: each `clean_*`/`parse_*` function takes a raw value (non-empty, stripped text;
`clean_lead_score` also takes a JSON number) and returns the value to store, or raises
`InputError` whose message names the field and the bad value in words a marketer
understands. Nothing here touches the database.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from engine.db.models import ContactStatus
from engine.errors import InputError

NAME_MAX_LENGTH = 200
ATTRIBUTE_KEY_MAX_LENGTH = 64
# Lead scores live in a 32-bit INTEGER column on every backend.
_LEAD_SCORE_RANGE = (-(2**31), 2**31 - 1)
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
_COUNTRY = re.compile(r"[A-Za-z]{2}")
_NON_WORD = re.compile(r"[\W_]+")

_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})
# Other tools' words for our statuses (Mailchimp calls bounced addresses "cleaned").
_STATUS_ALIASES = {"subscribed": ContactStatus.ACTIVE, "cleaned": ContactStatus.BOUNCED}


def clean_name(raw: str, label: str) -> str:
    if len(raw) > NAME_MAX_LENGTH:
        raise InputError(f"{label} is longer than {NAME_MAX_LENGTH} characters")
    return raw


def clean_timezone(raw: str) -> str:
    """An IANA time zone key, spelled as the tz database spells it ("europe/paris" is fine)."""
    key = _timezones().get(raw.lower())
    if key is None:
        raise InputError(f'time zone "{raw}" is not known (use a name like Europe/Paris)')
    return key


def clean_locale(raw: str) -> str:
    """A language tag such as `en`, `pt-BR` or `zh-Hant-TW` (`en_US` becomes `en-US`)."""
    if len(raw) > 35 or not _LOCALE.fullmatch(raw):
        raise InputError(f'language must be a code like en or pt-BR, not "{raw}"')
    first, *rest = raw.replace("_", "-").split("-")
    return "-".join([first.lower(), *(_case_subtag(tag) for tag in rest)])


def _case_subtag(tag: str) -> str:
    # BCP 47 conventions: regions upper case (BR), scripts title case (Hant), others lower.
    if len(tag) == 2 and tag.isalpha():
        return tag.upper()
    if len(tag) == 4 and tag.isalpha():
        return tag.title()
    return tag.lower()


def clean_country(raw: str) -> str:
    if not _COUNTRY.fullmatch(raw):
        raise InputError(f'country must be a 2-letter code like US or FR, not "{raw}"')
    return raw.upper()


def clean_lead_score(raw: Any) -> int:
    """A whole number; spreadsheets' "12.0" counts as 12."""
    try:
        number = float(raw) if isinstance(raw, str) else raw
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise ValueError
        score = int(number)
        if score != number:
            raise ValueError
    except (ValueError, OverflowError):
        raise InputError(f'lead score must be a whole number, not "{raw}"') from None
    low, high = _LEAD_SCORE_RANGE
    if not low <= score <= high:
        raise InputError(f"lead score {score} is out of range")
    return score


def clean_status(raw: str) -> str:
    status = raw.lower()
    status = _STATUS_ALIASES.get(status, status)
    if status not in ContactStatus.ALL:
        choices = ", ".join(ContactStatus.ALL)
        raise InputError(f'status must be one of {choices}, not "{raw}"')
    return status


def parse_yes_no(raw: str, label: str) -> bool:
    word = raw.lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise InputError(f'{label} must be yes or no, not "{raw}"')


def parse_consent_time(raw: str) -> datetime:
    """An ISO 8601 date or time. Exports rarely carry an offset, so a time without one is UTC."""
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise InputError(
            f'consent date must look like 2024-05-31 or 2024-05-31T14:00:00Z, not "{raw}"'
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def attribute_key(header: str) -> str:
    """A header as a custom attribute key: "Plan Type" → "plan_type", "Prénom" → "prénom"."""
    return _NON_WORD.sub("_", header.lower()).strip("_")


def check_attribute_key(key: str) -> None:
    """API keys must already be what a CSV header becomes, so exports re-import unchanged."""
    if not key or len(key) > ATTRIBUTE_KEY_MAX_LENGTH or attribute_key(key) != key:
        raise InputError(
            f'attribute name "{key}" must be lower-case words joined by underscores, '
            f"like plan_type (at most {ATTRIBUTE_KEY_MAX_LENGTH} characters)"
        )


@lru_cache(maxsize=1)
def _timezones() -> dict[str, str]:
    # "localtime" and "Factory" are artefacts of the host's tz files, not places.
    keys = zoneinfo.available_timezones() - {"localtime", "Factory", "posixrules"}
    return {key.lower(): key for key in keys}
