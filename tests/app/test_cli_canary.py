"""`journeys publish --canary/--only`, `promote`, `rollback`, `widen` through `app.cli.main`
on a real database: what they print, their exit codes, and what they store."""

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main
from engine.db import open_database
from engine.db.models import JourneyRow, JourneyVersion
from engine.runtime.release import release_state

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "abandoned-cart.journey.json"
GUARD = {"match": "all", "rules": [{"kind": "field", "field": "country", "op": "equals",
                                    "value": "DE"}]}


@pytest.fixture
def run(db_url, capsys):
    def call(*args):
        code = main(["--db", db_url, *map(str, args)])
        out = capsys.readouterr()
        return code, out.out, out.err
    return call


def state(db_url):
    database = open_database(db_url)
    try:
        with database.session() as session:
            journey_id = session.scalar(select(JourneyRow.id))
            return release_state(session, journey_id), session.scalars(
                select(JourneyVersion.number).order_by(JourneyVersion.number)).all()
    finally:
        database.dispose()


def edited_draft(tmp_path, subject: str) -> Path:
    data = json.loads(EXAMPLE.read_text())
    data["templates"][0]["subject"] = subject
    path = tmp_path / "edited.journey.json"
    path.write_text(json.dumps(data))
    return path


def test_canary_publish_promote_and_rollback(run, db_url, tmp_path):
    assert run("journeys", "import", EXAMPLE)[0] == 0
    code, _, err = run("journeys", "publish", "Abandoned cart", "--canary", "10")
    assert code == 1 and "no live version" in err
    assert run("journeys", "publish", "Abandoned cart")[0] == 0
    code, _, err = run("journeys", "publish", "Abandoned cart", "--canary", "10")
    assert code == 1 and "same as its live version" in err
    for bad in ("0", "51"):
        code, _, err = run("journeys", "publish", "Abandoned cart", "--canary", bad)
        assert code == 2 and "from 1 to 50" in err
    assert run("journeys", "import", edited_draft(tmp_path, "Still there?"), "--replace")[0] == 0
    code, out, _ = run("journeys", "publish", "Abandoned cart", "--canary", "10")
    assert (code, out.strip()) == (0, "Published 'Abandoned cart' as version 2, a canary for "
                                      "10 % of new entrants.")
    current, versions = state(db_url)
    assert (current.live_version, current.canary_version, current.canary_percent) == (1, 2, 10)
    listing = run("journeys", "list")[1]
    assert ("Abandoned cart: version 2 is a canary for 10 % of new entrants (0 entered · "
            "0 converted (–); version 1: 0 entered · 0 converted (–))") in listing
    code, _, err = run("journeys", "publish", "Abandoned cart")
    assert code == 1 and "running as a canary" in err
    code, out, _ = run("journeys", "rollback", "Abandoned cart")
    assert code == 0 and "Canary version 2 of 'Abandoned cart' rolled back" in out
    assert "finish on it" in out
    code, _, err = run("journeys", "rollback", "Abandoned cart")
    assert code == 1 and "no canary running" in err
    code, _, err = run("journeys", "promote", "Abandoned cart")
    assert code == 1 and "no canary running" in err
    assert run("journeys", "import", edited_draft(tmp_path, "Come back"), "--replace")[0] == 0
    assert run("journeys", "publish", "Abandoned cart", "--canary", "25")[0] == 0
    code, out, _ = run("journeys", "promote", "Abandoned cart", "--move")
    assert (code, out.strip()) == (0, "Version 3 of 'Abandoned cart' is live for every new "
                                      "entrant.")
    current, versions = state(db_url)
    assert (current.live_version, current.canary_version, versions) == (3, None, [1, 2, 3])
    assert current.last_canary["outcome"] == "promoted"
    code, _, err = run("journeys", "promote", "Nope")
    assert code == 2 and "no journey named 'Nope'" in err


def test_only_and_widen(run, db_url, tmp_path):
    assert run("journeys", "import", EXAMPLE)[0] == 0
    code, _, err = run("journeys", "publish", "Abandoned cart", "--only", "{not json")
    assert code == 2 and "--only takes a condition as JSON" in err
    code, _, err = run("journeys", "publish", "Abandoned cart", "--only", '{"rules": []}')
    assert code == 1 and "no rules" in err
    assert state(db_url)[1] == []  # refused: no version was written
    guard_file = tmp_path / "guard.json"
    guard_file.write_text(json.dumps(GUARD))
    code, out, _ = run("journeys", "publish", "Abandoned cart", "--only", f"@{guard_file}")
    assert code == 0 and "Only contacts matching the condition enter" in out
    assert state(db_url)[0].guard_words == "country is 'DE'"
    assert "Abandoned cart: only contacts matching country is 'DE' enter, for now" in run(
        "journeys", "list")[1]
    code, out, _ = run("journeys", "widen", "Abandoned cart")
    assert code == 0 and "may enter again" in out
    assert state(db_url)[0].guard is None
