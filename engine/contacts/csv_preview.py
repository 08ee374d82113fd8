"""What the import wizard shows before importing: the columns, their detected meaning, and
the first rows.

Contract: `preview_csv(path, rows=5)` reads the file (the same reading rules and file-level
errors as `csv_import`: UTF-8, comma/semicolon/tab) and returns a `CsvPreview`: `headers`,
`detected` (per column: a standard field name, `attributes.KEY` for a custom attribute, or
None when the header gives no usable name) and `rows` (the first data rows, padded to the
header's width). `CHOICES` lists what a column may be mapped to, with labels. The wizard
passes the user's choices to `import_contacts_csv(mapping=...)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.contacts import fields as clean
from engine.contacts.columns import FIELD_LABELS, standard_field
from engine.contacts.csv_import import ATTRIBUTE_PREFIX, _delimiter
from engine.contacts.report import read_text
from engine.errors import InputError
from engine.files.csv_formula import restore
from engine.files.csv_records import csv_records

#: (choice, label) for each standard field; custom attributes are `attributes.KEY`
CHOICES: list[tuple[str, str]] = [(name, label.capitalize()) for name, label in
                                  FIELD_LABELS.items()]


@dataclass(frozen=True, slots=True)
class CsvPreview:
    headers: list[str]
    detected: list[str | None]
    rows: list[list[str]]


def detect(header: str) -> str | None:
    standard = standard_field(header)
    if standard:
        return standard
    key = clean.attribute_key(header)
    return ATTRIBUTE_PREFIX + key if key else None


def preview_csv(path: str | Path, rows: int = 5) -> CsvPreview:
    path = Path(path)
    text = read_text(path)
    if not text.strip():
        raise InputError(f"{path.name} is empty")
    records = csv_records(text, delimiter=_delimiter(text))
    try:
        _, headers = next(records)
        headers = [restore(h.strip()) for h in headers]
        sample: list[list[str]] = []
        for _, cells in records:
            if len(sample) >= rows:
                break
            if "".join(cells).strip():
                sample.append((cells + [""] * len(headers))[: len(headers)])
    except StopIteration:
        raise InputError(f"{path.name} is empty") from None
    except InputError as exc:
        raise InputError(f"{path.name}, {exc}") from None
    return CsvPreview(headers, [detect(h) for h in headers], sample)
