"""Node executors: one small function per node type, `(step, config) -> Outcome`.

Contract: an executor reads the step (contact snapshot, run, journey, batch) and returns
an outcome (`engine.runtime.outcomes`); its effects go through the batch's buffered
writes, never straight to the database. Timing nodes run twice: on arrival they `Park`,
and when due they are resumed (`step.resuming`) and leave by a port. Each node type's
spec names its function here (`executor="engine.runtime.executors:run_delay"`);
`executor_for(spec)` resolves it (a test checks that every registered type's resolves).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timedelta
from typing import Any, Callable

from engine.db.models import EnrollmentStatus
from engine.experiments import assign
from engine.runtime import guards
from engine.runtime.batch import Batch, Run
from engine.journey.compiled import CompiledJourney
from engine.conditions.evaluate import condition_holds
from engine.runtime.outbox import describe_email
from engine.runtime.outcomes import End, Go, Outcome, Park, Skip
from engine.runtime.schedule import next_time_of_day
from engine.errors import UnknownNodeType
from engine.nodes import NodeSpec
from engine.nodes.common import parse_time_of_day


@dataclass
class Step:
    batch: Batch
    run: Run
    journey: CompiledJourney
    node_id: str
    resuming: bool
    services: Any  # engine services: renderer, quiet-hours/cap overrides (see advance.py)

    @property
    def now(self) -> datetime:
        return self.batch.now

    @property
    def contact(self) -> dict:
        return self.batch.contacts[self.run.contact_id]

    @property
    def zone(self):
        return guards.contact_zone(self.contact, self.batch.settings.default_timezone)

    def idempotency_key(self) -> str:
        return f"enrollment:{self.run.id}:{self.node_id}:{self.run.step_count}"


Executor = Callable[[Step, Any], Outcome]
HOLDOUT = "holdout"


# --- triggers ------------------------------------------------------------------------------

def run_trigger(step: Step, _config) -> Outcome:
    detail = {"event": step.run.context.get("event_name")}
    percent = step.journey.settings.holdout_percent
    if percent and assign.point(step.run.contact_id, step.journey.journey_id, HOLDOUT) < percent:
        # held out (sticky): enters, so the comparison counts it, and leaves with nothing
        step.batch.log(step.run, step.node_id, "enter", detail=detail)
        return End(EnrollmentStatus.EXITED, HOLDOUT, {"percent": percent})
    return Go("next", kind="enter", detail=detail)


def run_inactive_trigger(step: Step, config) -> Outcome:
    # Scans enroll ahead of the moment; someone who came back in between does not enter.
    last = step.contact.get("last_activity_at")
    if last is not None and last + timedelta(days=config.days) > step.now:
        return End(EnrollmentStatus.EXITED, "active_again")
    return run_trigger(step, config)


# --- timing --------------------------------------------------------------------------------

def run_delay(step: Step, config) -> Outcome:
    if step.resuming:
        return Go("next")
    return Park(step.now + config.duration.to_timedelta(), detail={"for": str(config.duration)})


def run_wait_until(step: Step, config) -> Outcome:
    if step.resuming:
        return Go("next")
    at = parse_time_of_day(config.time_of_day) if config.time_of_day else None
    until = next_time_of_day(step.now, step.zone, at, config.weekdays)
    if until <= step.now:
        return Go("next")
    return Park(until, detail={"until": until.isoformat()})


def run_wait_event(step: Step, config) -> Outcome:
    if step.resuming:
        port = step.run.context.pop("resume_port", "timeout")
        return Go(port, kind="branch")
    until = step.now + config.timeout.to_timedelta()
    return Park(until, wait_event=config.wait_for.event,
                detail={"event": config.wait_for.event, "until": until.isoformat()})


# --- logic ---------------------------------------------------------------------------------

def run_branch(step: Step, config) -> Outcome:
    holds = condition_holds(config.condition, step.contact, step.batch, step.now)
    return Go("yes" if holds else "no", kind="branch")


def run_multi_split(step: Step, config) -> Outcome:
    for path in config.paths:
        if condition_holds(path.condition, step.contact, step.batch, step.now):
            return Go(path.key, kind="branch")
    return Go("default", kind="branch")


def run_random_split(step: Step, config) -> Outcome:
    test = config.experiment
    if test is not None and test.auto_winner:
        winner = step.batch.winner_of(step.journey.journey_id, step.node_id)
        if winner is not None and winner in {v.key for v in config.variants}:
            return Go(winner, kind="branch", reason="winner")
    # Stable per contact and node: the same contact always lands on the same side.
    at = assign.point(step.run.contact_id, step.journey.journey_id, step.node_id)
    return Go(assign.pick(at, ((v.key, v.percent) for v in config.variants)), kind="branch")


def run_goal(_step: Step, config) -> Outcome:
    return End(EnrollmentStatus.CONVERTED, "goal", {"goal": config.name})


def run_exit(_step: Step, config) -> Outcome:
    return End(EnrollmentStatus.EXITED, "exit", {"why": config.reason} if config.reason else {})


# --- actions -------------------------------------------------------------------------------

def run_send_email(step: Step, config) -> Outcome:
    blocked = email_guards(step, config.transactional, config.when_capped)
    if blocked is not None:
        return blocked
    variant, by_winner = _email_variant(step, config)
    key = (variant.template or config.template) if variant else config.template
    template = step.journey.templates.get(key)
    if template is None:  # validation refuses this at publish; older data may still hold it
        return Skip("template_missing", {"template": key})
    if variant is not None and variant.subject:  # a subject-only variant
        template = template.model_copy(update={"subject": variant.subject})
    category = "transactional" if config.transactional else "marketing"
    message = step.services.compose_email(step, template, category)
    step.batch.queue_message(message)
    detail = {"template": template.key}
    if variant is not None:
        detail["variant"] = variant.key
    describe_email(step.batch, message, detail)  # subject, status: now or once rendered
    return Go("next", kind="email", detail=detail, reason="winner" if by_winner else None)


def _email_variant(step: Step, config):
    """(the variant this contact gets, whether the test's winner chose it); (None, False)
    without variants. Sticky like a split; after a winner, later sends get the winner."""
    if not config.variants:
        return None, False
    by_key = {v.key: v for v in config.variants}
    if config.experiment is not None and config.experiment.auto_winner:
        winner = step.batch.winner_of(step.journey.journey_id, step.node_id)
        if winner in by_key:
            return by_key[winner], True
    at = assign.point(step.run.contact_id, step.journey.journey_id, step.node_id)
    return by_key[assign.pick(at, ((v.key, v.percent) for v in config.variants))], False


def email_guards(step: Step, transactional: bool, when_capped: str) -> Outcome | None:
    contact, batch, now = step.contact, step.batch, step.now
    outcome = guards.check_suppression(contact, transactional)
    if outcome is None and not transactional:
        outcome = guards.check_consent(batch.consent_of(contact["id"]),
                                       batch.settings.consent_required)
    if outcome is not None or transactional:
        return outcome
    grace = timedelta(minutes=batch.settings.catch_up_grace_minutes)
    due = step.run.was_due_at
    # the contact's timezone is looked up only when a guard needs it: most steps are on
    # time and most journeys have no quiet hours
    overdue = due is not None and now - due > grace
    outcome = guards.check_catch_up(step.journey.settings.catch_up, due, now, grace,
                                    step.zone if overdue else None)
    if outcome is None:
        quiet = step.services.quiet_hours(step.journey, batch.settings)
        outcome = guards.check_quiet_hours(quiet, now, step.zone if quiet is not None else None)
    cap = step.services.frequency_cap(batch.settings)
    if outcome is None and cap is not None:
        within = cap.within.to_timedelta()
        sent = batch.marketing_sent_since(contact["id"], now - within)
        outcome = guards.check_frequency_cap(sent, cap.count, within, now, when_capped)
    return outcome


def run_list_add(step: Step, config) -> Outcome:
    step.batch.change_list(step.run.contact_id, config.list, add=True)
    return Go("next", kind="action", detail={"action": "list_add", "list": config.list})


def run_list_remove(step: Step, config) -> Outcome:
    step.batch.change_list(step.run.contact_id, config.list, add=False)
    return Go("next", kind="action", detail={"action": "list_remove", "list": config.list})


def run_update_field(step: Step, config) -> Outcome:
    step.batch.set_field(step.run.contact_id, config.field, config.value)
    return Go("next", kind="action",
              detail={"action": "update_field", "field": config.field, "value": config.value})


def run_adjust_score(step: Step, config) -> Outcome:
    step.batch.add_score(step.run.contact_id, config.delta)
    return Go("next", kind="action", detail={
        "action": "adjust_score", "delta": config.delta,
        "lead_score": step.contact["lead_score"]})


def run_notify(step: Step, config) -> Outcome:
    message = step.services.compose_alert(step, config)
    step.batch.queue_message(message)
    return Go("next", kind="action", detail={"action": "notify", "to": config.to,
                                             "subject": message["subject"]})


def run_webhook(step: Step, config) -> Outcome:
    body = {
        "contact": {k: step.contact[k] for k in ("email", "first_name", "last_name", "lead_score")}
        | {"attributes": step.contact["attributes"]},
        "event": step.run.context.get("event", {}),
        "journey": step.journey.name,
        "node": step.node_id,
        "at": step.now.isoformat(),
    }
    step.batch.queue_webhook({
        "idempotency_key": step.idempotency_key(), "contact_id": step.run.contact_id,
        "journey_id": step.journey.journey_id, "node_id": step.node_id, "url": config.url,
        "method": config.method, "headers": config.headers, "body": body,
        "timeout_seconds": config.timeout_seconds, "max_attempts": config.retries + 1,
        "status": "queued", "retry_at": step.now,
    })
    return Go("next", kind="action", detail={"action": "webhook", "url": config.url})


def run_ad_audience(step: Step, config) -> Outcome:
    step.batch.add_to_audience(step.run.contact_id, config.audience)
    return Go("next", kind="action", detail={"action": "ad_audience", "audience": config.audience})


@lru_cache(maxsize=None)
def _named(target: str) -> Executor:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def executor_for(spec: NodeSpec) -> Executor:
    """The function that runs a node of this type: its spec names it (`"module:function"`)
    or holds it; a type without one is a clear error, not a KeyError mid-tick."""
    target = spec.executor
    if callable(target):
        return target
    if not target:
        raise UnknownNodeType(f"node type {spec.type_id!r} has no executor")
    try:
        return _named(target)
    except (ImportError, AttributeError) as exc:
        raise UnknownNodeType(f"node type {spec.type_id!r}: executor {target!r} not found"
                              ) from exc
