"""The node registry: every node type Trellis knows, declared once.

Registration is this explicit list (no import side effects). `REGISTRY.get(type_id)`
resolves current and legacy ids; `REGISTRY.by_category()` feeds the palette in order.
"""

from __future__ import annotations

from engine.errors import UnknownNodeType
from engine.nodes.actions import ACTIONS
from engine.nodes.logic import LOGIC
from engine.nodes.spec import Category, NodeSpec, Port
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

__all__ = ["REGISTRY", "Category", "NodeRegistry", "NodeSpec", "Port"]
