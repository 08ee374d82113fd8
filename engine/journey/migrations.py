"""Format migrations for `.journey.json`: each step turns version N into N+1.

Contract: `migrate_document(data)` takes parsed JSON of any known `schema_version` and
returns data in the current shape (`engine.journey.data.SCHEMA_VERSION`), without touching the
input. A file from a newer Trellis, or with no usable version, raises `MigrationError`
naming where. Node type ids are resolved through the registry, so renamed types keep
loading.

Version history:
- 1: the first format: `{"schema_version": 1, "journey": {"name", "description",
  "settings"}, "nodes": [{"id", "type", "title", "position": {"x", "y"}, "config"}],
  "edges": [{"from", "to", "port"}], "templates": {key: {...}}}` with short type ids
  (`delay`, `send_email`, …).
- 2: flat name/description/settings, `pos: [x, y]`, edges `{source, port, target}`,
  templates as a list carrying their `key`, dotted type ids (`flow.delay`).
"""

from __future__ import annotations

import copy
from typing import Any, Callable

from engine.journey.data import SCHEMA_VERSION
from engine.nodes import NodeRegistry

#: the short ids of format 1
V1_TYPE_IDS = {
    "event": "trigger.event", "list_joined": "trigger.list_joined",
    "segment_entered": "trigger.segment_entered", "date": "trigger.date_field",
    "inactive": "trigger.inactive", "manual": "trigger.manual",
    "delay": "flow.delay", "wait_until": "flow.wait_until", "wait_event": "flow.wait_event",
    "branch": "flow.branch", "split": "flow.multi_split", "ab_split": "flow.random_split",
    "goal": "flow.goal", "exit": "flow.exit",
    "send_email": "action.send_email", "add_to_list": "action.list_add",
    "remove_from_list": "action.list_remove", "update_field": "action.update_field",
    "lead_score": "action.adjust_score", "notify": "action.notify",
    "webhook": "action.webhook", "ad_audience": "action.ad_audience",
}


class MigrationError(ValueError):
    def __init__(self, message: str, where: str = "schema_version"):
        super().__init__(message)
        self.where = where


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    journey = data.get("journey")
    if not isinstance(journey, dict):
        raise MigrationError("format 1 keeps name and settings in a 'journey' object", "journey")
    out: dict[str, Any] = {
        "schema_version": 2,
        "name": journey.get("name", ""),
        "description": journey.get("description", ""),
        "settings": journey.get("settings", {}),
        "nodes": [],
        "edges": [],
        "templates": [],
    }
    for i, node in enumerate(data.get("nodes", [])):
        if not isinstance(node, dict):
            raise MigrationError("each node is a JSON object", f"nodes[{i}]")
        node = dict(node)
        position = node.pop("position", None) or {}
        if not isinstance(position, dict):
            raise MigrationError("position is an object {x, y}", f"nodes[{i}].position")
        node["pos"] = [position.get("x", 0), position.get("y", 0)]
        node["type"] = V1_TYPE_IDS.get(node.get("type"), node.get("type"))
        out["nodes"].append(node)
    for i, edge in enumerate(data.get("edges", [])):
        if not isinstance(edge, dict):
            raise MigrationError("each edge is a JSON object", f"edges[{i}]")
        out["edges"].append(
            {"source": edge.get("from"), "port": edge.get("port", "next"), "target": edge.get("to")}
        )
    templates = data.get("templates", {})
    if not isinstance(templates, dict):
        raise MigrationError("format 1 keeps templates in an object by key", "templates")
    for key, template in templates.items():
        if not isinstance(template, dict):
            raise MigrationError("each template is a JSON object", f"templates.{key}")
        out["templates"].append({"key": key, **template})
    return out


STEPS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


def migrate_document(data: dict[str, Any], registry: NodeRegistry | None = None) -> dict[str, Any]:
    version = data.get("schema_version")
    if version is None:
        raise MigrationError("schema_version is missing (is this a Trellis journey file?)")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise MigrationError(f"schema_version must be a whole number, not {version!r}")
    if version > SCHEMA_VERSION:
        raise MigrationError(
            f"this file uses format {version}, made by a newer Trellis "
            f"(this one reads up to {SCHEMA_VERSION}); update Trellis to open it"
        )
    data = copy.deepcopy(data)
    while data["schema_version"] < SCHEMA_VERSION:
        data = STEPS[data["schema_version"]](data)
    if registry is not None:
        for node in data.get("nodes") or []:
            if isinstance(node, dict) and isinstance(node.get("type"), str):
                node["type"] = registry.resolve(node["type"])
    return data
