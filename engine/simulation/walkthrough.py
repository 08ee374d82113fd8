"""Walk-through: one contact through one journey on the simulation's engine; nothing is sent.

Contract:
- `walk_through(document, contact, script, start, until, ...)` publishes the journey
  `document` at `start` in a throw-away database (`engine.simulation.simulate.run_scenario`: a virtual
  clock, the real engine, no network), adds the one `contact` (a `record_contact_upsert`
  dict, plus an optional `status`: a suppressed status becomes history before the start)
  and plays the `script`. It returns the timeline, oldest first: the simulation's lines
  (`at`, `node`, `kind`, … and `html` for emails) and one line per scripted event that
  happened (`kind` "event", `name`, `properties`), each with `offset` (seconds since
  `start`), `title` (the step as the canvas names it) and `explanation` (plain words, see
  `engine.journey.step_words`). A contact who never entered gets one closing line saying so.
- A script line is `{"name": event, "properties": {...}}` with either `"at"` (a duration
  after the start: "0m", "2h") or `"after"` (a duration after the previous line). With
  `"following": "email"` the `after` counts from the first email the contact gets after
  the previous line; with `"following": "each email"` the event happens after every such
  email (such a line ends the script). A line whose email never comes never happens, and
  neither do the lines after it.
- `PRESETS` names the ready-made scenarios; `preset_script(document, key)` builds one for
  the journey: its entry (the trigger's event with properties that pass its filters, a
  list join, a hand enrollment, or nothing for scanned triggers) and the preset's events.
- `invented_contact()` is a believable contact for "try it on someone"; `for_trigger()`
  gives a contact what a date trigger needs to fire during the walk-through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Mapping, Sequence

from sqlalchemy import select

from engine.db.database import Database
from engine.db.models import ContactStatus, StepLog
from engine.journey.data import JourneyData
from engine.errors import InputError
from engine.intake.events import EventInput
from engine.messaging.cart import ADDED_TO_CART, ORDER_COMPLETED
from engine.nodes import TriggerMatch, spec_of, trigger_match
from engine.nodes.common import Duration, PropertyFilter
from engine.settings import AppSettings
from engine.simulation.simulate import Scenario, run_scenario
from engine.journey.step_words import event_words, explain, never_entered, step_title

BUYS, NEVER_BUYS = "buys_after_first_email", "never_buys"
UNSUBSCRIBES, OPENS_ONLY = "unsubscribes_after_first_email", "opens_without_clicking"
PRESETS = {
    BUYS: "Buys after the first email",
    NEVER_BUYS: "Never buys",
    UNSUBSCRIBES: "Unsubscribes after the first email",
    OPENS_ONLY: "Opens but does not click",
}
DEFAULT_SPAN = timedelta(days=30)
#: what a suppressed contact status looks like as an event (it happened before the start)
_STATUS_EVENTS = {ContactStatus.UNSUBSCRIBED: "unsubscribed", ContactStatus.BOUNCED: "email_bounced",
                  ContactStatus.COMPLAINED: "spam_complaint"}
_SAMPLE_ITEM = {"sku": "MUG-01", "name": "Stoneware mug", "price": 18.0, "quantity": 2}


def invented_contact() -> dict[str, Any]:
    return {"email": "alex.rivera@example.com", "first_name": "Alex", "last_name": "Rivera",
            "timezone": "America/New_York", "country": "US", "locale": "en-US"}


def for_trigger(document: JourneyData, contact: Mapping[str, Any],
                start: datetime) -> dict[str, Any]:
    """`contact`, with the date a date trigger reads set so that it fires the next day."""
    trigger = _trigger(document)
    contact = dict(contact)
    if trigger is not None and trigger_match(trigger.type) is TriggerMatch.DATE:
        config = spec_of(trigger.type).parse_config(trigger.config)
        if config.field:
            day = (start + timedelta(days=1) - timedelta(days=config.offset_days)).date()
            contact["attributes"] = {**contact.get("attributes", {}), config.field: day.isoformat()}
    return contact


def preset_script(document: JourneyData, key: str) -> list[dict[str, Any]]:
    if key not in PRESETS:
        raise ValueError(f"unknown scenario {key!r}; choose from {', '.join(PRESETS)}")
    script = entry_script(document)
    if key == BUYS:
        goal = document.settings.goal_events[0] if document.settings.goal_events else None
        name = goal.event if goal and goal.event else ORDER_COMPLETED
        props = _passing(goal.filters) if goal else {}
        if name == ORDER_COMPLETED and not props:
            props = {"items": [_SAMPLE_ITEM], "revenue": 36.0}
        script.append({"after": "1h", "following": "email", "name": name, "properties": props})
    elif key == UNSUBSCRIBES:
        script.append({"after": "1h", "following": "email", "name": "unsubscribed",
                       "properties": {"source": "unsubscribe_link"}})
    elif key == OPENS_ONLY:
        script.append({"after": "30m", "following": "each email", "name": "email_opened",
                       "properties": {}})
    return script


def entry_script(document: JourneyData) -> list[dict[str, Any]]:
    """The events that put a contact into the journey at the start (none for scans)."""
    trigger = _trigger(document)
    if trigger is None:
        return []
    config = spec_of(trigger.type).parse_config(trigger.config)
    match = trigger_match(trigger.type)
    if match is TriggerMatch.EVENT and config.event:
        props = _passing(config.filters)
        if config.event == ADDED_TO_CART and not props:
            props = dict(_SAMPLE_ITEM)  # so the cart in the emails is not empty
        return [{"at": "0m", "name": config.event, "properties": props}
                for _ in range(config.min_count)]
    if match is TriggerMatch.LIST and config.list:
        return [{"at": "0m", "name": "list_joined", "properties": {"list": config.list}}]
    return []


def walk_through(
    document: JourneyData,
    contact: Mapping[str, Any],
    script: Sequence[Mapping[str, Any]],
    start: datetime,
    until: datetime | None = None,
    *,
    settings: AppSettings | None = None,
    lint_template: Callable | None = None,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[dict[str, Any]]:
    until = until or start + DEFAULT_SPAN
    contact = dict(contact)
    status = contact.pop("status", None)
    email = str(contact.get("email", "")).strip().lower()
    if not email:
        raise InputError("the walk-through needs a contact with an email address")
    player = _ScriptPlayer(email, [_parse_line(line, n) for n, line in enumerate(script, 1)],
                           start)
    history = []
    if status in _STATUS_EVENTS:
        history.append(EventInput(email, _STATUS_EVENTS[status], {}, start - timedelta(minutes=1)))
    trigger = _trigger(document)
    manual = trigger is not None and trigger_match(trigger.type) is TriggerMatch.MANUAL
    scenario = Scenario(
        documents=[document], contacts=[contact], events=history + player.opening(),
        start=start, until=until, settings=settings, lint_template=lint_template,
        display_zone=start.tzinfo,
        enroll=[(document.name, email)] if manual else [], react=player.react, with_html=True,
    )
    lines = run_scenario(scenario, progress=progress, cancelled=cancelled)
    return _annotate(document, lines, player.played(until), start)


# --- the script ------------------------------------------------------------------------------

@dataclass
class _Line:
    name: str
    properties: dict[str, Any]
    at: timedelta | None = None
    after: timedelta = timedelta(0)
    following: str | None = None


class _ScriptPlayer:
    """Turns script lines into events, the email-following ones as the run unfolds."""

    def __init__(self, email: str, lines: list[_Line], start: datetime):
        self.email, self.lines, self.start = email, lines, start
        self.scheduled: list[EventInput] = []
        self._next = 0  # the first line not scheduled yet
        self._anchor = start  # when the line before it happened
        #: emails already answered by an "each email" line
        self._answered: set[int] = set()

    def opening(self) -> list[EventInput]:
        return self._schedule_fixed()

    def _schedule_fixed(self) -> list[EventInput]:
        events = []
        while self._next < len(self.lines) and self.lines[self._next].following is None:
            line = self.lines[self._next]
            at = self.start + line.at if line.at is not None else self._anchor + line.after
            events.append(self._event(line, at))
            self._anchor = at
            self._next += 1
        return events

    def _event(self, line: _Line, at: datetime) -> EventInput:
        event = EventInput(self.email, line.name, dict(line.properties), at)
        self.scheduled.append(event)
        return event

    def react(self, database: Database, now: datetime) -> list[EventInput]:
        if self._next >= len(self.lines):
            return []
        line = self.lines[self._next]
        emails = _emails_since(database, self._anchor, now)
        if line.following == "email":
            if not emails:
                return []
            at = emails[0][1] + line.after
            self._anchor, self._next = at, self._next + 1
            return [self._event(line, at), *self._schedule_fixed()]
        # "each email": answer every new email; the line never completes
        events = []
        for log_id, at, template in emails:
            if log_id not in self._answered:
                self._answered.add(log_id)
                props = dict(line.properties) | ({"template": template} if template else {})
                events.append(self._event(_Line(line.name, props), at + line.after))
        return events

    def played(self, until: datetime) -> list[EventInput]:
        return [e for e in self.scheduled if e.at is not None and e.at <= until]


def _emails_since(database: Database, since: datetime, now: datetime) -> list[tuple]:
    """(log id, time, template) of the emails queued in [since, now]; failed ones never arrive."""
    with database.session() as session:
        rows = session.execute(
            select(StepLog.id, StepLog.at, StepLog.detail)
            .where(StepLog.kind == "email", StepLog.at >= since, StepLog.at <= now)
            .order_by(StepLog.at, StepLog.id)
        ).all()
    return [(row.id, row.at, (row.detail or {}).get("template")) for row in rows
            if (row.detail or {}).get("status") == "queued"]


def _parse_line(line: Mapping[str, Any], number: int) -> _Line:
    where = f"script line {number}"
    name = line.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError('"name" is missing', where)
    properties = line.get("properties") or {}
    if not isinstance(properties, Mapping):
        raise InputError('"properties" must be an object', where)
    following = line.get("following")
    if following not in (None, "email", "each email"):
        raise InputError('"following" is "email" or "each email"', where)
    if ("at" in line) == ("after" in line):
        raise InputError('give either "at" (after the start) or "after" (the line before)', where)
    try:
        if "at" in line:
            if following:
                raise InputError('"following" goes with "after", not "at"', where)
            return _Line(name.strip(), dict(properties), at=_duration(line["at"]))
        return _Line(name.strip(), dict(properties), after=_duration(line["after"]),
                     following=following)
    except ValueError as error:
        raise InputError(str(error).splitlines()[0], where) from None


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    return Duration.model_validate(value).to_timedelta()


def _passing(filters: list[PropertyFilter]) -> dict[str, Any]:
    """Event properties that pass `filters` (a best effort: negative tests add nothing)."""
    properties: dict[str, Any] = {}
    for rule in filters:
        value = {"equals": rule.value, "contains": rule.value, "exists": "yes",
                 "greater": _nudge(rule.value, 1), "less": _nudge(rule.value, -1)}.get(rule.op)
        if value is None:
            continue
        *parents, leaf = rule.property.split(".")
        target = properties
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = value
    return properties


def _nudge(value: Any, step: int) -> Any:
    try:
        return float(value) + step
    except (TypeError, ValueError):
        return value


def _trigger(document: JourneyData):
    return next((n for n in document.nodes
                 if (spec := spec_of(n.type)) is not None and spec.is_trigger), None)


# --- the result ----------------------------------------------------------------------------------

def _annotate(document: JourneyData, lines: list[dict[str, Any]],
              events: list[EventInput], start: datetime) -> list[dict[str, Any]]:
    nodes = {node.id: node for node in document.nodes}
    timeline = []
    for line in lines:
        at = datetime.fromisoformat(line["at"])
        timeline.append(line | {"offset": (at - start).total_seconds(),
                                "title": step_title(nodes.get(line["node"])),
                                "explanation": explain(line, nodes.get(line["node"]))})
    for event in events:
        timeline.append({"at": event.at.astimezone(timezone.utc).isoformat(), "contact": event.contact,
                         "node": None, "kind": "event", "name": event.name,
                         "properties": event.properties,
                         "offset": (event.at - start).total_seconds(), "title": "",
                         "explanation": event_words(event.name, event.properties)})
    # events first at equal times: the engine reacts to an event in the same moment
    timeline.sort(key=lambda line: (line["offset"], line["kind"] != "event"))
    if not any(line["kind"] == "enter" for line in timeline):
        timeline.append({"at": start.isoformat(), "contact": None, "node": None,
                         "kind": "note", "offset": timeline[-1]["offset"] if timeline else 0.0,
                         "title": "", "explanation": never_entered(_trigger(document))})
    return timeline

