"""Whole-journey validation: what blocks publishing (errors) and what deserves a look
(warnings).

Contract: `validate_journey(journey)` never raises for a problem in the journey; it returns
`Problem`s, each naming the node (or None for the journey as a whole), a severity and a
sentence for the marketer. Email content rules beyond "the template exists" (unsubscribe
link, links, alt text…) come from the email linter when it is given as `lint_template`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

import networkx as nx

from engine.journey.data import EmailTemplate
from engine.journey.loops import untimed_loops
from engine.journey.model import Journey
from engine.nodes import TriggerMatch

ERROR, WARNING = "error", "warning"

#: email lint hook: template -> list of (severity, message)
TemplateLinter = Callable[[EmailTemplate], Iterable[tuple[str, str]]]


@dataclass(frozen=True)
class Problem:
    node_id: str | None
    severity: str
    message: str

    def __str__(self) -> str:
        where = f"step {self.node_id}" if self.node_id else "journey"
        return f"{self.severity}: {where}: {self.message}"


def validate_journey(journey: Journey, lint_template: TemplateLinter | None = None) -> list[Problem]:
    problems: list[Problem] = []
    problems += _check_triggers(journey)
    problems += _check_reachable(journey)
    problems += _check_loops(journey)
    problems += _check_ports(journey)
    problems += _check_configs(journey)
    problems += _check_emails(journey, lint_template)
    problems += _check_event_data(journey)
    problems += _check_timing(journey)
    return problems


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity == ERROR for p in problems)


def _check_triggers(journey: Journey) -> list[Problem]:
    triggers = journey.triggers()
    if not triggers:
        return [Problem(None, ERROR, "The journey has no trigger: add one to say who enters it")]
    if len(triggers) > 1:
        return [
            Problem(n, ERROR, "A journey has exactly one trigger; remove the others")
            for n in triggers[1:]
        ]
    if not journey.graph.out_degree(triggers[0]):
        return [Problem(triggers[0], ERROR, "The trigger leads nowhere: connect it to a first step")]
    return []


def _check_reachable(journey: Journey) -> list[Problem]:
    triggers = journey.triggers()
    if len(triggers) != 1:
        return []
    reached = nx.descendants(journey.graph, triggers[0]) | {triggers[0]}
    return [
        Problem(n, ERROR, "No contact can reach this step: connect it to the journey")
        for n in journey.node_ids()
        if n not in reached and n not in triggers
    ]


def _check_loops(journey: Journey) -> list[Problem]:
    # Edits already refuse such loops; files and older drafts may still hold one.
    graph = journey.graph
    problems = []
    for cycle in untimed_loops(graph.nodes(data="type"), graph.edges, journey.registry):
        problems.append(
            Problem(
                cycle[0], ERROR, "These steps form a loop with no delay or wait: "
                + " → ".join(cycle + cycle[:1]),
            )
        )
    return problems


def _check_ports(journey: Journey) -> list[Problem]:
    problems = []
    for node_id in journey.node_ids():
        if not journey.spec(node_id).forks:  # where a path forks, every port must be wired
            continue
        for port in journey.ports(node_id):
            if journey.target(node_id, port.key) is None:
                problems.append(
                    Problem(
                        node_id,
                        ERROR,
                        f"'{port.label}' leads nowhere: connect it, or end it with an Exit",
                    )
                )
    return problems


def _check_configs(journey: Journey) -> list[Problem]:
    problems = []
    for node_id in journey.node_ids():
        for message in journey.config(node_id).incomplete():
            problems.append(Problem(node_id, ERROR, message))
    return problems


def _check_emails(journey: Journey, lint_template: TemplateLinter | None) -> list[Problem]:
    problems = []
    linted: dict[str, list[tuple[str, str]]] = {}
    for node_id in journey.node_ids():
        email = journey.spec(node_id).email
        if email is None:
            continue
        config = journey.config(node_id)
        if not email.template(config):
            continue  # reported as incomplete
        for key in dict.fromkeys(email.templates(config)):  # the email and its variants
            template = journey.templates.get(key)
            if template is None:
                problems.append(Problem(node_id, ERROR, f"The email {key!r} does not exist"))
                continue
            if lint_template is not None:
                if key not in linted:
                    linted[key] = list(lint_template(template))
                problems += [Problem(node_id, sev, msg) for sev, msg in linted[key]]
    return problems


def _check_event_data(journey: Journey) -> list[Problem]:
    """A block email that shows the trigger event's data, in a journey no event starts:
    every contact would see the fallbacks (a warning, not an error: that may be meant)."""
    triggers = journey.triggers()
    if len(triggers) != 1 or journey.spec(triggers[0]).match is TriggerMatch.EVENT:
        return []
    from engine.blocks.checks import event_properties  # the blocks load pydantic models

    problems = []
    for node_id in journey.node_ids():
        email = journey.spec(node_id).email
        if email is None:
            continue
        for key in dict.fromkeys(email.templates(journey.config(node_id))):
            template = journey.templates.get(key)
            if template is None or template.format != "blocks":
                continue
            shown = event_properties(template)
            if shown:
                problems.append(Problem(node_id, WARNING, (
                    f"The email {template.name!r} shows the trigger event's "
                    f"{', '.join(sorted(shown))}, but no event starts this journey: everyone "
                    "will see the fallbacks, and its grids of the event's items or product "
                    "stay empty")))
    return problems


def _check_timing(journey: Journey) -> list[Problem]:
    problems = []
    for node_id in journey.node_ids():
        spec, config = journey.spec(node_id), journey.config(node_id)
        problems += [Problem(node_id, WARNING, message) for message in spec.warn(config)]
        if spec.sends_email and spec.email.is_marketing(config):
            previous = _direct_previous_email(journey, node_id)
            if previous:
                problems.append(
                    Problem(
                        node_id,
                        WARNING,
                        f"Sent right after another email ('{previous}') with no delay between",
                    )
                )
    return problems


def _direct_previous_email(journey: Journey, node_id: str) -> str | None:
    for source in journey.graph.predecessors(node_id):
        if journey.spec(source).sends_email:
            return journey.summary(source)
    return None
