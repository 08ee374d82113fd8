"""A journey as plain data: settings, email templates, nodes and edges.

Contract: `JourneyData` and the pydantic models it holds are the shape of a
`.journey.json` file (after format migrations) and of a journey's draft and published
versions in the database. Node configs
stay raw dicts here; the node registry validates them (so an unknown type can be reported
with its place in the file instead of failing the whole document). The name is
`JourneyData`, not "document": `app.journey_document.JourneyDocument` is the journey open
in the editor (a `Journey` with its undo stack and file), a different thing.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    BaseModel, ConfigDict, Field, field_validator, model_serializer, model_validator,
)

from engine.blocks.inline import check_line
from engine.blocks.model import BlockDocument
from engine.nodes.experiment_keys import Guardrails
from engine.nodes.common import Duration, EventMatcher, TimeOfDay

SCHEMA_VERSION = 2
NODE_ID_PATTERN = r"^[A-Za-z0-9_\-]{1,64}$"
TEMPLATE_KEY_PATTERN = r"^[a-z0-9][a-z0-9_\-]{0,99}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class ReEntry(Strict):
    """May a contact go through the journey again?"""

    mode: Literal["once", "after", "always"] = Field("once", title="Re-entry")
    after: Duration | None = Field(None, title="Again after")

    @model_validator(mode="after")
    def _after_needs_duration(self) -> "ReEntry":
        if self.mode == "after" and self.after is None:
            raise ValueError("re-entry 'after' needs a duration")
        return self


class QuietHours(Strict):
    """No marketing email between `start` and `end`, in the contact's timezone."""

    start: TimeOfDay = "21:00"
    end: TimeOfDay = "08:00"

    @model_validator(mode="after")
    def _not_empty(self) -> "QuietHours":
        if self.start == self.end:
            raise ValueError("quiet hours start and end at the same time")
        return self


class JourneySettings(Strict):
    re_entry: ReEntry = Field(default_factory=ReEntry)
    #: a matching event ends the journey as converted, wherever the contact is (master pause)
    goal_events: list[EventMatcher] = Field(default_factory=list)
    #: a matching event ends the journey as exited
    exit_events: list[EventMatcher] = Field(default_factory=list)
    #: None: the app-wide quiet hours apply
    quiet_hours: QuietHours | None = None
    #: what happens to work that fell due while the app was closed
    catch_up: Literal["send_late", "skip", "next_window"] = "send_late"
    #: with the frequency cap, higher priority journeys get the slot first
    priority: int = Field(0, ge=-100, le=100)
    #: this share of entrants (sticky per contact) is held out: they enter and exit at once
    holdout_percent: int = Field(0, ge=0, le=50, title="Held out (%)")
    #: the holdout comparison counts the goal event within this long after entry
    conversion_window: Duration = Field(default_factory=lambda: Duration(value=14, unit="days"),
                                        title="Conversion counted within")
    #: unsubscribe, complaint and bounce rates above which the journey pauses itself
    guardrails: Guardrails = Field(default_factory=Guardrails)
    #: told by email when a guardrail pauses the journey (empty: nobody)
    owner_email: str = Field("", max_length=320, title="Owner's email")

    @field_validator("owner_email")
    @classmethod
    def _owner_address(cls, value: str) -> str:
        value = value.strip()
        if value and ("@" not in value or " " in value):
            raise ValueError(f"{value!r} is not an email address")
        return value


class EmailTemplate(Strict):
    key: str = Field(pattern=TEMPLATE_KEY_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    subject: str = Field(max_length=500)
    preheader: str = Field("", max_length=500)
    from_name: str = Field("", max_length=200)
    body: str = ""
    format: Literal["markdown", "html", "blocks"] = "markdown"
    layout: str = "basic"
    #: hand-written plain text; None means it is generated from the HTML
    text: str | None = None
    #: a block email's blocks (format "blocks", engine/blocks); None for the other formats
    blocks: BlockDocument | None = None

    @model_validator(mode="before")
    @classmethod
    def _blocks_from_body(cls, data: Any) -> Any:
        # a stored template row keeps a block email's blocks as JSON in its body
        if (isinstance(data, dict) and data.get("format") == "blocks"
                and data.get("blocks") is None and str(data.get("body", "")).startswith("[")):
            import json

            try:
                blocks = json.loads(data["body"])
            except ValueError:
                return data
            data = {**data, "blocks": blocks, "body": ""}
        return data

    @model_validator(mode="after")
    def _blocks_match_format(self) -> "EmailTemplate":
        if self.format == "blocks" and self.blocks is None:
            raise ValueError("a block email needs its blocks")
        if self.format != "blocks" and self.blocks is not None:
            raise ValueError(f"a {self.format} email has a body, not blocks")
        if self.format == "blocks":
            for name in ("subject", "preheader", "from_name", "text"):
                problem = check_line(getattr(self, name) or "")
                if problem:
                    raise ValueError(f"{name.replace('_', ' ')}: {problem}")
        return self

    @model_serializer(mode="wrap")
    def _without_empty_blocks(self, handler: Any) -> dict[str, Any]:
        data = handler(self)
        if data.get("blocks", 0) is None:
            del data["blocks"]  # files of code emails stay as they were
        return data

    @property
    def stored_body(self) -> str:
        """The body as a template row stores it (a block email's blocks as JSON)."""
        return self.blocks.model_dump_json() if self.blocks is not None else self.body


class NodeData(Strict):
    id: str = Field(pattern=NODE_ID_PATTERN)
    type: str = Field(min_length=1)
    type_version: int = Field(1, ge=1)
    title: str = Field("", max_length=120)
    pos: tuple[float, float] = (0.0, 0.0)
    config: dict[str, Any] = Field(default_factory=dict)


class EdgeData(Strict):
    source: str
    port: str = "next"
    target: str


class JourneyData(Strict):
    schema_version: Literal[2] = SCHEMA_VERSION
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    settings: JourneySettings = Field(default_factory=JourneySettings)
    nodes: list[NodeData] = Field(default_factory=list)
    edges: list[EdgeData] = Field(default_factory=list)
    templates: list[EmailTemplate] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _strip_name(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("the journey needs a name")
        return value
