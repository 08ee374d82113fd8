"""What a node type is: `NodeSpec`, `Port` and the palette categories.

Contract: a spec is declared once and read by everyone — the palette (title, category,
icon), the inspector (the pydantic `config_model`'s fields), the validator and the file
loader (the config model, ports, legacy ids). Ports can depend on the config (a split has
one port per variant), so `outputs(config)` is a function of the validated config.

Everything the rest of the code asks about a type is a field here, never a list of ids:
whether it forks (`forks`), how it uses an email template (`email`), how a trigger is
matched (`match`), its timeline words (`port_words`), its warnings (`warn`) and its
executor (`executor`). The executor is named as `"module:function"` (or given as a
callable, for types defined outside the app such as in tests) and resolved by the runtime
(`engine.runtime.executors.executor_for`), so this package imports nothing from the runtime.
A test checks that every registered type's executor resolves.
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

class TriggerMatch(str, Enum):
    """How a trigger lets contacts in: by an event it names, by joining a list, by coming
    to match a segment (scanned; a saved segment by its `segment_entered` event), on a
    date stored on the contact (scanned), after going quiet (scanned), or only by hand."""

    EVENT = "event"
    LIST = "list"
    SEGMENT = "segment"
    DATE = "date"
    INACTIVITY = "inactivity"
    MANUAL = "manual"

    @property
    def scanned(self) -> bool:
        """Entered by the periodic scan rather than by an arriving event."""
        return self in (TriggerMatch.SEGMENT, TriggerMatch.DATE, TriggerMatch.INACTIVITY)


@dataclass(frozen=True)
class EmailUse:
    """How a step uses email templates: the config field naming the template, and whether
    it sends it (a send step) — which makes it subject to the marketing rules unless its
    config says `transactional`."""

    template_field: str = "template"
    sends: bool = True

    def template(self, config: Any) -> str:
        return getattr(config, self.template_field, "") or ""

    def templates(self, config: Any) -> list[str]:
        """Every template the step may use (its email and any variants')."""
        used = getattr(config, "templates_used", None)
        if used is not None:
            return list(used())
        return [key] if (key := self.template(config)) else []

    def is_marketing(self, config: Any) -> bool:
        return self.sends and not getattr(config, "transactional", False)


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
    #: `"module:function"` or a callable `(step, config) -> Outcome` run when a contact
    #: reaches a node of this type (see engine/runtime/executors.py)
    executor: str | Callable[..., Any] | None = None
    #: a contact's path forks here: every port must be wired (or end in an Exit/Goal)
    forks: bool = False
    #: how the step uses an email template; None: it uses none
    email: EmailUse | None = None
    #: for a trigger, how contacts are let in; None for other categories
    match: TriggerMatch | None = None
    #: port -> timeline words when a contact leaves by that port ("The wait timed out…")
    port_words: tuple[tuple[str, str], ...] = ()
    #: for a timing step, `(config, port taken, first wait on the path) -> timedelta | str`:
    #: a fixed wait (added up with the next) or words for it ("on the next Monday at 09:00")
    wait_words: Callable[[Any, str, bool], Any] | None = None
    #: config -> warnings about a complete but doubtful config ("waits 0 minutes")
    warn: Callable[[Any], tuple[str, ...]] = lambda _config: ()

    @property
    def is_trigger(self) -> bool:
        return self.category is Category.TRIGGER

    @property
    def has_input(self) -> bool:
        return not self.is_trigger

    @property
    def is_timing(self) -> bool:
        return self.category is Category.TIMING

    @property
    def sends_email(self) -> bool:
        return self.email is not None and self.email.sends

    def words_for_port(self, port: str) -> str | None:
        return dict(self.port_words).get(port)

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
