"""Which CSV column means which contact field.

Contract: `standard_field(header)` names the contact field a column header stands for
("E-mail", "EMAIL_ADDRESS" and "Email Address" all mean `email`), comparing headers without
case, spaces or punctuation; None means the column is a custom attribute. The aliases cover
the exports of common email tools (Mailchimp's FNAME/OPTIN_TIME/CC, Shopify's "Accepts
Email Marketing", …). `EXPORT_COLUMNS` are the headers an export writes; each maps back to
its own field, so an export re-imports unchanged.
"""

from __future__ import annotations

import re

FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "email": ("Email", "Email Address", "E-mail", "email_address"),
    "first_name": ("First Name", "FNAME", "Given Name"),
    "last_name": ("Last Name", "LNAME", "Surname", "Family Name"),
    "timezone": ("Timezone", "Time Zone", "TZ"),
    "locale": ("Locale", "Language"),
    "country": ("Country", "Country Code", "CC"),
    "lead_score": ("Lead Score",),
    "status": ("Status",),
    "consent": (
        "Consent",
        "Opt In",
        "Marketing Consent",
        "Email Consent",
        "Accepts Marketing",
        "Accepts Email Marketing",
    ),
    "consent_date": ("Opt-in Time", "Opt-in Date", "Consent Date", "Consent Time"),
}

#: the standard columns of an export, in order (attribute columns follow)
EXPORT_COLUMNS: tuple[str, ...] = tuple(FIELD_ALIASES)

#: what each field is called in messages
FIELD_LABELS: dict[str, str] = {
    "email": "email",
    "first_name": "first name",
    "last_name": "last name",
    "timezone": "time zone",
    "locale": "language",
    "country": "country",
    "lead_score": "lead score",
    "status": "status",
    "consent": "consent",
    "consent_date": "consent date",
}

_NOT_LETTERS_OR_DIGITS = re.compile(r"[\W_]+")


def squash(header: str) -> str:
    """A header reduced to letters and digits: "Opt-in Time" → "optintime"."""
    return _NOT_LETTERS_OR_DIGITS.sub("", header.casefold())


_BY_SQUASHED: dict[str, str] = {
    squash(spelling): field
    for field, spellings in FIELD_ALIASES.items()
    for spelling in (field, *spellings)
}


def standard_field(header: str) -> str | None:
    return _BY_SQUASHED.get(squash(header))
