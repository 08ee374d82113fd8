"""The guards as typed on a command line, read once for every command that takes them
(`rules set`, `simulate`).

Contract: `parse_cap("2/7d")` → `engine.settings.FrequencyCap`, `"off"` → None;
`parse_quiet("21:00-08:00")` → `engine.journey.data.QuietHours`, `"off"` → None;
`parse_zone("Europe/Paris")` → the name, checked. A malformed value raises
`app.cli.UsageError` saying what was expected, with an example.
"""

from __future__ import annotations

import re

from app.cli import UsageError

_QUIET = re.compile(r"^(\d\d:\d\d)-(\d\d:\d\d)$")
_CAP = re.compile(r"^(\d+)/(.+)$")


def parse_cap(text: str):
    from pydantic import ValidationError

    from engine.settings import FrequencyCap

    if text.strip().lower() == "off":
        return None
    match = _CAP.match(text.strip())
    try:
        if match is None:
            raise ValueError
        return FrequencyCap(count=int(match.group(1)), within=match.group(2))
    except (ValueError, ValidationError):
        raise UsageError(f"--frequency-cap takes N/DURATION, e.g. 2/7d, or off (not {text!r})"
                         ) from None


def parse_quiet(text: str):
    from pydantic import ValidationError

    from engine.journey.data import QuietHours

    if text.strip().lower() == "off":
        return None
    match = _QUIET.match(text.strip())
    try:
        if match is None:
            raise ValueError("--quiet-hours takes HH:MM-HH:MM, e.g. 21:00-08:00, or off")
        return QuietHours(start=match.group(1), end=match.group(2))
    except ValidationError as error:
        from engine.errors import validation_words

        raise UsageError(f"--quiet-hours: {validation_words(error, places=False)}") from None
    except ValueError as error:
        raise UsageError(f"{error} (not {text!r})") from None


def parse_zone(text: str) -> str:
    from engine.clock import zone

    try:
        zone(text)
    except ValueError as error:
        raise UsageError(f"--timezone: {error} (an IANA name, e.g. Europe/Paris)") from None
    return text
