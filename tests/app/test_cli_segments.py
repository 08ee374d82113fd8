"""`segments …`: list, import, export, count, members, history, starter; exit codes."""

import csv
import json
from datetime import datetime, timezone

from app.cli import main
from engine.clock import VirtualClock
from tests.engine.harness import Harness

PRO = {"schema_version": 1, "name": "Pro", "description": "on the pro plan", "condition": {
    "match": "all", "rules": [{"kind": "field", "field": "plan", "op": "equals", "value": "pro"}]}}


def test_a_user_imports_counts_exports_and_lists(db, db_url, tmp_path, capsys):
    h = Harness(db, VirtualClock(datetime.now(timezone.utc)))  # the CLI reads the wall clock
    h.contact("ana@example.com", attributes={"plan": "pro"})
    h.contact("ben@example.com")
    source = tmp_path / "pro.segment.json"
    source.write_text(json.dumps(PRO))
    cli = lambda *args: main(["--db", db_url, "segments", *args])
    assert cli("import", str(source)) == 0
    assert "Imported segment 'Pro': 1 contacts" in capsys.readouterr().out
    assert cli("import", str(source)) == 1  # the name is taken
    assert "exists (--replace replaces it)" in capsys.readouterr().err
    assert cli("import", str(source), "--replace") == 0
    capsys.readouterr()
    assert cli("count", "Pro", "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"name": "Pro", "count": 1}
    assert cli("count", str(source), "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"name": "Pro", "count": 1}
    exported = tmp_path / "out.segment.json"
    assert cli("export", "Pro", str(exported)) == 0
    assert json.loads(exported.read_text())["condition"]["rules"][0]["value"] == "pro"
    members = tmp_path / "pro.csv"
    assert cli("members", "Pro", str(members)) == 0
    assert [r["email"] for r in csv.DictReader(members.open())] == ["ana@example.com"]
    capsys.readouterr()
    assert cli("list") == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("Pro") and " 1 " in line
    assert cli("history", "Pro") == 0
    assert capsys.readouterr().out.split() == [datetime.now(timezone.utc).date().isoformat(), "1"]
    assert cli("starter") == 0
    assert "VIP" in capsys.readouterr().out


def test_errors_have_exit_codes_and_say_where(db_url, tmp_path, capsys):
    cli = lambda *args: main(["--db", db_url, "segments", *args])
    assert cli("count", "Nobody") == 2
    assert "no segment named 'Nobody'" in capsys.readouterr().err
    assert cli("import", str(tmp_path / "missing.segment.json")) == 2
    bad = tmp_path / "bad.segment.json"
    bad.write_text(json.dumps({**PRO, "condition": {"rules": [{"kind": "event", "event": ""}]}}))
    assert cli("import", str(bad)) == 1
    assert "condition.rules[0].event:" in capsys.readouterr().err
    loop = tmp_path / "loop.segment.json"
    loop.write_text(json.dumps({**PRO, "name": "Loop", "condition": {"rules": [
        {"kind": "segment", "segment": "Loop"}]}}))
    assert cli("count", str(loop)) == 1
    assert "'Loop' refers to itself" in capsys.readouterr().err
    assert cli("list") == 0
