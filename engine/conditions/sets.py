"""The rules of engine/conditions/evaluate.py answered for every contact at once.

Contract: `matching_ids(session, condition, now)` returns the ids of the contacts for whom
`condition_holds` would say yes — the same rules, answered set by set: each rule becomes
one query (grouped and counted in SQL where it can, e.g. "did order 2+ times in 30 days")
and its set of contact ids; `all` intersects the sets, `any` joins them, a negative rule
("did not", "not in") is everyone minus the positive set. Where the exact rule needs the
Python semantics (property filters, comparisons on text and attributes), the query fetches
only the rows the rule reads and applies the very functions of `evaluate.py`, so one
copy of each rule's meaning exists. Cost: a few queries per rule, whatever the number of
contacts, instead of a few queries per contact.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Callable

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from engine.conditions.evaluate import (
    ENGAGEMENT_EVENTS,
    _number,
    compare,
    contact_field,
    filters_match,
    get_path,
    summable,
    within,
)
from engine.conditions.facts import segment_conditions
from engine.db.models import Consent, Contact, ContactList, Event, ListMembership
from engine.nodes.common import (
    Condition,
    ConsentRule,
    EngagementRule,
    EventRule,
    FieldRule,
    ListRule,
    SegmentRule,
    StatusRule,
)

#: contact columns a field rule can name (the others are custom attributes)
_COLUMNS = {
    "id", "email", "first_name", "last_name", "timezone", "locale", "country", "status",
    "lead_score", "created_at", "last_activity_at",
}
_TIME_COLUMNS = {"created_at", "last_activity_at"}
#: whole-number columns that are never empty: a numeric test is the same in SQL
_NUMBER_COLUMNS = {"lead_score"}
_NUMBER_TESTS = {"greater": "__gt__", "less": "__lt__", "equals": "__eq__", "not_equals": "__ne__"}
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SetFacts:
    """Everything one computation reads, cached: everyone's id, saved segments' rules,
    and each segment's set once computed (a segment used twice is computed once)."""

    def __init__(self, session: Session, now: datetime,
                 segments: Callable[[str], Condition | None] | None = None):
        self.session, self.now = session, now
        self.sqlite = session.get_bind().dialect.name == "sqlite"
        self._segments = segments
        self._everyone: set[int] | None = None
        self._segment_sets: dict[str, set[int]] = {}

    def everyone(self) -> set[int]:
        if self._everyone is None:
            self._everyone = set(self.session.scalars(select(Contact.id)))
        return self._everyone

    def segment_condition(self, name: str) -> Condition | None:
        if self._segments is None:
            conditions = segment_conditions(self.session)
            self._segments = conditions.get
        return self._segments(name)


def matching_ids(session: Session, condition: Condition, now: datetime,
                 facts: SetFacts | None = None) -> set[int]:
    return condition_set(condition, facts or SetFacts(session, now), ())


def condition_set(condition: Condition, facts: SetFacts, seen: tuple[str, ...]) -> set[int]:
    if not condition.rules:
        return set()
    result: set[int] | None = None
    for rule in condition.rules:
        ids = rule_set(rule, facts, seen)
        if result is None:
            result = set(ids)
        elif condition.match == "all":
            result &= ids
        else:
            result |= ids
        if condition.match == "all" and not result:
            break  # nobody left: the remaining rules cannot add anyone
    return result or set()


def rule_set(rule, facts: SetFacts, seen: tuple[str, ...]) -> set[int]:
    if isinstance(rule, FieldRule):
        return _field_set(rule, facts)
    if isinstance(rule, ListRule):
        members = set(facts.session.scalars(
            select(ListMembership.contact_id).join(ContactList)
            .where(ContactList.name == rule.list)))
        return members if rule.member else facts.everyone() - members
    if isinstance(rule, EventRule):
        did = _event_set(rule, facts)
        return did if rule.did else facts.everyone() - did
    if isinstance(rule, EngagementRule):
        engaged = set(facts.session.scalars(select(Event.contact_id).distinct().where(
            Event.name.in_(ENGAGEMENT_EVENTS),
            Event.occurred_at > facts.now - rule.within.to_timedelta(),
            Event.occurred_at <= facts.now)))
        return engaged if rule.engaged else facts.everyone() - engaged
    if isinstance(rule, StatusRule):
        having = set(facts.session.scalars(select(Contact.id).where(Contact.status == rule.status)))
        return having if rule.equals else facts.everyone() - having
    if isinstance(rule, ConsentRule):
        latest: dict[int, bool] = {}
        for cid, granted in facts.session.execute(
                select(Consent.contact_id, Consent.granted).where(Consent.purpose == rule.purpose)
                .order_by(Consent.recorded_at, Consent.id)):
            latest[cid] = granted  # later rows win, as in Batch.consent_granted
        granted = {cid for cid, yes in latest.items() if yes}
        return granted if rule.granted else facts.everyone() - granted
    if isinstance(rule, SegmentRule):
        return _segment_set(rule, facts, seen)
    raise TypeError(f"unknown rule {rule!r}")


