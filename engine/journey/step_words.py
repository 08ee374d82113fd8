"""Plain words for a journey's steps and timelines: what happened at each step, and why.

Contract: pure functions of a timeline line (see docs/simulate.md) and the step's
`NodeData` (or None), returning one short sentence a marketer reads without knowing the
engine's reason codes. `step_title(node)` is the step's name as the canvas shows it (its
own title, else its type's title). Unknown kinds and reasons fall back to the raw code
rather than to nothing. Used by simulations, walk-throughs, contact profiles and the
publish preview, so it lives with the journey (below all of them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from engine.journey.data import NodeData
from engine.nodes import TriggerMatch, spec_of, trigger_match

SKIPS = {
    "unsubscribed": "the contact has unsubscribed",
    "bounced": "the contact's address bounced before",
    "complained": "the contact marked an email as spam",
    "no_consent": "there is no consent to email this contact",
    "frequency_cap": "the contact already got as many emails as the frequency cap allows",
    "overdue": "it was overdue when Trellis next ran, and this journey skips late emails",
    "template_missing": "the email it should send does not exist",
}
HOLDS = {
    "quiet_hours": "it was quiet hours for the contact",
    "frequency_cap": "the frequency cap was reached",
    "catch_up": "it was overdue, and this journey waits for the next allowed window",
    "guardrail": "a guardrail paused the journey; it goes on when the journey is resumed",
}
EXITS = {
    "completed": "Reached the end of the path: the journey is over for this contact",
    "goal": "Reached the goal: the journey ends here",
    "exit": "Left the journey at an exit step",
    "exit_event": "Left the journey because of an exit event",
    "node_missing": "Left the journey: its step no longer exists",
    "version_migration": "Left the journey when a new version was published",
    "holdout": "Held out: gets nothing from this journey, to measure what the journey adds",
}
ACTIONS = {
    "list_add": lambda d: f"Added to the list “{d.get('list')}”",
    "list_remove": lambda d: f"Removed from the list “{d.get('list')}”",
    "update_field": lambda d: f"Set {d.get('field')} to {d.get('value')!r}",
    "adjust_score": lambda d: f"Lead score changed by {d.get('delta'):+}",
    "notify": lambda d: f"Your team ({d.get('to')}) would be alerted",
    "webhook": lambda d: f"Would call the webhook {d.get('url')}",
    "ad_audience": lambda d: f"Added to the ad audience “{d.get('audience')}”",
}
EVENTS = {
    "order_completed": "Buys",
    "added_to_cart": "Adds an item to the cart",
    "unsubscribed": "Unsubscribes",
    "email_opened": "Opens the email",
    "email_clicked": "Clicks a link in the email",
    "list_joined": "Joins a list",
}


def step_title(node: NodeData | None) -> str:
    if node is None:
        return ""
    if node.title:
        return node.title
    spec = spec_of(node.type)
    return spec.title if spec is not None else node.type


def _when(text: Any) -> str:
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return str(text)
    return f"{moment:%a %b} {moment.day}, {moment:%H:%M}"


def _port_label(node: NodeData | None, port: str | None) -> str:
    spec = spec_of(node.type) if node is not None else None
    if spec is not None:
        try:
            labels = {p.key: p.label for p in spec.outputs(spec.parse_config(node.config))}
        except ValueError:
            labels = {}
        return labels.get(port, port or "")
    return port or ""


def explain(line: Mapping[str, Any], node: NodeData | None) -> str:
    kind = line.get("kind")
    reason = line.get("reason")
    if kind == "enter":
        if reason == "version_migration":
            return "Moved onto the new version of the journey here"
        event = line.get("event")
        return f"Entered the journey ({event})" if event else "Entered the journey"
    if kind == "email":
        if line.get("status") == "failed":
            return f"The email “{line.get('subject') or ''}” could not be made: {line.get('error')}"
        return f"Would get the email “{line.get('subject')}” (nothing is sent in a walk-through)"
    if kind == "action":
        words = ACTIONS.get(line.get("action"))
        return words(line) if words else f"Action: {line.get('action')}"
    if kind == "branch":
        port = line.get("port")
        spec = spec_of(node.type) if node is not None else None
        if spec is not None and spec.port_words:  # the type words its own ports
            return spec.words_for_port(port) or f"Takes the “{_port_label(node, port)}” path"
        if reason == "winner":
            return f"Takes the “{_port_label(node, port)}” path: the A/B test's winner"
        return f"Takes the “{_port_label(node, port)}” path"
    if kind == "wait":
        if line.get("event"):
            return f"Waits for {line['event']}, at most until {_when(line.get('until'))}"
        if line.get("until"):
            return f"Waits until {_when(line['until'])}"
        return f"Waits {line.get('for')}"
    if kind == "hold":
        why = HOLDS.get(reason, reason)
        if reason == "guardrail":
            return f"Held: {why}"
        return f"Held until {_when(line.get('until'))}: {why}"
    if kind == "skip" and reason == "entry_guard":  # engine/runtime/entry.py
        return ("Did not enter: for now this journey takes only contacts who match its "
                "entry rules")
    if kind == "skip":
        return f"Skipped this step: {SKIPS.get(reason, reason)}"
    if kind == "exit":
        return EXITS.get(reason, f"Left the journey ({reason})")
    return str(kind)


def event_words(name: str, properties: Mapping[str, Any]) -> str:
    words = EVENTS.get(name)
    if name == "list_joined" and properties.get("list"):
        return f"Joins the list “{properties['list']}”"
    return f"{words} ({name})" if words else f"Does “{name}”"


def never_entered(trigger: NodeData | None) -> str:
    if trigger is None:
        return "Nobody can enter: the journey has no trigger"
    if trigger_match(trigger.type) in (TriggerMatch.SEGMENT, TriggerMatch.INACTIVITY):
        return ("The contact did not enter: this journey starts when a contact comes to match "
                "its rules or goes quiet, which this walk-through did not stage")
    return "The contact did not enter the journey: its trigger did not match"
