"""What a node type is: `NodeSpec`, `Port` and the palette categories.

Contract: a spec is declared once and read by everyone — the palette (title, category,
icon), the inspector (the pydantic `config_model`'s fields), the validator and the file
loader (the config model, ports, legacy ids). Ports can depend on the config (a split has
one port per variant), so `outputs(config)` is a function of the validated config.
Executors live in `engine/runtime/executors.py`, keyed by `type_id` (a test checks that
every type has one), so this package stays free of runtime concerns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable, Mapping

from pydantic import BaseModel


class Category(str, Enum):
    TRIGGER = "trigger"
    TIMING = "timing"
    LOGIC = "logic"
    ACTION = "action"

    @property
    def label(self) -> str:
        return {"trigger": "Triggers", "timing": "Timing", "logic": "Logic", "action": "Actions"}[
            self.value
        ]


@dataclass(frozen=True)
class Port:
    """An output port: `key` is stored on edges, `label` is what the canvas shows."""

    key: str
    label: str


NEXT = (Port("next", "next"),)
NO_PORTS: tuple[Port, ...] = ()

#: Mapping of template key -> subject, so summaries can name an email by its subject.
TemplateSubjects = Mapping[str, str]


@dataclass(frozen=True)
class NodeSpec:
    type_id: str
    version: int
    title: str
    description: str
    category: Category
    icon: str
    config_model: type[BaseModel]
    summarize: Callable[[Any, TemplateSubjects], str]
    ports: Callable[[Any], tuple[Port, ...]] = lambda _config: NEXT
    #: older type ids that files may still use; they load as this type
    legacy_ids: tuple[str, ...] = ()
    #: `(title, old_config, new_config) -> title`: a title that names a value of the old
    #: config ("24 hours later") follows the new one ("48 hours later"); None: titles
    #: never change with the config
    retitle: Callable[[str, Any, Any], str] | None = None

    @property
    def is_trigger(self) -> bool:
        return self.category is Category.TRIGGER

    @property
    def has_input(self) -> bool:
        return not self.is_trigger

    def default_config(self) -> BaseModel:
        return self.config_model()

    def parse_config(self, data: Mapping[str, Any] | BaseModel | None) -> BaseModel:
        """Validate raw config data; raises pydantic.ValidationError."""
        if isinstance(data, self.config_model):
            return data
        if isinstance(data, BaseModel):
            data = data.model_dump(mode="json")
        return self.config_model.model_validate(data or {})

    def outputs(self, config: BaseModel | None = None) -> tuple[Port, ...]:
        return self.ports(config if config is not None else self.default_config())

    def follow_title(self, title: str, old: BaseModel, new: BaseModel) -> str:
        """`title` after the config changed from `old` to `new` (see `retitle`)."""
        if not title or self.retitle is None:
            return title
        return self.retitle(title, old, new)

    def summary(self, config: BaseModel | None = None, templates: TemplateSubjects = {}) -> str:
        return self.summarize(config if config is not None else self.default_config(), templates)


def replace_value(title: str, old: str, new: str) -> str:
    """`title` with the value `old` (as a whole word, once) replaced by `new`: "24 hours
    later" -> "48 hours later"; a title that does not name `old` stays as it is."""
    if not old or old == new:
        return title
    pattern = re.compile(rf"(?<![\w+\-.]){re.escape(old)}(?![\w.])")
    return pattern.sub(lambda _m: new, title, count=1)
