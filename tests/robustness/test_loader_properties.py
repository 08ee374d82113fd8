"""Property-based tests for every file and body loader: generated garbage never gives a
traceback or a 5xx; a refused file exits 1 naming a line or field, and the database is
byte-for-byte unchanged (its SQL dump before and after is identical).

Loaders: journey files (`validate`, `journeys import`), events JSONL (`events import`),
contacts CSV (`contacts import --strict`), products CSV (`products import`), and the HTTP
bodies of POST /v1/events and /v1/contacts. (There are no separate segment or template
files: templates live inside journey files and are covered with them.)
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cli import main
from tests.engine.http_harness import live_server
from tests.robustness.conftest import dump

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "abandoned-cart.journey.json"
EXAMPLE_TEXT = EXAMPLE.read_text()

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])
#: a refusal must say where: a line, a column, or a field path such as nodes[2].config
PLACE = re.compile(r"line \d+|column \d+|byte \d+|\[\d+\]|error: [^\n]+?: |"
                   r"no email column|the header has no|columns \"|holds one JSON object")

# --- generators ------------------------------------------------------------------------------

_weird_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=30) | st.sampled_from(
    ["", "\x00", "\ud800", "\\u0000", "\u2028", "é", "'", '"', ",", "\n", "=1+1", "9" * 400,
     "2026-03-02T09:30:00Z", "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00",
     "ana@example.com", "josé@bücher.example", "not-an-email"])
_numbers = (st.integers() | st.floats(allow_nan=True, allow_infinity=True)
            | st.integers(min_value=10**300, max_value=10**1200))
_json_values = st.recursive(
    st.none() | st.booleans() | _numbers | _weird_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_weird_text, inner, max_size=4),
    max_leaves=12,
)


def _json_text(value) -> str:
    try:
        return json.dumps(value)  # NaN/Infinity written as Python does: the loader must refuse
    except (ValueError, OverflowError):
        return "{}"


@st.composite
def mutated(draw, text: str):
    """`text` with a few random cuts, insertions and replacements."""
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["cut", "insert", "replace", "truncate"]))
        piece = draw(st.sampled_from(['"', "[", "{", "]", "}", ",", "NaN", "Infinity", "1e999",
                                      "\\ud800", "\\u0000", "9" * 5000, "[" * 200, "\n"])
                     | _weird_text)
        if kind == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif kind == "insert":
            text = text[:at] + piece + text[at:]
        elif kind == "replace":
            text = text[:at] + piece + text[at + len(piece):]
        else:
            text = text[:at]
    return text




@st.composite
def journey_texts(draw):
    choice = draw(st.integers(0, 2))
    if choice == 0:
        return draw(mutated(EXAMPLE_TEXT))
    data = json.loads(EXAMPLE_TEXT)
    if choice == 1:  # a valid shape with one field replaced by garbage
        node = draw(st.integers(0, len(data["nodes"]) - 1))
        key = draw(st.sampled_from(["pos", "config", "type", "id", "title", "type_version"]))
        data["nodes"][node][key] = draw(_json_values)
        return _json_text(data)
    return _json_text(draw(_json_values))


_event_fields = st.fixed_dictionaries({}, optional={
    "contact": st.sampled_from(["ana@example.com", "Bob@Example.com"]) | _json_values,
    "name": st.sampled_from(["visit", "unsubscribed", "email_bounced"]) | _json_values,
    "at": st.sampled_from(["2026-03-02T09:30:00Z"]) | _json_values,
    "properties": _json_values,
})


@st.composite
def event_lines(draw):
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            lines.append(_json_text(draw(_event_fields)))
        else:
            lines.append(draw(mutated('{"contact": "ana@example.com", "name": "visit", '
                                      '"properties": {"n": 1}}')))
    return "\n".join(lines) + "\n"


_cell = _weird_text | st.sampled_from(["ana@example.com", "b@example.com", "5", "-1", "EUR",
                                       "https://shop.example/x", '"open', 'x"y'])


@st.composite
def csv_texts(draw, header: str):
    rows = [header]
    for _ in range(draw(st.integers(0, 4))):
        cells = draw(st.lists(_cell, min_size=1, max_size=5))
        rows.append(",".join(cells))
    text = "\n".join(rows) + "\n"
    return draw(mutated(text)) if draw(st.booleans()) else text


# --- harness ----------------------------------------------------------------------------------

@pytest.fixture
def run_file(db_url, tmp_path, capsys):
    db_file = db_url.removeprefix("sqlite:///")

    def run(command: list[str], name: str, text: str) -> tuple[int, str]:
        path = tmp_path / name
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        before = dump(db_file)
        code = main(["--db", db_url, *command, str(path)])
        out = capsys.readouterr()
        output = out.out + out.err
        assert "Traceback" not in output
        assert code in (0, 1), output
        if code == 1:
            assert dump(db_file) == before, f"a refused file changed the database:\n{output}"
            said = output.replace(str(path), "FILE")
            assert PLACE.search(said) or "not UTF-8" in said or "is empty" in said, output
            if os.environ.get("TRELLIS_SHOW_REFUSALS"):
                print(said.strip().splitlines()[0][:160], file=sys.__stderr__)
        return code, output

    main(["--db", db_url, "journeys", "list"])  # create the database before the first dump
    capsys.readouterr()
    return run


@SETTINGS
@given(text=journey_texts())
def test_journey_files(run_file, text):
    code, output = run_file(["validate"], "j.journey.json", text)
    if code == 1:
        run_file(["journeys", "import", "--replace"], "j.journey.json", text)


@SETTINGS
@given(text=event_lines())
def test_events_files(run_file, text):
    run_file(["events", "import"], "e.jsonl", text)


@SETTINGS
@given(text=csv_texts("email,first_name,last_name,timezone,consent,plan"))
def test_contacts_csv(run_file, text):
    run_file(["contacts", "import", "--strict"], "c.csv", text)


@SETTINGS
@given(text=csv_texts("sku,name,price,currency,category,url"))
def test_products_csv(run_file, text):
    run_file(["products", "import"], "p.csv", text)


@pytest.fixture
def api(db, clock):
    with live_server(db, clock, max_body_bytes=50_000) as server:
        yield server


@SETTINGS
@given(body=st.one_of(
    event_lines().map(lambda text: text.split("\n")[0].encode("utf-8", "surrogatepass")),
    st.lists(_event_fields, max_size=3).map(lambda items: _json_text(items).encode()),
    st.binary(max_size=200),
    st.fixed_dictionaries({}, optional={
        "email": st.just("ana@example.com") | _json_values, "first_name": _json_values,
        "timezone": _json_values, "attributes": _json_values, "consent": _json_values,
    }).map(lambda value: _json_text(value).encode()),
), path=st.sampled_from(["/v1/events", "/v1/contacts"]))
def test_http_bodies(api, db_url, body, path):
    db_file = db_url.removeprefix("sqlite:///")
    before = dump(db_file)
    response = api.client.post(path, headers={**api.auth(), "Content-Type": "application/json"},
                               content=body)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert dump(db_file) == before
        assert response.json()["detail"]
