"""Evaluating property filters and conditions (branches, splits, segments, waits).

Contract: pure functions over plain data plus a `Facts` object that answers the questions
needing the database (list membership, event counts), so the rules can be tested alone and
the same code serves the engine, segment scans and the simulation.

Comparison rules: numbers compare as numbers when both sides are numeric; text compares
case-insensitively; `contains` is substring for text and membership for lists; a missing
property only satisfies `not_exists`, `not_equals` and `not_contains`.
A field `within` a duration is a date (a datetime column or an ISO text) in the window
`(now - duration, now]`; `not_within` is its opposite (older, later or not set). An event sum adds the numeric values (numbers, not text) of the
property over the counted events. An unknown segment has no members.

`engine/conditions/sets.py` answers the same rules for all contacts at once (the
segment counts); a test on random data holds the two to the same answers.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Iterable, Mapping, Protocol

from engine.nodes.common import (
    Condition,
    ConsentRule,
    EngagementRule,
    EventMatcher,
    EventRule,
    FieldRule,
    ListRule,
    PropertyFilter,
    SegmentRule,
    StatusRule,
)

MISSING = object()
ENGAGEMENT_EVENTS = ("email_opened", "email_clicked")


class Facts(Protocol):
    def lists_of(self, contact_id: int) -> set[str]: ...

    def count_events(
        self, contact_id: int, names: tuple[str, ...], since: datetime | None,
        filters: list[PropertyFilter],
    ) -> int: ...

    def sum_events(
        self, contact_id: int, names: tuple[str, ...], since: datetime | None,
        filters: list[PropertyFilter], prop: str,
    ) -> float: ...

    def consent_granted(self, contact_id: int, purpose: str) -> bool | None: ...

    def segment_condition(self, name: str) -> Condition | None: ...


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


def summable(value: Any) -> float:
    """What one event adds to a sum: its number, or 0 for text, booleans and absence."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0.0
    return float(value)


def as_time(value: Any) -> datetime | None:
    """A datetime (naive taken as UTC) or an ISO date / date-time text, else None."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def within(value: Any, rule: FieldRule, now: datetime) -> bool:
    at = as_time(value)
    return at is not None and now - rule.window().to_timedelta() < at <= now


def rule_holds(rule, contact: Mapping[str, Any], facts: Facts, now: datetime,
               _seen: tuple[str, ...] = ()) -> bool:
    if isinstance(rule, FieldRule):
        if rule.op in ("within", "not_within"):
            inside = within(contact_field(contact, rule.field), rule, now)
            return inside == (rule.op == "within")
        return compare(contact_field(contact, rule.field), rule.op, rule.value)
    if isinstance(rule, ListRule):
        return (rule.list in facts.lists_of(contact["id"])) == rule.member
    if isinstance(rule, EventRule):
        since = now - rule.within.to_timedelta() if rule.within else None
        count = facts.count_events(contact["id"], (rule.event,), since, rule.filters)
        happened = count >= rule.min_count
        if happened and rule.sum_property:
            total = facts.sum_events(contact["id"], (rule.event,), since, rule.filters,
                                     rule.sum_property)
            happened = total >= rule.min_sum
        return happened == rule.did
    if isinstance(rule, EngagementRule):
        since = now - rule.within.to_timedelta()
        count = facts.count_events(contact["id"], ENGAGEMENT_EVENTS, since, [])
        return (count > 0) == rule.engaged
    if isinstance(rule, StatusRule):
        return (contact.get("status") == rule.status) == rule.equals
    if isinstance(rule, ConsentRule):
        return bool(facts.consent_granted(contact["id"], rule.purpose)) == rule.granted
    if isinstance(rule, SegmentRule):
        condition = facts.segment_condition(rule.segment)
        if condition is None or rule.segment in _seen:  # unknown (or a cycle): no members
            member = False
        else:
            member = condition_holds(condition, contact, facts, now, (*_seen, rule.segment))
        return member == rule.member
    raise TypeError(f"unknown rule {rule!r}")


def condition_holds(
    condition: Condition, contact: Mapping[str, Any], facts: Facts, now: datetime,
    _seen: tuple[str, ...] = (),
) -> bool:
    if not condition.rules:
        return False
    results = (rule_holds(rule, contact, facts, now, _seen) for rule in condition.rules)
    return all(results) if condition.match == "all" else any(results)
