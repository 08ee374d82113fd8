"""`contacts erase` and `contacts export-data` through app.cli.main: output and exit codes."""

from __future__ import annotations

import json

from app.cli import main


def test_export_then_erase_then_export_again(db_url, tmp_path, capsys):
    people = tmp_path / "people.csv"
    people.write_text("Email,First Name\nana@example.com,Ana\n", encoding="utf-8")
    assert main(["--db", db_url, "contacts", "import", str(people)]) == 0
    out = tmp_path / "ana.json"
    assert main(["--db", db_url, "contacts", "export-data", "ana@example.com", str(out)]) == 0
    assert json.loads(out.read_text())["contact"]["first_name"] == "Ana"
    capsys.readouterr()
    assert main(["--db", db_url, "contacts", "erase", "ana@example.com"]) == 0
    assert "erased" in capsys.readouterr().out
    # the person is gone: a second erase or export names the address and exits 1
    assert main(["--db", db_url, "contacts", "erase", "ana@example.com"]) == 1
    assert "ana@example.com" in capsys.readouterr().err
    again = tmp_path / "again.json"
    assert main(["--db", db_url, "contacts", "export-data", "ana@example.com", str(again)]) == 1
    assert not again.exists()


def test_export_data_to_a_missing_folder_is_a_usage_error(db_url, tmp_path, capsys):
    target = tmp_path / "nowhere" / "a.json"
    assert main(["--db", db_url, "contacts", "export-data", "a@example.com", str(target)]) == 2
    assert "folder does not exist" in capsys.readouterr().err
