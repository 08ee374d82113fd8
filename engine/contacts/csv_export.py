"""Exporting contacts to CSV.

Contract: `export_contacts_csv(db, path_or_file)` writes one row per contact (oldest first)
and returns how many it wrote; `where` (an SQL condition on `contact`, such as
`directory.condition(query)`) keeps only the contacts it picks. Columns: `columns.EXPORT_COLUMNS` — `consent` (yes/no/empty)
and `consent_date` describe the contact's latest marketing consent — then one column per
custom attribute key found on any contact, sorted. `import_contacts_csv` reads the file back
to the same contacts, attributes and consent state. A file path is written as UTF-8 with a
byte-order mark, so Excel shows accents right; an open text file is written as it is.
Attribute values that are not text (set through the API) are written as JSON and come back
from an import as text. Every cell that a spreadsheet would run as a formula (`=`, `+`,
`-`, `@`, tab, CR first) gets a leading apostrophe (`engine.files.csv_formula`, the OWASP rule);
the import removes it again, so the round trip is unchanged. `raw=True` writes cells as
they are (for tools that are not spreadsheets).
"""

from __future__ import annotations

import csv
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import select

from engine.contacts.columns import EXPORT_COLUMNS
from engine.files.csv_formula import neutralise
from engine.contacts.store import CONSENT_PURPOSE
from engine.db.database import Database
from engine.db.models import Consent, Contact

_CONTACT_COLUMNS = [name for name in EXPORT_COLUMNS if not name.startswith("consent")]


def export_contacts_csv(db: Database, path_or_file: str | Path | TextIO, *,
                        raw: bool = False, where: Any = None) -> int:
    with db.session() as session:
        statement = select(
            *(Contact.__table__.c[name] for name in _CONTACT_COLUMNS),
            Contact.id,
            Contact.attributes,
        ).order_by(Contact.id)
        if where is not None:
            statement = statement.where(where)
        contacts = session.execute(statement).all()
        latest_consent = {
            contact_id: (granted, recorded_at)
            for contact_id, granted, recorded_at in session.execute(
                select(Consent.contact_id, Consent.granted, Consent.recorded_at)
                .where(Consent.purpose == CONSENT_PURPOSE)
                .order_by(Consent.recorded_at, Consent.id)
            )
        }
    attribute_keys = sorted({key for contact in contacts for key in contact.attributes})

    # A contact may be named =HYPERLINK(...): cells are neutralised unless `raw` is asked.
    cell = (lambda value: value) if raw else neutralise

    def rows():
        yield [*EXPORT_COLUMNS, *(cell(key) for key in attribute_keys)]
        for contact in contacts:
            granted, recorded_at = latest_consent.get(contact.id, (None, None))
            standard = {name: _text(getattr(contact, name)) for name in _CONTACT_COLUMNS}
            standard["consent"] = "" if granted is None else ("yes" if granted else "no")
            standard["consent_date"] = _text(recorded_at)
            yield [
                *(cell(standard[name]) for name in EXPORT_COLUMNS),
                *(cell(_text(contact.attributes.get(key))) for key in attribute_keys),
            ]

    if isinstance(path_or_file, (str, Path)):
        with open(path_or_file, "w", newline="", encoding="utf-8-sig") as file:
            csv.writer(file).writerows(rows())
    else:
        csv.writer(path_or_file).writerows(rows())
    return len(contacts)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False)
