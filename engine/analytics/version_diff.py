"""What publishing would change: the difference between two journey documents.

Contract: `diff_versions(live, draft)` is a pure function of two `JourneyData`s (the
live version may be None: a first publish adds everything) returning a `VersionDiff`:
steps added, removed and changed (which config fields, a new title, a new type), paths
added and removed (edges as source, port, target), journey settings changed (by field)
and email templates added, removed and changed (by field). Moving a step on the canvas is
not a change. Configs are compared after validation through the node registry, so a
stored document that leaves a default out equals one that spells it.
`VersionDiff.lines()` says it in short sentences for the publish dialog.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.journey.data import JourneyData, NodeData
from engine.nodes import REGISTRY

Edge = tuple[str, str, str]


@dataclass(frozen=True)
class StepRef:
    id: str
    #: the step as the canvas names it: its title, else its type's title
    label: str


@dataclass(frozen=True)
class StepChange:
    step: StepRef
    #: config field names, plus "title" and "type" when those changed
    fields: tuple[str, ...]


@dataclass(frozen=True)
class TemplateChange:
    key: str
    name: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class VersionDiff:
    added: tuple[StepRef, ...] = ()
    removed: tuple[StepRef, ...] = ()
    changed: tuple[StepChange, ...] = ()
    edges_added: tuple[Edge, ...] = ()
    edges_removed: tuple[Edge, ...] = ()
    settings_changed: tuple[str, ...] = ()
    templates_added: tuple[str, ...] = ()
    templates_removed: tuple[str, ...] = ()
    templates_changed: tuple[TemplateChange, ...] = ()

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in self.__dataclass_fields__)

    def lines(self) -> list[str]:
        out = [f"Adds the step {s.label!r}" for s in self.added]
        out += [f"Removes the step {s.label!r}" for s in self.removed]
        out += [f"Changes {c.step.label!r}: {', '.join(c.fields)}" for c in self.changed]
        if self.edges_added or self.edges_removed:
            out.append(f"Connections between steps: {len(self.edges_added)} added, "
                       f"{len(self.edges_removed)} removed")
        if self.settings_changed:
            out.append("Changes the journey settings: " + ", ".join(self.settings_changed))
        out += [f"Adds the email {k!r}" for k in self.templates_added]
        out += [f"Removes the email {k!r}" for k in self.templates_removed]
        out += [f"Edits the email {t.name!r}: {', '.join(t.fields)}"
                for t in self.templates_changed]
        return out


def _label(node: NodeData) -> str:
    if node.title:
        return node.title
    return REGISTRY.get(node.type).title if node.type in REGISTRY else node.type


def _config(node: NodeData) -> dict[str, Any]:
    if node.type not in REGISTRY:
        return dict(node.config)
    try:
        return REGISTRY.get(node.type).parse_config(node.config).model_dump(mode="json")
    except ValueError:  # an invalid config still compares, as written
        return dict(node.config)


def _changed_fields(old: dict[str, Any], new: dict[str, Any]) -> tuple[str, ...]:
    return tuple(sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k)))


def diff_versions(live: JourneyData | None, draft: JourneyData) -> VersionDiff:
    before = {n.id: n for n in live.nodes} if live else {}
    after = {n.id: n for n in draft.nodes}
    changed = []
    for node_id in (i for i in after if i in before):  # in the draft's order, as shown
        old, new = before[node_id], after[node_id]
        fields = _changed_fields(_config(old), _config(new)) if old.type == new.type else ()
        fields += ("title",) if _label(old) != _label(new) else ()
        fields += ("type",) if REGISTRY.resolve(old.type) != REGISTRY.resolve(new.type) else ()
        if fields:
            changed.append(StepChange(StepRef(node_id, _label(new)), fields))
    old_edges = {(e.source, e.port, e.target) for e in live.edges} if live else set()
    new_edges = {(e.source, e.port, e.target) for e in draft.edges}

    old_settings = live.settings.model_dump(mode="json") if live else {}
    new_settings = draft.settings.model_dump(mode="json")
    old_templates = {t.key: t.model_dump(mode="json") for t in live.templates} if live else {}
    new_templates = {t.key: t for t in draft.templates}
    templates_changed = tuple(
        TemplateChange(key, new_templates[key].name,
                       _changed_fields(old_templates[key], new_templates[key].model_dump(mode="json")))
        for key in sorted(new_templates.keys() & old_templates.keys())
        if old_templates[key] != new_templates[key].model_dump(mode="json")
    )
    return VersionDiff(
        added=tuple(StepRef(i, _label(after[i])) for i in after if i not in before),
        removed=tuple(StepRef(i, _label(before[i])) for i in before if i not in after),
        changed=tuple(changed),
        edges_added=tuple(sorted(new_edges - old_edges)),
        edges_removed=tuple(sorted(old_edges - new_edges)),
        settings_changed=_changed_fields(old_settings, new_settings) if live else (),
        templates_added=tuple(k for k in new_templates if k not in old_templates),
        templates_removed=tuple(k for k in old_templates if k not in new_templates),
        templates_changed=templates_changed,
    )
