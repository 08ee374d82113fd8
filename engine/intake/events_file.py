"""Importing events from a JSON Lines file.

Contract: `import_events_jsonl(db, path, now=...)` reads one JSON object per line
(`{"at": ISO 8601, "contact": email, "name": text, "properties": {...}}`, checked by
`intake.parse_event`; blank lines are fine) and returns an `EventsImportReport`. It is all
or nothing: if any line is bad, every bad line is reported with its line number and reason
and nothing is written; otherwise all events go through `intake.record_events` (source
"import") in ONE transaction. An unreadable or non-UTF-8 file raises `InputError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.files import strict_json
from engine.contacts.report import RejectedRow, read_text
from engine.words import plural
from engine.db.database import Database
from engine.db.models import Contact
from engine.errors import InputError
from engine.intake.events import EventInput, parse_event, record_events

SOURCE = "import"


@dataclass
class EventsImportReport:
    file: str
    #: events read (blank lines not counted)
    events: int = 0
    recorded: int = 0
    contacts_created: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    written: bool = False

    def summary(self) -> str:
        head = f"{self.file}: {plural(self.events, 'event')} read."
        if self.rejected:
            return (
                f"{head}\nNothing was imported: {plural(len(self.rejected), 'line')} "
                "with problems; fix them and import the file again."
            )
        return (
            f"{head}\n{plural(self.recorded, 'event')} recorded; "
            f"{plural(self.contacts_created, 'new contact')} created."
        )


def import_events_jsonl(db: Database, path: str | Path, *, now: datetime) -> EventsImportReport:
    path = Path(path)
    report = EventsImportReport(file=path.name)
    events: list[EventInput] = []
    # split("\n"), not splitlines(): U+2028 and friends may sit raw inside JSON strings.
    for number, line in enumerate(read_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        report.events += 1
        try:
            events.append(parse_event(_decode(line), f"line {number}"))
        except InputError as exc:
            report.rejected.append(RejectedRow(number, _contact_of(line), exc.reason))
    if report.rejected or not events:
        return report
    with db.session() as session:
        before = _count_contacts(session)
        report.recorded = len(record_events(session, events, now=now, source=SOURCE))
        report.contacts_created = _count_contacts(session) - before
    report.written = True
    return report


def _decode(line: str) -> object:
    try:
        return strict_json.loads(line)
    except strict_json.JsonProblem as exc:
        reason = exc.reason.removeprefix("not valid JSON: ")
        if reason != exc.reason:
            raise InputError(f"not valid JSON ({reason} at column {exc.column})") from None
        raise InputError(f"{reason} (column {exc.column})") from None


def _contact_of(line: str) -> str:
    """The line's contact as written, to name a rejected line; "" when there is none."""
    try:
        contact = strict_json.loads(line).get("contact")
    except (strict_json.JsonProblem, AttributeError):
        return ""
    if not isinstance(contact, str) or strict_json.text_problem(contact):
        return ""  # a NUL or lone surrogate could not even be printed
    return contact[:200]


def _count_contacts(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Contact)).scalar_one()
