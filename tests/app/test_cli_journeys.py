"""The journeys and validate commands, through `app.cli.main` on a real database."""

import json
from pathlib import Path

import pytest

from app.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "abandoned-cart.journey.json"


@pytest.fixture
def run(db_url, capsys):
    def call(*args):
        code = main(["--db", db_url, *map(str, args)])
        out = capsys.readouterr()
        return code, out.out, out.err
    return call


def test_validate_ok_broken_and_missing(run, tmp_path):
    code, out, _ = run("validate", EXAMPLE)
    assert code == 0 and out.strip().endswith("ok (6 steps)")
    broken = tmp_path / "broken.journey.json"
    data = json.loads(EXAMPLE.read_text())
    data["nodes"][3]["type"] = "flow.nap"
    broken.write_text(json.dumps(data))
    code, out, _ = run("validate", broken)
    assert code == 1
    assert f"{broken}: error: nodes[3].type (node day): unknown node type 'flow.nap'" in out
    code, _, err = run("validate", tmp_path / "nope.json")
    assert code == 2 and "no such file" in err


def test_import_publish_pause_resume_export(run, tmp_path):
    assert run("journeys", "list")[1].startswith("No journeys yet")
    code, out, _ = run("journeys", "import", EXAMPLE)
    assert code == 0 and "Imported 'Abandoned cart' as draft" in out
    code, _, err = run("journeys", "import", EXAMPLE)
    assert code == 2 and "exists already; use --replace" in err
    assert run("journeys", "import", EXAMPLE, "--replace")[0] == 0
    code, out, _ = run("journeys", "publish", "Abandoned cart")
    assert (code, out.strip()) == (0, "Published 'Abandoned cart' as version 1.")
    listing = run("journeys", "list")[1]
    assert "Abandoned cart" in listing and "live" in listing and "v1" in listing
    assert run("journeys", "pause", "abandoned cart")[0] == 0
    assert "paused" in run("journeys", "list")[1]
    code, _, err = run("journeys", "pause", "Abandoned cart")
    assert code == 1 and "not live" in err
    assert run("journeys", "resume", "Abandoned cart")[0] == 0
    out_file = tmp_path / "out.journey.json"
    assert run("journeys", "export", "Abandoned cart", "-o", out_file)[0] == 0
    assert json.loads(out_file.read_text())["name"] == "Abandoned cart"
    code, _, err = run("journeys", "publish", "Nope")
    assert code == 2 and "no journey named 'Nope'" in err


def test_publish_refused_with_errors(run, tmp_path):
    data = json.loads(EXAMPLE.read_text())
    data["edges"] = data["edges"][:1]  # the wait's ports lead nowhere
    path = tmp_path / "unfinished.journey.json"
    path.write_text(json.dumps(data))
    assert run("journeys", "import", path)[0] == 0  # drafts may be unfinished
    code, out, err = run("journeys", "publish", "Abandoned cart")
    assert code == 1
    assert "'event' leads nowhere" in out and "Not published" in err