def _segment_set(rule: SegmentRule, facts: SetFacts, seen: tuple[str, ...]) -> set[int]:
    name = rule.segment
    if name not in facts._segment_sets:
        condition = facts.segment_condition(name)
        if condition is None or name in seen:
            return set() if rule.member else facts.everyone()
        facts._segment_sets[name] = condition_set(condition, facts, (*seen, name))
    members = facts._segment_sets[name]
    return members if rule.member else facts.everyone() - members


def _field_set(rule: FieldRule, facts: SetFacts) -> set[int]:
    if rule.op == "not_within":
        inside = _field_set(rule.model_copy(update={"op": "within"}), facts)
        return facts.everyone() - inside
    field = rule.field
    if field in _TIME_COLUMNS and rule.op == "within":
        column = getattr(Contact, field)
        since = facts.now - rule.window().to_timedelta()
        return set(facts.session.scalars(
            select(Contact.id).where(column > since, column <= facts.now)))
    if field in _NUMBER_COLUMNS and rule.op in _NUMBER_TESTS and _number(rule.value) is not None:
        test = getattr(getattr(Contact, field), _NUMBER_TESTS[rule.op])(_number(rule.value))
        return set(facts.session.scalars(select(Contact.id).where(test)))
    if field in _COLUMNS:
        rows = facts.session.execute(select(Contact.id, getattr(Contact, field)))
        values = ((cid, {field: value}) for cid, value in rows)
    else:
        rows = facts.session.execute(select(Contact.id, Contact.attributes))
        values = ((cid, {"attributes": attributes or {}}) for cid, attributes in rows)
    if rule.op == "within":
        return {cid for cid, contact in values
                if within(contact_field(contact, field), rule, facts.now)}
    return {cid for cid, contact in values
            if compare(contact_field(contact, field), rule.op, rule.value)}


def _event_set(rule: EventRule, facts: SetFacts) -> set[int]:
    """Contacts who did the event min_count times (and, with a sum, reached min_sum)."""
    where = [Event.name == rule.event, Event.occurred_at <= facts.now]
    if rule.within is not None:
        where.append(Event.occurred_at > facts.now - rule.within.to_timedelta())
    plain_sum = not rule.sum_property or (facts.sqlite and _PLAIN_KEY.match(rule.sum_property))
    if not rule.filters and plain_sum:
        having = [func.count() >= rule.min_count]
        if rule.sum_property:
            path = f"$.{rule.sum_property}"
            # only JSON numbers add up, as in conditions.summable
            number = case((func.json_type(Event.properties, path).in_(("integer", "real")),
                           func.json_extract(Event.properties, path)), else_=0)
            having.append(func.total(number) >= rule.min_sum)
        return set(facts.session.scalars(
            select(Event.contact_id).where(and_(*where)).group_by(Event.contact_id)
            .having(and_(*having))))
    counts: dict[int, int] = {}
    sums: dict[int, float] = {}
    for cid, properties in facts.session.execute(
            select(Event.contact_id, Event.properties).where(and_(*where))):
        properties = properties or {}
        if not filters_match(properties, rule.filters):
            continue
        counts[cid] = counts.get(cid, 0) + 1
        if rule.sum_property:
            sums[cid] = sums.get(cid, 0.0) + summable(get_path(properties, rule.sum_property))
    return {cid for cid, count in counts.items()
            if count >= rule.min_count
            and (not rule.sum_property or sums.get(cid, 0.0) >= rule.min_sum)}
