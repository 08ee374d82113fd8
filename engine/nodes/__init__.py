"""The node registry: every node type Trellis knows, declared once.

Registration is this explicit list (no import side effects). `REGISTRY.get(type_id)`
resolves current and legacy ids; `REGISTRY.by_category()` feeds the palette in order.
`active_registry()` is the registry in use: `REGISTRY`, unless code runs inside
`using_registry(other)` (a test's made-up type, say) — everything that resolves a type id
without being handed a registry asks `active_registry()`, never a module-level list.

May import: only engine packages below it in the layer order of
tests/engine/test_import_layers.py (today: errors, words, templating); never journey, the
runtime (executors are named as strings and resolved there).
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from engine.errors import UnknownNodeType
from engine.nodes.actions import ACTIONS
from engine.nodes.logic import LOGIC
from engine.nodes.spec import Category, EmailUse, NodeSpec, Port, TriggerMatch
from engine.nodes.timing import TIMING
from engine.nodes.triggers import TRIGGERS


class NodeRegistry:
    def __init__(self, specs: list[NodeSpec]):
        self._specs: dict[str, NodeSpec] = {}
        self._aliases: dict[str, str] = {}
        for spec in specs:
            if spec.type_id in self._specs:
                raise ValueError(f"node type {spec.type_id} is registered twice")
            self._specs[spec.type_id] = spec
            for legacy in spec.legacy_ids:
                self._aliases[legacy] = spec.type_id

    def resolve(self, type_id: str) -> str:
        """The current id for `type_id` (legacy ids map to their successor)."""
        return self._aliases.get(type_id, type_id)

    def get(self, type_id: str) -> NodeSpec:
        try:
            return self._specs[self.resolve(type_id)]
        except KeyError:
            raise UnknownNodeType(f"unknown node type {type_id!r}") from None

    def __contains__(self, type_id: str) -> bool:
        return self.resolve(type_id) in self._specs

    def __iter__(self):
        return iter(self._specs.values())

    def by_category(self) -> dict[Category, list[NodeSpec]]:
        groups: dict[Category, list[NodeSpec]] = {category: [] for category in Category}
        for spec in self._specs.values():
            groups[spec.category].append(spec)
        return groups


REGISTRY = NodeRegistry([*TRIGGERS, *TIMING, *LOGIC, *ACTIONS])

_ACTIVE: ContextVar[NodeRegistry] = ContextVar("node_registry", default=REGISTRY)


def active_registry() -> NodeRegistry:
    return _ACTIVE.get()


@contextmanager
def using_registry(registry: NodeRegistry) -> Iterator[NodeRegistry]:
    """Run the block with `registry` as the active one (in this thread/context only)."""
    token = _ACTIVE.set(registry)
    try:
        yield registry
    finally:
        _ACTIVE.reset(token)


def spec_of(type_id: str) -> NodeSpec | None:
    """The active registry's spec for `type_id`, or None for a type it does not know."""
    registry = active_registry()
    return registry.get(type_id) if type_id in registry else None


def trigger_match(type_id: str) -> TriggerMatch | None:
    """How a trigger of this type lets contacts in; None for other or unknown types."""
    spec = spec_of(type_id)
    return spec.match if spec is not None else None


__all__ = ["REGISTRY", "Category", "EmailUse", "NodeRegistry", "NodeSpec", "Port",
           "TriggerMatch", "active_registry", "spec_of", "trigger_match", "using_registry"]
