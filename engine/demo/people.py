"""The demo shop's fictional customers: names, emails, time zones, consent and habits.

Contract: `make_people(rng, count, first_day, now)` returns `count` `Person`s with unique
emails on the reserved `.example`-style domains (example.com/.net/.org: no real inbox can
get mail from the demo), plausible names from the bundled lists, a time zone with its
country and locale (weighted like a small shop with mostly North American and European
customers), a sign-up time in [first_day, now), whether they agreed to marketing email at
sign-up, one or two favourite categories and a habit: `engaged`, `casual` or `dormant`
(dormant people hardly come back, so some are inactive long enough for re-engagement).
Pure and deterministic for a given `rng`: no database, no clock.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import resources

DEMO_DIR = Path(resources.__file__).parent / "demo"
DOMAINS = ("example.com", "example.net", "example.org")
#: (time zone, country, locale, weight)
PLACES = (
    ("America/New_York", "US", "en-US", 20), ("America/Chicago", "US", "en-US", 10),
    ("America/Denver", "US", "en-US", 4), ("America/Los_Angeles", "US", "en-US", 12),
    ("America/Toronto", "CA", "en-CA", 6), ("Europe/London", "GB", "en-GB", 12),
    ("Europe/Dublin", "IE", "en-IE", 3), ("Europe/Berlin", "DE", "de-DE", 7),
    ("Europe/Paris", "FR", "fr-FR", 6), ("Europe/Madrid", "ES", "es-ES", 4),
    ("Europe/Amsterdam", "NL", "nl-NL", 3), ("Europe/Stockholm", "SE", "sv-SE", 2),
    ("Australia/Sydney", "AU", "en-AU", 5), ("Pacific/Auckland", "NZ", "en-NZ", 2),
    ("Asia/Tokyo", "JP", "ja-JP", 2), ("Asia/Singapore", "SG", "en-SG", 2),
)
#: habit → share of customers
HABITS = {"engaged": 0.25, "casual": 0.5, "dormant": 0.25}
#: share of sign-ups who tick "email me news and offers"
MARKETING_OPT_IN = 0.85


@dataclass(frozen=True)
class Person:
    email: str
    first_name: str
    last_name: str
    timezone: str
    country: str
    locale: str
    signed_up_at: datetime
    opted_in: bool
    habit: str
    categories: tuple[str, ...]


def read_lines(name: str) -> list[str]:
    """A bundled word list: one entry a line, `#` comments and blank lines skipped."""
    text = (DEMO_DIR / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _ascii(text: str) -> str:
    """'Zoë O'Brien' → 'zoeobrien': the part of an address a name becomes."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def daytime(rng: random.Random, instant: datetime, zone_name: str) -> datetime:
    """A moment between 07:00 and 22:59 on the local day of `instant`, as UTC."""
    zone = ZoneInfo(zone_name)
    local = datetime.combine(instant.astimezone(zone).date(),
                             time(rng.randint(7, 22), rng.randint(0, 59)), zone)
    return local.astimezone(timezone.utc)


def make_people(rng: random.Random, count: int, first_day: datetime, now: datetime,
                categories: list[str]) -> list[Person]:
    first_names, last_names = read_lines("first_names.txt"), read_lines("last_names.txt")
    places, weights = PLACES, [p[3] for p in PLACES]
    span = (now - first_day).total_seconds()
    people, taken = [], set()
    for _ in range(count):
        first, last = rng.choice(first_names), rng.choice(last_names)
        local = f"{_ascii(first)}.{_ascii(last)}"
        domain = rng.choice(DOMAINS)
        email, n = f"{local}@{domain}", 1
        while email in taken:  # 500 people share ~9,000 names: a number settles a clash
            n += 1
            email = f"{local}{n}@{domain}"
        taken.add(email)
        zone, country, locale, _ = rng.choices(places, weights)[0]
        # more recent sign-ups than old ones (a shop that is growing), in the daytime
        instant = first_day + timedelta(seconds=span * rng.random() ** 0.8)
        signed_up_at = daytime(rng, instant, zone)
        if not first_day <= signed_up_at < now:
            signed_up_at = instant.replace(second=0, microsecond=0)
        people.append(Person(
            email=email, first_name=first, last_name=last, timezone=zone,
            country=country, locale=locale, signed_up_at=signed_up_at,
            opted_in=rng.random() < MARKETING_OPT_IN,
            habit=rng.choices(list(HABITS), list(HABITS.values()))[0],
            categories=tuple(rng.sample(categories, rng.choice((1, 1, 2)))),
        ))
    return people
