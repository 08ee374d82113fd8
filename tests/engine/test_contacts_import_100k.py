"""A 100,000-row import with bad rows scattered: exact line numbers and counts (its speed
is measured by tests/benchmarks/contacts_import.py)."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.contacts.csv_import import import_contacts_csv
from engine.db.models import Consent, Contact, ListMembership
from tests.benchmarks.contacts_import import write_sample_csv

ROWS = 100_000


def test_100k_rows_with_scattered_bad_rows(db, clock, tmp_path):
    path = tmp_path / "big.csv"
    bad_lines = write_sample_csv(path, ROWS, bad_every=1000)

    report = import_contacts_csv(db, path, list_name="Everyone", now=clock.now())

    assert len(bad_lines) == 100
    assert [row.line for row in report.rejected] == bad_lines
    assert [str(row) for row in report.rejected[:4]] == [
        "line 502: user500.example.com: An email address must have an @-sign.",
        'line 1502: user.1500@example0.com: time zone "Mars/Olympus" is not known '
        "(use a name like Europe/Paris)",
        'line 2502: user.2500@example0.com: country must be a 2-letter code like US or FR, '
        'not "France"',
        'line 3502: user.3500@example0.com: lead score must be a whole number, not "lots"',
    ]
    assert (report.rows, report.created, report.updated) == (ROWS, ROWS - 100, 0)
    with db.session() as session:
        for model in (Contact, Consent, ListMembership):
            assert session.scalar(select(func.count()).select_from(model)) == ROWS - 100
