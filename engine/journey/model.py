"""A journey: the graph of steps a contact walks through, and the only code that edits it.

Contract:
- `Journey` owns a `networkx.DiGraph`; nobody else mutates it. Node attributes: `type`,
  `type_version`, `title`, `pos`, `config` (a validated pydantic model). Edge attribute:
  `port` (the source's output port key).
- Each edit method checks its rules first and raises `JourneyEditError` with a reason a
  person can read, changing nothing; on success it emits plain-Python `JourneyEvent`s to
  the listeners (the app's bridge turns them into Qt signals).
- Rules: one edge per output port; no edge into a trigger; no self-loops; no two ports of a
  node leading to the same step; no loop without a delay or wait in it.
- `to_document()` / `Journey.from_document()` convert to and from the file/DB shape.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

import networkx as nx
from pydantic import BaseModel, ValidationError

from engine.journey.data import EdgeData, EmailTemplate, JourneyData, JourneySettings, NodeData
from engine.errors import JourneyEditError, validation_words
from engine.journey.loops import closes_untimed_loop
from engine.nodes import NodeRegistry, NodeSpec, Port, active_registry

#: node types that hold a contact for a while, so a loop through one of them is safe


@dataclass(frozen=True)
class JourneyEvent:
    """What changed. `kind` is one of the names in `EVENT_KINDS`."""

    kind: str
    node_id: str | None = None
    edge: tuple[str, str, str] | None = None  # (source, port, target)
    positions: Mapping[str, tuple[float, float]] = field(default_factory=dict)


EVENT_KINDS = (
    "node_added", "node_removed", "edge_added", "edge_removed", "config_changed",
    "title_changed", "nodes_moved", "settings_changed", "templates_changed", "renamed", "reset",
)


@dataclass(frozen=True)
class ConnectVerdict:
    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


@dataclass(frozen=True)
class RemovedNode:
    """Everything `remove_node` took away, so an undo can put it back exactly."""

    node: NodeData
    edges: tuple[tuple[str, str, str], ...]


Listener = Callable[[JourneyEvent], None]


def _friendly(error: ValidationError) -> str:
    return validation_words(error)


class Journey:
    def __init__(
        self,
        name: str = "Untitled journey",
        *,
        description: str = "",
        settings: JourneySettings | None = None,
        registry: NodeRegistry | None = None,
    ):
        self.registry = registry if registry is not None else active_registry()
        self.name = name
        self.description = description
        self.settings = settings or JourneySettings()
        self.templates: dict[str, EmailTemplate] = {}
        self._graph = nx.DiGraph()
        self._listeners: list[Listener] = []
        self._issued: set[str] = set()

    # --- listening ---------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    def _emit(self, event: JourneyEvent) -> None:
        for listener in list(self._listeners):
            listener(event)

    # --- queries ---------------------------------------------------------------------------

    @property
    def graph(self) -> nx.DiGraph:
        """A read-only view of the graph (edits go through the methods below)."""
        return self._graph.copy(as_view=True)

    def node_ids(self) -> list[str]:
        return list(self._graph.nodes)

    def has_node(self, node_id: str) -> bool:
        return node_id in self._graph

    def node(self, node_id: str) -> Mapping[str, Any]:
        self._require(node_id)
        return self._graph.nodes[node_id]

    def spec(self, node_id: str) -> NodeSpec:
        return self.registry.get(self.node(node_id)["type"])

    def config(self, node_id: str) -> BaseModel:
        return self.node(node_id)["config"]

    def ports(self, node_id: str) -> tuple[Port, ...]:
        return self.spec(node_id).outputs(self.config(node_id))

    def edges(self) -> list[tuple[str, str, str]]:
        """All edges as (source, port, target)."""
        return [(s, d["port"], t) for s, t, d in self._graph.edges(data=True)]

    def target(self, node_id: str, port: str) -> str | None:
        for _, target, data in self._graph.out_edges(node_id, data=True):
            if data["port"] == port:
                return target
        return None

    def triggers(self) -> list[str]:
        return [n for n in self._graph.nodes if self.spec(n).is_trigger]

    def summary(self, node_id: str) -> str:
        subjects = {key: t.subject for key, t in self.templates.items()}
        return self.spec(node_id).summary(self.config(node_id), subjects)

    def can_connect(self, source: str, port: str, target: str) -> ConnectVerdict:
        """Whether `source.port -> target` may be added, and if not, why (pure)."""
        if source not in self._graph or target not in self._graph:
            return ConnectVerdict(False, "that step no longer exists")
        if source == target:
            return ConnectVerdict(False, "a step cannot lead to itself")
        if port not in {p.key for p in self.ports(source)}:
            return ConnectVerdict(False, f"'{self._label(source)}' has no output '{port}'")
        if not self.spec(target).has_input:
            return ConnectVerdict(False, "a trigger starts the journey; nothing can lead into it")
        taken = self.target(source, port)
        if taken is not None:
            return ConnectVerdict(
                False, f"'{port}' already leads to '{self._label(taken)}'; remove that link first"
            )
        if self._graph.has_edge(source, target):
            return ConnectVerdict(False, "another output of this step already leads there")
        if self._loop_without_pause(source, target):
            return ConnectVerdict(
                False, "this makes a loop with no delay or wait: contacts would circle forever"
            )
        return ConnectVerdict(True)

    def _loop_without_pause(self, source: str, target: str) -> bool:
        """Would source->target close a cycle through no timing node?"""
        return closes_untimed_loop(self._graph, source, target, self.registry)

    def _label(self, node_id: str) -> str:
        data = self._graph.nodes[node_id]
        return data["title"] or self.registry.get(data["type"]).title

    def _require(self, node_id: str) -> None:
        if node_id not in self._graph:
            raise JourneyEditError(f"there is no step {node_id!r} in this journey")

    # --- edits -------------------------------------------------------------------------

    def new_node_id(self) -> str:
        """A fresh id, never one a deleted step had: moving contacts between versions maps
        steps by id, so a reused id could send contacts to an unrelated step."""
        while True:
            candidate = f"n{secrets.token_hex(3)}"
            if candidate not in self._graph and candidate not in self._issued:
                self._issued.add(candidate)
                return candidate

    def add_node(
        self,
        type_id: str,
        *,
        node_id: str | None = None,
        title: str = "",
        pos: tuple[float, float] = (0.0, 0.0),
        config: Mapping[str, Any] | BaseModel | None = None,
    ) -> str:
        spec = self.registry.get(type_id)
        if node_id is not None and node_id in self._graph:
            raise JourneyEditError(f"a step with id {node_id!r} already exists")
        try:
            parsed = spec.parse_config(config)
        except ValidationError as error:
            raise JourneyEditError(f"{spec.title}: {_friendly(error)}") from None
        node_id = node_id or self.new_node_id()
        self._graph.add_node(
            node_id,
            type=spec.type_id,
            type_version=spec.version,
            title=title,
            pos=(float(pos[0]), float(pos[1])),
            config=parsed,
        )
        self._emit(JourneyEvent("node_added", node_id=node_id))
        return node_id

    def remove_node(self, node_id: str) -> RemovedNode:
        self._require(node_id)
        removed = RemovedNode(
            node=self._node_data(node_id),
            edges=tuple(
                (s, p, t) for s, p, t in self.edges() if node_id in (s, t)
            ),
        )
        for edge in removed.edges:
            self._graph.remove_edge(edge[0], edge[2])
            self._emit(JourneyEvent("edge_removed", edge=edge))
        self._graph.remove_node(node_id)
        self._emit(JourneyEvent("node_removed", node_id=node_id))
        return removed

    def restore_node(self, removed: RemovedNode) -> None:
        """Put back what `remove_node` returned (undo)."""
        node = removed.node
        self.add_node(
            node.type, node_id=node.id, title=node.title, pos=node.pos, config=node.config
        )
        for source, port, target in removed.edges:
            self.connect(source, port, target)

    def connect(self, source: str, port: str, target: str) -> None:
        verdict = self.can_connect(source, port, target)
        if not verdict:
            raise JourneyEditError(verdict.reason)
        self._graph.add_edge(source, target, port=port)
        self._emit(JourneyEvent("edge_added", edge=(source, port, target)))

    def disconnect(self, source: str, port: str) -> tuple[str, str, str]:
        target = self.target(source, port)
        if target is None:
            raise JourneyEditError(f"'{port}' of {source!r} is not connected")
        self._graph.remove_edge(source, target)
        edge = (source, port, target)
        self._emit(JourneyEvent("edge_removed", edge=edge))
        return edge

    def set_config(
        self, node_id: str, config: Mapping[str, Any] | BaseModel
    ) -> list[tuple[str, str, str]]:
        """Replace a node's config; edges from ports that no longer exist are removed
        (and returned, so an undo can restore them)."""
        spec = self.spec(node_id)
        try:
            parsed = spec.parse_config(config)
        except ValidationError as error:
            raise JourneyEditError(_friendly(error)) from None
        node = self._graph.nodes[node_id]
        old, node["config"] = node["config"], parsed
        ports = {p.key for p in spec.outputs(parsed)}
        dropped = [(s, p, t) for s, p, t in self.edges() if s == node_id and p not in ports]
        for edge in dropped:
            self._graph.remove_edge(edge[0], edge[2])
            self._emit(JourneyEvent("edge_removed", edge=edge))
        self._emit(JourneyEvent("config_changed", node_id=node_id))
        title = spec.follow_title(node["title"], old, parsed)
        if title != node["title"]:  # "24 hours later" after the wait became 48 hours
            node["title"] = title
            self._emit(JourneyEvent("title_changed", node_id=node_id))
        return dropped

    def set_title(self, node_id: str, title: str) -> None:
        self._require(node_id)
        if len(title) > 120:
            raise JourneyEditError("a step title has at most 120 characters")
        self._graph.nodes[node_id]["title"] = title
        self._emit(JourneyEvent("title_changed", node_id=node_id))

    def set_positions(self, positions: Mapping[str, tuple[float, float]]) -> None:
        for node_id in positions:
            self._require(node_id)
        clean = {n: (float(x), float(y)) for n, (x, y) in positions.items()}
        for node_id, pos in clean.items():
            self._graph.nodes[node_id]["pos"] = pos
        self._emit(JourneyEvent("nodes_moved", positions=clean))

    def set_settings(self, settings: JourneySettings | Mapping[str, Any]) -> None:
        try:
            self.settings = JourneySettings.model_validate(
                settings.model_dump() if isinstance(settings, BaseModel) else settings
            )
        except ValidationError as error:
            raise JourneyEditError(_friendly(error)) from None
        self._emit(JourneyEvent("settings_changed"))

    def rename(self, name: str, description: str | None = None) -> None:
        name = name.strip()
        if not name:
            raise JourneyEditError("the journey needs a name")
        self.name = name
        if description is not None:
            self.description = description
        self._emit(JourneyEvent("renamed"))

    def set_template(self, template: EmailTemplate | Mapping[str, Any]) -> None:
        try:
            parsed = EmailTemplate.model_validate(
                template.model_dump() if isinstance(template, BaseModel) else template
            )
        except ValidationError as error:
            raise JourneyEditError(_friendly(error)) from None
        self.templates[parsed.key] = parsed
        self._emit(JourneyEvent("templates_changed"))

    def remove_template(self, key: str) -> EmailTemplate:
        if key not in self.templates:
            raise JourneyEditError(f"there is no email {key!r} in this journey")
        removed = self.templates.pop(key)
        self._emit(JourneyEvent("templates_changed"))
        return removed

    # --- documents ---------------------------------------------------------------------

    def _node_data(self, node_id: str) -> NodeData:
        data = self._graph.nodes[node_id]
        return NodeData(
            id=node_id,
            type=data["type"],
            type_version=data["type_version"],
            title=data["title"],
            pos=data["pos"],
            config=data["config"].model_dump(mode="json"),
        )

    def to_document(self) -> JourneyData:
        return JourneyData(
            name=self.name,
            description=self.description,
            settings=self.settings,
            nodes=[self._node_data(n) for n in self._graph.nodes],
            edges=[EdgeData(source=s, port=p, target=t) for s, p, t in self.edges()],
            templates=list(self.templates.values()),
        )

    def load(self, document: JourneyData) -> None:
        """Replace everything with `document` (all or nothing), then emit `reset`."""
        fresh = Journey.from_document(document, registry=self.registry)
        self.name, self.description = fresh.name, fresh.description
        self.settings, self.templates = fresh.settings, fresh.templates
        self._graph = fresh._graph
        self._emit(JourneyEvent("reset"))

    @classmethod
    def from_document(
        cls, document: JourneyData, *, registry: NodeRegistry | None = None
    ) -> "Journey":
        """Build a journey from a document; raises JourneyEditError on the first broken
        rule. (`engine.journey.file_format` reports *every* problem with its place in the file.)"""
        journey = cls(
            document.name,
            description=document.description,
            settings=document.settings,
            registry=registry,
        )
        journey.templates = {t.key: t for t in document.templates}
        for node in document.nodes:
            journey.add_node(
                node.type, node_id=node.id, title=node.title, pos=node.pos, config=node.config
            )
        for edge in document.edges:
            journey.connect(edge.source, edge.port, edge.target)
        return journey

    def copy_nodes(self, node_ids: Iterable[str]) -> JourneyData:
        """The given nodes and the edges among them, as a document (clipboard)."""
        chosen = [n for n in node_ids if n in self._graph]
        inside = set(chosen)
        templates = {
            self.spec(n).email.template(self.config(n))
            for n in chosen
            if (email := self.spec(n).email) is not None and email.template(self.config(n))
        }
        return JourneyData(
            name=self.name,
            nodes=[self._node_data(n) for n in chosen],
            edges=[
                EdgeData(source=s, port=p, target=t)
                for s, p, t in self.edges()
                if s in inside and t in inside
            ],
            templates=[self.templates[k] for k in sorted(templates) if k in self.templates],
        )
