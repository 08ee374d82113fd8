"""Segments that refer to segments: the references, and the cycle a change would make.

Contract: `segment_references(condition)` lists the segment names a condition names (in
order, once each); `find_cycle(name, condition, conditions)` returns the cycle
`[name, …, name]` that saving `condition` under `name` would close, given the other saved
segments' conditions, or None.
"""

from __future__ import annotations

from typing import Mapping

from engine.nodes.common import Condition, SegmentRule


def segment_references(condition: Condition) -> list[str]:
    names: list[str] = []
    for rule in condition.rules:
        if isinstance(rule, SegmentRule) and rule.segment not in names:
            names.append(rule.segment)
    return names


def find_cycle(name: str, condition: Condition,
               conditions: Mapping[str, Condition]) -> list[str] | None:
    graph = {**conditions, name: condition}

    def walk(current: str, path: list[str]) -> list[str] | None:
        for ref in segment_references(graph[current]) if current in graph else ():
            if ref == name:
                return [*path, ref]
            if ref not in path:
                found = walk(ref, [*path, ref])
                if found:
                    return found
        return None

    return walk(name, [name])


def describe_cycle(cycle: list[str]) -> str:
    if len(cycle) == 2:
        return f"segment {cycle[0]!r} refers to itself"
    return "segments refer to each other in a cycle: " + " → ".join(repr(n) for n in cycle)
