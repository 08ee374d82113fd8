"""Importing contacts from a CSV file.

Contract: `import_contacts_csv(db, path, list_name=None, now=..., strict=False)` reads and
checks the whole file first, then writes in ONE transaction (a crash never leaves half an
import), and returns an `ImportReport`.
- Columns map by header, ignoring case, spaces and punctuation (`columns.py` lists the
  aliases); any other column becomes a custom attribute keyed by its header in snake_case.
  Empty cells never overwrite anything.
- Each row is checked: email (`normalise_email`), time zone, language, country, lead score,
  status, consent (yes/no/true/false/1/0) and consent date. A bad row is rejected with its
  line number (the header is line 1) and every reason; the other rows import. With
  `strict=True` a single bad row means nothing is written.
- Rows with the same email merge, later non-empty values winning; existing contacts are
  updated, never duplicated, and never re-subscribed (`store.py` has the rules).
- A consent cell — or an opt-in date alone, which is how Mailchimp exports record opt-ins —
  becomes a consent row: source "import", recorded at the date given (UTC when the file has
  no offset) or at `now`, evidence = file name, line and the raw consent cells. A cell
  without a date that agrees with the contact's latest consent adds no row.
- `list_name` puts every imported contact (created, updated or unchanged) on that list,
  creating it if needed.
- `mapping` (column index → a standard field, `attributes.KEY`, or None to skip the column;
  the import wizard's choices, see `csv_preview.py`) replaces the header-based mapping for
  the columns it names. The same rules apply: one email column, no two columns for a field.
- `progress(fraction)` is called as rows are read and written; when `cancelled()` turns
  true the import raises `ImportCancelled` and the transaction is rolled back: nothing is
  written.
- File-level problems raise `InputError` and write nothing: a missing or non-UTF-8 file (a
  byte-order mark is fine), an empty file, no email column, two columns meaning one field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from engine.contacts import fields as clean
from engine.contacts.columns import FIELD_LABELS, standard_field
from engine.contacts.emails import normalise_email
from engine.contacts.lists import add_to_list
from engine.files.csv_formula import restore
from engine.files.csv_records import csv_records
from engine.contacts.report import RejectedRow, read_text
from engine.words import plural
from engine.contacts.store import ConsentChange, ContactChange, apply_contact_changes
from engine.db.database import Database
from engine.errors import InputError, TrellisError

SOURCE = "import"
ATTRIBUTE_PREFIX = "attributes."
#: rows between two progress reports (and cancel checks)
PROGRESS_EVERY = 1000


class ImportCancelled(TrellisError):
    """The import was cancelled before it finished: nothing was written."""
_CONSENT_FIELDS = ("consent", "consent_date")

_CLEANERS: dict[str, Callable[[str], Any]] = {
    "email": normalise_email,
    "first_name": lambda raw: clean.clean_name(raw, "first name"),
    "last_name": lambda raw: clean.clean_name(raw, "last name"),
    "timezone": clean.clean_timezone,
    "locale": clean.clean_locale,
    "country": clean.clean_country,
    "lead_score": clean.clean_lead_score,
    "status": clean.clean_status,
    "consent": lambda raw: clean.parse_yes_no(raw, "consent"),
    "consent_date": clean.parse_consent_time,
}


@dataclass
class ImportReport:
    file: str
    strict: bool = False
    #: data rows read (blank rows not counted)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: rows folded into an earlier row with the same email
    merged_duplicates: int = 0
    #: existing contacts whose suppressed status the file tried to lift
    kept_suppressed: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    list_name: str | None = None
    added_to_list: int = 0
    #: False when nothing was written (strict import with rejected rows, or nothing to import)
    written: bool = False

    def summary(self) -> str:
        lines = [f"{self.file}: {plural(self.rows, 'row')} read."]
        if self.strict and self.rejected:
            lines.append(
                f"Nothing was imported: {plural(len(self.rejected), 'row')} rejected "
                "and the import is strict."
            )
        else:
            lines.append(
                f"{plural(self.created, 'contact')} created, {self.updated:,} updated, "
                f"{self.unchanged:,} unchanged; "
                f"{plural(self.merged_duplicates, 'duplicate row')} merged; "
                f"{plural(len(self.rejected), 'row')} rejected."
            )
            if self.list_name is not None:
                added = plural(self.added_to_list, "contact")
                lines.append(f'{added} added to list "{self.list_name}".')
            if self.kept_suppressed:
                lines.append(
                    f"{plural(self.kept_suppressed, 'contact')} kept an unsubscribed, bounced "
                    "or complained status: an import never re-subscribes anyone."
                )
        lines.extend(f"Warning: {warning}" for warning in self.warnings)
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class _Column:
    index: int
    header: str
    #: the standard field, or None for a custom attribute
    field: str | None
    #: the attribute key ("" for a column without a usable header, which is skipped)
    key: str
    #: skipped by choice (the wizard): its values are ignored without a warning
    skipped: bool = False


def import_contacts_csv(
    db: Database,
    path: str | Path,
    *,
    list_name: str | None = None,
    now: datetime,
    strict: bool = False,
    mapping: dict[int, str | None] | None = None,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    path = Path(path)
    report = ImportReport(file=path.name, strict=strict, list_name=list_name)
    tick = _Progress(progress, cancelled)
    changes = _read_changes(path, report, now, mapping or {}, tick)
    if not changes or (strict and report.rejected):
        return report
    with db.session() as session:
        pending = list(changes.values())
        outcome = None
        for start in range(0, len(pending), PROGRESS_EVERY):
            # One transaction for all chunks: a cancel between two rolls everything back.
            part = apply_contact_changes(session, pending[start : start + PROGRESS_EVERY],
                                         now=now)
            outcome = part if outcome is None else _add(outcome, part)
            tick(0.5 + 0.5 * min(start + PROGRESS_EVERY, len(pending)) / len(pending))
        if list_name is not None:
            report.added_to_list = add_to_list(
                session, list_name, outcome.ids.values(), now=now, source=SOURCE
            )
    report.created, report.updated = outcome.created, outcome.updated
    report.unchanged, report.kept_suppressed = outcome.unchanged, outcome.kept_suppressed
    report.written = True
    return report


class _Progress:
    """Reports progress (reading is the first half, writing the second) and checks cancel."""

    def __init__(self, progress, cancelled):
        self._progress, self._cancelled = progress, cancelled

    def __call__(self, fraction: float) -> None:
        if self._cancelled is not None and self._cancelled():
            raise ImportCancelled("the import was cancelled; nothing was imported")
        if self._progress is not None:
            self._progress(fraction)


def _add(total, part):
    total.ids.update(part.ids)
    total.created += part.created
    total.updated += part.updated
    total.unchanged += part.unchanged
    total.kept_suppressed += part.kept_suppressed
    return total


def _read_changes(path: Path, report: ImportReport, now: datetime,
                  mapping: dict[int, str | None], tick: _Progress) -> dict[str, ContactChange]:
    """One merged change per email; rejected rows and warnings go into the report."""
    text = read_text(path)
    lines = max(1, text.count("\n"))
    if not text.strip():
        raise InputError(f"{path.name} is empty")
    records = csv_records(text, delimiter=_delimiter(text))
    changes: dict[str, ContactChange] = {}
    headerless_with_values: set[int] = set()
    try:
        _, headers = next(records)
    except StopIteration:
        raise InputError(f"{path.name} is empty") from None
    except InputError as exc:
        raise InputError(f"{path.name}, {exc}") from None
    columns = _map_columns([restore(header.strip()) for header in headers], mapping)
    width = len(headers)
    email_index = next(c.index for c in columns if c.field == "email")
    headerless = [c.index for c in columns if c.field is None and not c.key and not c.skipped]
    try:
        for line, cells in records:
            if not "".join(cells).strip():
                continue
            report.rows += 1
            if report.rows % PROGRESS_EVERY == 0:
                tick(0.5 * min(1.0, line / lines))
            if len(cells) > width:
                report.rejected.append(
                    RejectedRow(
                        line,
                        cells[email_index].strip(),
                        f"the row has {len(cells)} cells but the header has {width} "
                        "columns (a value with a comma in it needs quotes)",
                    )
                )
                continue
            # Spreadsheets drop trailing empty cells, so a short row is padded with empties.
            cells.extend([""] * (width - len(cells)))
            if headerless:
                headerless_with_values.update(i for i in headerless if cells[i].strip())
            try:
                change = _parse_row(cells, columns, email_index, line, report.file, now)
            except _RowProblems as problems:
                report.rejected.append(RejectedRow(line, problems.value, problems.reason))
                continue
            earlier = changes.get(change.email)
            if earlier is None:
                changes[change.email] = change
            else:
                earlier.fields.update(change.fields)
                earlier.attributes.update(change.attributes)
                earlier.consents = change.consents or earlier.consents
                report.merged_duplicates += 1
    except InputError as exc:  # the file itself is broken: nothing of it is imported
        raise InputError(f"{path.name}, {exc}; nothing was imported") from None
    report.warnings.extend(
        f"column {index + 1} has no header, so its values were not imported"
        for index in sorted(headerless_with_values)
    )
    return changes


def _delimiter(text: str) -> str:
    # Spreadsheets in many European locales save CSV with semicolons; tools export tabs.
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count)


def _map_columns(headers: list[str], mapping: dict[int, str | None]) -> list[_Column]:
    if not any(header.strip() for header in headers):
        raise InputError("line 1 should hold the column names, but it is empty")
    columns: list[_Column] = []
    meaning: dict[str, str] = {}  # field or attribute key → the header that claimed it
    for index, raw_header in enumerate(headers):
        header = raw_header.strip()
        if index in mapping:
            standard, key = _chosen(mapping[index], header)
            if standard is None and not key:
                columns.append(_Column(index, header, None, "", skipped=True))
                continue
        else:
            standard = standard_field(header)
            key = "" if standard else clean.attribute_key(header)
        if standard or key:
            claim = standard or f"attribute {key}"
            if claim in meaning:
                what = FIELD_LABELS[standard] if standard else f'the custom field "{key}"'
                raise InputError(
                    f'columns "{meaning[claim]}" and "{header}" both mean {what}; keep only one'
                )
            meaning[claim] = header
        columns.append(_Column(index, header, standard, key))
    if "email" not in meaning:
        found = ", ".join(f'"{c.header}"' for c in columns if c.header)
        raise InputError(f"no email column: name one of the columns Email (found {found})")
    return columns


def _chosen(choice: str | None, header: str) -> tuple[str | None, str]:
    """(standard field, attribute key) for a wizard's choice about one column."""
    if choice is None or choice == "":
        return None, ""
    if choice.startswith(ATTRIBUTE_PREFIX):
        key = choice[len(ATTRIBUTE_PREFIX):]
        clean.check_attribute_key(key)
        return None, key
    if choice not in FIELD_LABELS:
        raise InputError(f'column "{header}": {choice!r} is not a contact field')
    return choice, ""


