"""Block emails on the command line: `validate` and `journeys publish` show their checks
with their place, and refuse bad blocks with a path into the file."""

import json
from pathlib import Path

import pytest

from app.cli import main

STARTER = Path(__file__).resolve().parents[2] / "resources" / "journeys" / "welcome-series.journey.json"


@pytest.fixture
def run(db_url, capsys):
    def call(*args):
        code = main(["--db", db_url, *map(str, args)])
        out = capsys.readouterr()
        return code, out.out, out.err
    return call


def with_blocks(tmp_path, change):
    data = json.loads(STARTER.read_text())
    blocks = data["templates"][0]["blocks"]
    change(blocks)
    path = tmp_path / "welcome.journey.json"
    path.write_text(json.dumps(data))
    return path


def test_a_starter_journey_of_block_emails_is_valid(run):
    code, out, _ = run("validate", STARTER)
    assert code == 0 and out.strip().endswith("ok (6 steps)"), out


def test_block_checks_are_shown_with_their_place(run, tmp_path):
    path = with_blocks(tmp_path, lambda blocks: blocks.insert(1, {
        "id": "photo", "type": "image", "src": "https://shop.example/team.jpg"}))
    code, out, _ = run("validate", path)
    assert code == 0
    assert ("warning: nodes[1] (node day_1): Block 2 (Image): the image has no alt text" in out), out
    path = with_blocks(tmp_path, lambda blocks: blocks.insert(1, {
        "id": "go", "type": "button", "label": "Go"}))
    code, out, _ = run("validate", path)
    assert code == 1 and "error: nodes[1] (node day_1): Block 2 (Button): the button has no link" in out
    assert run("journeys", "import", path)[0] == 0
    code, out, err = run("journeys", "publish", "Welcome series")
    assert code == 1 and "Block 2 (Button): the button has no link" in out


def test_bad_blocks_are_refused_with_a_path_into_the_file(run, tmp_path):
    code, out, _ = run("validate", with_blocks(tmp_path, lambda b: b[0].update(level=7)))
    assert code == 1
    assert "error: templates[0].blocks[0].level: Input should be 1, 2 or 3" in out
    code, out, _ = run("validate", with_blocks(tmp_path, lambda b: b.pop()))
    assert code == 1
    assert "error: templates[0].blocks: the email has no footer block (it carries the " \
           "unsubscribe link and the postal address)" in out
