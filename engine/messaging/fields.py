"""Which contact fields exist, for lint's "Unknown field" errors and their suggestions.

Contract:
- `STANDARD_FIELDS`: the fields every contact has (values.ContactInfo).
- `custom_fields_seen(session)`: the custom attribute names at least one stored contact
  has (the keys of `contact.attributes`), read with one query on SQLite or PostgreSQL.
- `suggestion(name, known)`: " — did you mean 'first_name'?" or "".
"""

from __future__ import annotations

import difflib
from typing import Collection

from sqlalchemy import text
from sqlalchemy.orm import Session

STANDARD_FIELDS = frozenset({"email", "first_name", "last_name", "full_name", "timezone",
                             "country", "locale", "lead_score", "attributes"})

_KEYS = {
    "sqlite": "SELECT DISTINCT j.key FROM contact, json_each(contact.attributes) AS j "
              "WHERE json_type(contact.attributes) = 'object'",
    "postgresql": "SELECT DISTINCT jsonb_object_keys(attributes::jsonb) FROM contact "
                  "WHERE jsonb_typeof(attributes::jsonb) = 'object'",
}


def custom_fields_seen(session: Session) -> frozenset[str]:
    query = _KEYS.get(session.get_bind().dialect.name)
    if query is None:
        return frozenset()
    return frozenset(str(key) for (key,) in session.execute(text(query)))


def suggestion(name: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
    return f" — did you mean '{close[0]}'?" if close else ""
