"""Saved segments a journey names, and those that do not exist.

Contract: `named_segments(document)` maps each node id to the segment names its config
names (the "entered segment" trigger's `segment`, `{"kind": "segment"}` rules at any
depth); `unknown_segment_problems(session, document)` is one error `Problem` per name
that no saved segment has — publishing refuses them, so a journey never waits for a
segment that cannot fill.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import Segment
from engine.journey.data import JourneyData
from engine.journey.validation import ERROR, Problem
from engine.nodes import TriggerMatch, spec_of


def _names(config: Any, found: list[str]) -> None:
    if isinstance(config, dict):
        if config.get("kind") == "segment" and isinstance(config.get("segment"), str):
            found.append(config["segment"])
        for value in config.values():
            _names(value, found)
    elif isinstance(config, list):
        for value in config:
            _names(value, found)


def named_segments(document: JourneyData) -> dict[str, list[str]]:
    named = {}
    for node in document.nodes:
        found: list[str] = []
        spec = spec_of(node.type)
        if spec is not None and spec.match is TriggerMatch.SEGMENT and node.config.get("segment"):
            found.append(node.config["segment"])
        _names(node.config, found)
        if found:
            named[node.id] = list(dict.fromkeys(found))
    return named


def unknown_segment_problems(session: Session, document: JourneyData) -> list[Problem]:
    named = named_segments(document)
    if not named:
        return []
    known = set(session.scalars(select(Segment.name)))
    return [Problem(node_id, ERROR, f"no saved segment named {name!r}")
            for node_id, names in named.items() for name in names if name not in known]
