"""import_events_jsonl: every bad line reported by number, all or nothing."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from engine.intake.events_file import import_events_jsonl
from engine.contacts.report import RejectedRow
from engine.db.models import Consent, Contact, Event
from engine.errors import InputError


def write(tmp_path, lines: list[str], name: str = "events.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def counts(db) -> tuple[int, int, int]:
    with db.session() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) for model in (Contact, Event, Consent)
        )


def line(**fields) -> str:
    return json.dumps(fields)


def test_a_good_file_is_recorded_in_one_go(db, clock, tmp_path):
    path = write(tmp_path, [
        line(at="2026-03-01T10:00:00Z", contact="ana@example.com", name="visit", properties={"page": "/"}),
        "",
        "   ",
        line(at="2026-03-01T11:00:00+01:00", contact="Bob@Example.com", name="order_placed",
             properties={"total": 12.5, "note": "a\u2028b"}),
        line(at="2026-03-01T12:00:00Z", contact="ana@example.com", name="unsubscribed"),
    ])
    report = import_events_jsonl(db, path, now=clock.now())
    assert (report.events, report.recorded, report.contacts_created, report.written) == (3, 3, 2, True)
    assert report.rejected == []
    assert report.summary() == "events.jsonl: 3 events read.\n3 events recorded; 2 new contacts created."
    assert counts(db) == (2, 3, 1)
    with db.session() as session:
        order = session.scalars(select(Event).where(Event.name == "order_placed")).one()
        ana = session.scalars(select(Contact).where(Contact.email == "ana@example.com")).one()
    assert order.occurred_at == datetime(2026, 3, 1, 10, tzinfo=timezone.utc)
    assert order.properties == {"total": 12.5, "note": "a\u2028b"}
    assert (order.source, order.processed_at) == ("import", None)
    assert ana.status == "unsubscribed"


def test_any_bad_line_means_nothing_is_written(db, clock, tmp_path):
    path = write(tmp_path, [
        line(at="2026-03-01T10:00:00Z", contact="ana@example.com", name="visit"),  # 1
        line(contact="ana@example.com"),                                         # 2
        "",                                                                      # 3
        line(at="2026-03-01T10:00:00", contact="bob@example.com", name="visit"),  # 4
        '{"contact": "cy@example.com", "name": "visit",}',                       # 5
        "[1, 2]",                                                                # 6
        line(contact="not-an-email", name="visit"),                              # 7
        line(at="soon", contact="dee@example.com", name="visit"),                # 8
        line(contact="eve@example.com", name="visit", props={}),                 # 9
        line(contact="fay@example.com", name="visit"),                           # 10
    ])
    report = import_events_jsonl(db, path, now=clock.now())
    assert [str(row) for row in report.rejected] == [
        'line 2: ana@example.com: "name" is missing',
        'line 4: bob@example.com: "at" has no timezone: add Z (UTC) or an offset such as +01:00 '
        "(like 2026-03-02T09:30:00Z or 2026-03-02T10:30:00+01:00)",
        "line 5: not valid JSON (Expecting property name enclosed in double quotes at column 47)",
        'line 6: an event must be a JSON object like {"contact": "ana@example.com", "name": "order_placed"}',
        'line 7: not-an-email: "contact" is not a valid email address: An email address must have an @-sign.',
        'line 8: dee@example.com: "at" is not an ISO 8601 time with a timezone '
        "(like 2026-03-02T09:30:00Z or 2026-03-02T10:30:00+01:00)",
        'line 9: eve@example.com: "props" is not an event field (use at, contact, name, properties)',
    ]
    assert report.rejected[0] == RejectedRow(2, "ana@example.com", '"name" is missing')
    assert (report.events, report.recorded, report.written) == (9, 0, False)
    assert report.summary() == (
        "events.jsonl: 9 events read.\n"
        "Nothing was imported: 7 lines with problems; fix them and import the file again."
    )
    assert counts(db) == (0, 0, 0)


def test_a_byte_order_mark_and_crlf_are_fine(db, clock, tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf" + line(contact="ana@example.com", name="visit").encode() + b"\r\n"
        + line(contact="bob@example.com", name="visit").encode() + b"\r\n"
    )
    report = import_events_jsonl(db, path, now=clock.now())
    assert (report.recorded, report.rejected) == (2, [])


def test_file_problems(db, clock, tmp_path):
    with pytest.raises(InputError, match="^file not found: "):
        import_events_jsonl(db, tmp_path / "missing.jsonl", now=clock.now())
    path = tmp_path / "latin.jsonl"
    good = line(contact="ana@example.com", name="visit").encode()
    path.write_bytes(good + b"\n" + '{"name": "caf\xe9"}'.encode("latin-1"))
    with pytest.raises(InputError, match=r"^latin.jsonl is not UTF-8 text \(first bad byte on line 2\)"):
        import_events_jsonl(db, path, now=clock.now())
    assert counts(db) == (0, 0, 0)


def test_an_empty_file_records_nothing(db, clock, tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n", encoding="utf-8")
    report = import_events_jsonl(db, path, now=clock.now())
    assert (report.events, report.written) == (0, False)