class _RowProblems(Exception):
    """A row's problems: `value` names the row (its email), `reason` lists every problem."""

    def __init__(self, value: str, reason: str):
        super().__init__(reason)
        self.value, self.reason = value, reason


def _parse_row(
    cells: list[str],
    columns: list[_Column],
    email_index: int,
    line: int,
    file_name: str,
    now: datetime,
) -> ContactChange:
    values: dict[str, Any] = {}
    attributes: dict[str, str] = {}
    consent_cells: dict[str, str] = {}
    problems: list[str] = []
    for column in columns:
        raw = cells[column.index]
        if not raw or not (raw := restore(raw.strip())):  # undo the export's formula guard
            continue
        if column.field is None:
            if column.key:
                attributes[column.key] = raw
            continue
        if column.field in _CONSENT_FIELDS:
            consent_cells[column.header] = raw
        try:
            values[column.field] = _CLEANERS[column.field](raw)
        except InputError as exc:
            problems.append(exc.reason)
    email = values.pop("email", None)
    raw_email = restore(cells[email_index].strip())
    if not raw_email:
        problems.insert(0, "the email address is empty")
    if problems:
        raise _RowProblems(email or raw_email, "; ".join(problems))
    change = ContactChange(email=email, fields=values, attributes=attributes)
    granted = values.pop("consent", None)
    given_at = values.pop("consent_date", None)
    if granted is not None or given_at is not None:
        change.consents.append(
            ConsentChange(
                granted=True if granted is None else granted,
                source=SOURCE,
                recorded_at=given_at or now,
                evidence={"file": file_name, "line": line, "values": consent_cells},
                only_if_changed=given_at is None,
            )
        )
    return change
