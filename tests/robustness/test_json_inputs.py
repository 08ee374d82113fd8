"""Issue 10 rows 4, 5, 13, 14: hostile JSON in journey files, event files and HTTP bodies
is refused with its place, the same way everywhere, and nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.db.models import Event
from engine.journey.file_format import dump_document, parse_journey_text
from tests.engine.http_harness import live_server
from tests.robustness.conftest import dump

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "abandoned-cart.journey.json"

DEEP = "[" * 100_000
HUGE_INT = '{"schema_version": ' + "9" * 5000 + "}"


def _example_with_pos(pos_text: str) -> str:
    data = json.loads(EXAMPLE.read_text())
    data["nodes"][0]["pos"] = "@POS@"
    return json.dumps(data).replace('"@POS@"', pos_text)


@pytest.mark.parametrize("text, expected", [
    (DEEP, "line 1, column 65: nested more than 64 levels deep"),
    (HUGE_INT, "line 1, column 20: a number with more than 100 digits"),
    ('{"a": 1e999}', "the number 1e999 is too large"),
])
def test_validate_and_import_name_the_place_of_hostile_json(cli, tmp_path, db_url, text, expected):
    path = tmp_path / "bad.journey.json"
    path.write_text(text)
    before = dump(db_url.removeprefix("sqlite:///"))
    code, out, err = cli("validate", path)
    assert code == 1 and expected in out and "Traceback" not in out + err
    code, out, err = cli("journeys", "import", path)
    assert code == 1 and expected in out + err
    assert dump(db_url.removeprefix("sqlite:///")) == before


def test_non_finite_positions_are_refused_and_never_written(cli, tmp_path):
    path = tmp_path / "inf.journey.json"
    path.write_text(_example_with_pos("[Infinity, -Infinity]"))
    code, out, _ = cli("validate", path)
    assert code == 1 and "Infinity is not a JSON number" in out
    # Even a document built in code with a non-finite position cannot be exported as such.
    result = parse_journey_text(EXAMPLE.read_text())
    with pytest.raises(Exception):
        result.document.nodes[0].model_validate({**result.document.nodes[0].model_dump(),
                                                 "pos": (float("inf"), 0.0)})
    with pytest.raises(ValueError):
        dump_document(result.document.model_construct(
            **{**result.document.__dict__,
               "nodes": [result.document.nodes[0].model_copy(update={"pos": (float("nan"), 0.0)})]}))


def test_the_gui_document_shows_the_nesting_error(tmp_path, qapp):
    from app.journey_document import JourneyDocument

    document = JourneyDocument(linter=None)
    path = tmp_path / "deep.journey.json"
    path.write_text(DEEP)
    problems = document.load(path)
    assert [str(p) for p in problems] == ["error: line 1, column 65: nested more than 64 levels deep"]


def _events_file(tmp_path, lines):
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = '{"contact": "ana@example.com", "name": "visit"}'


@pytest.mark.parametrize("line, reason", [
    (DEEP, "nested more than 64 levels deep"),
    ('{"contact": "b@example.com", "name": "x", "properties": {"n": ' + "1" * 5000 + "}}",
     "a number with more than 100 digits"),
    ('{"contact": "b@example.com", "name": "x", "at": "9999-12-31T23:59:59-01:00"}',
     '"at" 9999-12-31T23:59:59-01:00 is outside the years'),
    ('{"contact": "b@example.com", "name": "x", "at": "0001-01-01T00:00:00+01:00"}',
     '"at" 0001-01-01T00:00:00+01:00 is outside the years'),
    ('{"contact": "b@example.com", "name": "x", "properties": {"v": NaN}}',
     "NaN is not a JSON number"),
    ('{"contact": "b@example.com", "name": "x", "properties": {"v": Infinity}}',
     "Infinity is not a JSON number"),
    ('{"contact": "b@example.com", "name": "x", "properties": {"v": "a\\u0000b"}}',
     '"properties.v": text must not contain the NUL character'),
    ('{"contact": "b@example.com", "name": "x", "properties": {"v": "\\ud800"}}',
     '"properties.v": text holds a lone surrogate'),
])
def test_events_import_refuses_each_bad_line_with_its_number(cli, tmp_path, db_url, line, reason):
    path = _events_file(tmp_path, [GOOD, line])
    before = dump(db_url.removeprefix("sqlite:///"))
    code, out, err = cli("events", "import", path)
    assert code == 1, out + err
    assert "line 2:" in out + err and reason in out + err
    assert "Traceback" not in out + err
    assert dump(db_url.removeprefix("sqlite:///")) == before


def test_the_literal_backslash_u0000_text_is_ordinary_text(cli, tmp_path, db, clock):
    literal = '{"contact": "b@example.com", "name": "x", "properties": {"v": "\\\\u0000"}}'
    code, out, err = cli("events", "import", _events_file(tmp_path, [literal]))
    assert code == 0, out + err
    with db.session() as session:
        assert session.scalar(select(Event.properties)) == {"v": "\\u0000"}
    with live_server(db, clock) as api:
        response = api.client.post("/v1/events", headers=api.auth(), content=literal.encode())
        assert response.status_code == 202, response.text


@pytest.mark.parametrize("body, reason", [
    (b'{"contact": "b@example.com", "name": "x", "at": "9999-12-31T23:59:59-01:00"}',
     "is outside the years"),
    (b'{"contact": "b@example.com", "name": "x", "properties": {"v": NaN}}', "NaN"),
    (b'{"contact": "b@example.com", "name": "x", "properties": {"v": 1e999}}', "too large"),
    (b'{"contact": "b@example.com", "name": "x", "properties": {"v": "\\ud800"}}',
     "lone surrogate"),
    (b'{"contact": "b@example.com", "name": "x", "properties": {"v": "\\u0000"}}', "NUL"),
    (b'{"contact": "b@example.com", "name": "x", "properties": {"n": ' + b"7" * 5000 + b"}}",
     "more than 100 digits"),
    (b"[" * 5000, "nested more than 64"),
])
def test_http_refuses_the_same_with_422(db, clock, body, reason):
    with live_server(db, clock, max_body_bytes=100_000) as api:
        response = api.client.post("/v1/events", headers=api.auth(), content=body)
    assert response.status_code == 422, response.text
    assert reason in response.text
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Event)) == 0
