"""`contacts import|export` and `events import` through app.cli.main: output and exit codes."""

from __future__ import annotations

import csv
import json

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.cli.contacts import MAX_SHOWN
from engine.db import open_database
from engine.db.models import Contact, ContactList, Event


def count(db_url, model) -> int:
    db = open_database(db_url)
    try:
        with db.session() as session:
            return session.scalar(select(func.count()).select_from(model))
    finally:
        db.dispose()


@pytest.fixture
def good_csv(tmp_path):
    path = tmp_path / "good.csv"
    path.write_text("Email,First Name\nana@example.com,Ana\nbob@example.com,Bob\n", encoding="utf-8")
    return path


def test_import_ok(db_url, good_csv, capsys):
    assert main(["--db", db_url, "contacts", "import", str(good_csv), "--list", "News"]) == 0
    out = capsys.readouterr().out
    assert out == (
        "good.csv: 2 rows read.\n"
        "2 contacts created, 0 updated, 0 unchanged; 0 duplicate rows merged; 0 rows rejected.\n"
        '2 contacts added to list "News".\n'
    )
    assert count(db_url, Contact) == 2
    assert count(db_url, ContactList) == 1


def test_import_with_rejected_rows_exits_1_and_lists_them(db_url, tmp_path, capsys):
    path = tmp_path / "mixed.csv"
    path.write_text("Email,Country\nana@example.com,PT\nbad,PT\nbob@example.com,France\n", encoding="utf-8")
    assert main(["--db", db_url, "contacts", "import", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == [
        "line 3: bad: An email address must have an @-sign.",
        'line 4: bob@example.com: country must be a 2-letter code like US or FR, not "France"',
    ]
    assert count(db_url, Contact) == 1


def test_strict_import_writes_nothing(db_url, tmp_path, capsys):
    path = tmp_path / "mixed.csv"
    path.write_text("Email\nana@example.com\nbad\n", encoding="utf-8")
    assert main(["--db", db_url, "contacts", "import", "--strict", str(path)]) == 1
    assert "Nothing was imported" in capsys.readouterr().out
    assert count(db_url, Contact) == 0


def test_listing_is_capped_and_report_has_every_row(db_url, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    rows = [f"bad{i}" for i in range(MAX_SHOWN + 7)]
    path.write_text("Email\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert main(["--db", db_url, "contacts", "import", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[2] == "line 2: bad0: An email address must have an @-sign."
    assert out[-1] == "… and 7 more (use --report FILE to get them all)"
    assert len(out) == 2 + MAX_SHOWN + 1

    report = tmp_path / "rejected.csv"
    assert main(["--db", db_url, "contacts", "import", str(path), "--report", str(report)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == ["… and 7 more", f"Report of rejected rows written to {report}"]
    with open(report, newline="", encoding="utf-8") as file:
        written = list(csv.reader(file))
    assert written[0] == ["line", "email", "reason"]
    assert written[1] == ["2", "bad0", "An email address must have an @-sign."]
    assert len(written) == 1 + MAX_SHOWN + 7


def test_usage_errors_exit_2(db_url, tmp_path, good_csv, capsys):
    assert main(["--db", db_url, "contacts", "import", str(tmp_path / "missing.csv")]) == 2
    assert "missing.csv: no such file" in capsys.readouterr().err
    assert main(["--db", db_url, "contacts", "import", str(tmp_path)]) == 2
    no_folder = str(tmp_path / "no" / "r.csv")
    assert main(["--db", db_url, "contacts", "import", str(good_csv), "--report", no_folder]) == 2
    assert main(["--db", db_url, "contacts", "export", str(tmp_path / "no" / "out.csv")]) == 2
    assert main(["--db", db_url, "events", "import", str(tmp_path / "missing.jsonl")]) == 2
    with pytest.raises(SystemExit) as exited:
        main(["--db", db_url, "contacts", "import"])
    assert exited.value.code == 2


def test_file_problems_exit_1_with_the_reason(db_url, tmp_path, capsys):
    path = tmp_path / "names.csv"
    path.write_text("Name\nAna\n", encoding="utf-8")
    assert main(["--db", db_url, "contacts", "import", str(path)]) == 1
    assert capsys.readouterr().err == (
        'trellis: error: no email column: name one of the columns Email (found "Name")\n'
    )


def test_export_to_file_and_stdout(db_url, good_csv, tmp_path, capsys):
    main(["--db", db_url, "contacts", "import", str(good_csv)])
    capsys.readouterr()
    out_path = tmp_path / "out.csv"
    assert main(["--db", db_url, "contacts", "export", str(out_path)]) == 0
    assert capsys.readouterr().out == "2 contacts exported\n"
    assert out_path.read_text(encoding="utf-8-sig").splitlines()[1].startswith("ana@example.com,Ana,")

    assert main(["--db", db_url, "contacts", "export", "-"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0].startswith("email,first_name,")
    assert len(captured.out.splitlines()) == 3
    assert captured.err == "2 contacts exported\n"


def test_events_import(db_url, tmp_path, capsys):
    good = tmp_path / "events.jsonl"
    good.write_text(
        json.dumps({"at": "2026-03-01T10:00:00Z", "contact": "ana@example.com", "name": "visit"}) + "\n",
        encoding="utf-8",
    )
    assert main(["--db", db_url, "events", "import", str(good)]) == 0
    assert capsys.readouterr().out == (
        "events.jsonl: 1 event read.\n1 event recorded; 1 new contact created.\n"
    )

    bad = tmp_path / "bad.jsonl"
    bad.write_text(good.read_text() + '{"contact": "bob@example.com"}\n', encoding="utf-8")
    assert main(["--db", db_url, "events", "import", str(bad)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == 'line 2: bob@example.com: "name" is missing'
    assert count(db_url, Event) == 1


@pytest.mark.parametrize(
    "argv",
    [["contacts", "import", "--help"], ["contacts", "export", "--help"], ["events", "import", "--help"]],
)
def test_help(argv, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 0
    assert "usage: trellis" in capsys.readouterr().out
