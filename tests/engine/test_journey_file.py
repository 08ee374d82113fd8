"""The .journey.json format: round trips, migrations, and a clear problem for every bad file."""

import json
from pathlib import Path

import pytest

from engine.journey.file_format import (
    dump_document,
    parse_journey_text,
    read_journey_file,
    write_journey_file,
)
from tests.engine.journeys import abandoned_cart

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "abandoned-cart.journey.json"


def problems(text):
    return [str(p) for p in parse_journey_text(text).problems]


def good_data():
    return json.loads(EXAMPLE.read_text())


def test_documented_example_loads_clean():
    result = read_journey_file(EXAMPLE)
    assert result.ok and result.problems == []
    assert result.journey.summary("wait") == "Wait up to 4 hours for order_completed"


def test_write_then_read_is_identical(tmp_path):
    journey, _ = abandoned_cart()
    path = tmp_path / "cart.journey.json"
    write_journey_file(journey, path)
    result = read_journey_file(path)
    assert result.ok
    assert result.document == journey.to_document()
    assert not list(tmp_path.glob(".journey-*"))  # no temporary file left behind


@pytest.mark.parametrize(
    "text, expected",
    [
        ('{"schema_version": 2,\n "name": "x",\n "nodes": [}',
         "error: line 3, column 12: not valid JSON: Expecting value"),
        ("[1, 2]", "error: a journey file holds one JSON object"),
        ('{"name": "x"}',
         "error: schema_version: schema_version is missing (is this a Trellis journey file?)"),
        ('{"schema_version": 9, "name": "x"}',
         "error: schema_version: this file uses format 9, made by a newer Trellis "
         "(this one reads up to 2); update Trellis to open it"),
        ('{"schema_version": "2", "name": "x"}',
         "error: schema_version: schema_version must be a whole number, not '2'"),
        ('{"schema_version": 2}', "error: name: this field is required"),
        ('{"schema_version": 2, "name": "x", "colour": 1}', "error: colour: unknown field"),
        ('{"schema_version": 2, "name": "x", "nodes": [{"type": "flow.delay"}]}',
         "error: nodes[0].id: this field is required"),
    ],
)
def test_malformed_files(text, expected):
    assert problems(text) == [expected]


def test_unknown_types_bad_configs_and_bad_edges_are_all_reported():
    data = good_data()
    data["nodes"][1]["type"] = "flow.teleport"
    data["nodes"][3]["config"]["duration"]["unit"] = "fortnights"
    data["edges"][0]["target"] = "nowhere"
    data["edges"][3]["port"] = "yes"
    data["edges"].append({"source": "discount", "port": "next", "target": "trigger"})
    found = problems(json.dumps(data))
    assert found == [
        "error: nodes[1].type (node wait): unknown node type 'flow.teleport'",
        "error: nodes[3].config.duration.unit (node day): "
        "Input should be 'minutes', 'hours', 'days' or 'weeks'",
        "error: edges[0].target: there is no node 'nowhere'",
        "error: edges[3].port: 'reminder' has no output 'yes' (it has: next)",
        "error: edges[5].target: nothing can lead into a trigger",
    ]


def test_duplicate_ids_and_doubly_used_ports():
    data = good_data()
    data["nodes"].append({"id": "day", "type": "flow.exit"})
    data["edges"].append({"source": "wait", "port": "event", "target": "discount"})
    found = problems(json.dumps(data))
    assert "error: nodes[6].id: the id 'day' is also used by nodes[3]" in found
    assert "error: edges[5]: output 'event' of 'wait' is already connected by edges[1]" in found


def test_cycle_without_delay_is_named():
    data = good_data()
    data["nodes"].append({"id": "score", "type": "action.adjust_score", "config": {"delta": 5}})
    data["edges"][4] = {"source": "day", "port": "next", "target": "score"}
    data["edges"] += [
        {"source": "score", "port": "next", "target": "discount"},
        {"source": "discount", "port": "next", "target": "score"},
    ]
    found = problems(json.dumps(data))
    assert found == ["error: edges: loop with no delay or wait: score → discount → score"] or \
        found == ["error: edges: loop with no delay or wait: discount → score → discount"]


def test_journey_problems_name_their_node():
    data = good_data()
    data["edges"] = [e for e in data["edges"] if e["port"] != "event"]
    found = problems(json.dumps(data))
    assert "error: nodes[1] (node wait): 'event' leads nowhere: connect it, or end it with an Exit" in found
    assert "error: nodes[5] (node bought): No contact can reach this step: connect it to the journey" in found


def test_unreadable_files(tmp_path):
    missing = read_journey_file(tmp_path / "nope.journey.json")
    assert [str(p) for p in missing.problems] == [f"error: no such file: {tmp_path / 'nope.journey.json'}"]
    binary = tmp_path / "bad.journey.json"
    binary.write_bytes(b'{"name": "\xff"}')
    assert [str(p) for p in read_journey_file(binary).problems] == [
        "error: byte 10: the file is not UTF-8 text"]


def test_format_1_is_migrated():
    old = {
        "schema_version": 1,
        "journey": {"name": "Old welcome", "settings": {"catch_up": "skip"}},
        "nodes": [
            {"id": "t", "type": "event", "position": {"x": 5, "y": 6},
             "config": {"event": "signed_up"}},
            {"id": "d", "type": "delay", "config": {"duration": "2d"}},
            {"id": "e", "type": "send_email", "config": {"template": "hello"}},
        ],
        "edges": [{"from": "t", "to": "d"}, {"from": "d", "to": "e", "port": "next"}],
        "templates": {"hello": {"name": "Hello", "subject": "Hello!", "body": "Hi"}},
    }
    result = parse_journey_text(json.dumps(old))
    assert result.ok, result.problems
    document = result.document
    assert document.schema_version == 2 and document.name == "Old welcome"
    assert [n.type for n in document.nodes] == ["trigger.event", "flow.delay", "action.send_email"]
    assert document.nodes[0].pos == (5.0, 6.0)
    assert document.settings.catch_up == "skip"
    assert [t.key for t in document.templates] == ["hello"]
    # and it saves in the current format
    assert json.loads(dump_document(document))["schema_version"] == 2
