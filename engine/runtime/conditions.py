"""Evaluating property filters and conditions (branches, splits, segments, waits).

Contract: pure functions over plain data plus a `Facts` object that answers the questions
needing the database (list membership, event counts), so the rules can be tested alone and
the same code serves the engine, segment scans and the simulation.

Comparison rules: numbers compare as numbers when both sides are numeric; text compares
case-insensitively; `contains` is substring for text and membership for lists; a missing
property only satisfies `not_exists`, `not_equals` and `not_contains`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Mapping, Protocol

from engine.nodes.common import (
    Condition,
    EngagementRule,
    EventMatcher,
    EventRule,
    FieldRule,
    ListRule,
    PropertyFilter,
)

MISSING = object()
ENGAGEMENT_EVENTS = ("email_opened", "email_clicked")


class Facts(Protocol):
    def lists_of(self, contact_id: int) -> set[str]: ...

    def count_events(
        self, contact_id: int, names: tuple[str, ...], since: datetime | None,
        filters: list[PropertyFilter],
    ) -> int: ...


def get_path(data: Any, path: str) -> Any:
    """`items.0.sku` reaches into dicts and lists; MISSING when any step is absent."""
    current = data
    for part in path.split("."):
        if isinstance(current, Mapping):
            current = current.get(part, MISSING)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return MISSING
        if current is MISSING:
            return MISSING
    return current


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _equal(actual: Any, expected: Any) -> bool:
    a, b = _number(actual), _number(expected)
    if a is not None and b is not None:
        return a == b
    if isinstance(actual, str) and isinstance(expected, str):
        return actual.casefold() == expected.casefold()
    return actual == expected


def _contains(actual: Any, expected: Any) -> bool:
    if isinstance(actual, list):
        return any(_equal(item, expected) for item in actual)
    if isinstance(actual, str) and expected is not None:
        return str(expected).casefold() in actual.casefold()
    return False


def _order(actual: Any, expected: Any) -> int | None:
    a, b = _number(actual), _number(expected)
    if a is not None and b is not None:
        return (a > b) - (a < b)
    if isinstance(actual, str) and isinstance(expected, str):  # ISO dates sort as text
        return (actual > expected) - (actual < expected)
    return None


def compare(actual: Any, op: str, expected: Any) -> bool:
    if op == "exists":
        return actual is not MISSING and actual not in (None, "")
    if op == "not_exists":
        return actual is MISSING or actual in (None, "")
    if actual is MISSING:
        return op in ("not_equals", "not_contains")
    if op == "equals":
        return _equal(actual, expected)
    if op == "not_equals":
        return not _equal(actual, expected)
    if op == "contains":
        return _contains(actual, expected)
    if op == "not_contains":
        return not _contains(actual, expected)
    if op == "in_list":
        return any(_equal(actual, item) for item in (expected or []))
    order = _order(actual, expected)
    if order is None:
        return False
    return order > 0 if op == "greater" else order < 0


def filters_match(properties: Mapping[str, Any], filters: Iterable[PropertyFilter]) -> bool:
    return all(compare(get_path(properties, f.property), f.op, f.value) for f in filters)


def event_matches(matcher: EventMatcher, name: str, properties: Mapping[str, Any]) -> bool:
    return matcher.event == name and filters_match(properties, matcher.filters)


def contact_field(contact: Mapping[str, Any], field: str) -> Any:
    """A standard contact field, `attributes.x`, or (as a shortcut) a bare attribute name."""
    if field.startswith("attributes."):
        return get_path(contact.get("attributes") or {}, field.removeprefix("attributes."))
    if field in contact and field != "attributes":
        return contact[field]
    return get_path(contact.get("attributes") or {}, field)


def rule_holds(rule, contact: Mapping[str, Any], facts: Facts, now: datetime) -> bool:
    if isinstance(rule, FieldRule):
        return compare(contact_field(contact, rule.field), rule.op, rule.value)
    if isinstance(rule, ListRule):
        return (rule.list in facts.lists_of(contact["id"])) == rule.member
    if isinstance(rule, EventRule):
        since = now - rule.within.to_timedelta() if rule.within else None
        count = facts.count_events(contact["id"], (rule.event,), since, rule.filters)
        return (count >= rule.min_count) == rule.did
    if isinstance(rule, EngagementRule):
        since = now - rule.within.to_timedelta()
        count = facts.count_events(contact["id"], ENGAGEMENT_EVENTS, since, [])
        return (count > 0) == rule.engaged
    raise TypeError(f"unknown rule {rule!r}")


def condition_holds(
    condition: Condition, contact: Mapping[str, Any], facts: Facts, now: datetime
) -> bool:
    if not condition.rules:
        return False
    results = (rule_holds(rule, contact, facts, now) for rule in condition.rules)
    return all(results) if condition.match == "all" else any(results)
