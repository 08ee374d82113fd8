"""Config building blocks shared by node types and journey settings.

Contract: every config model derives from `NodeConfig` (unknown fields are errors) and has
defaults for every field, so a node dropped on the canvas is valid *typed* data at once;
what is still missing (no event name, no template) is reported by `incomplete()` and shown
as a validation problem, not as a failure to create the node.
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

UNIT_SECONDS = {"minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800}
_UNIT_ALIASES = {
    "m": "minutes", "min": "minutes", "mins": "minutes", "minute": "minutes", "minutes": "minutes",
    "h": "hours", "hr": "hours", "hrs": "hours", "hour": "hours", "hours": "hours",
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "week": "weeks", "weeks": "weeks",
}
_DURATION_TEXT = re.compile(r"^\s*(\d+)\s*([a-zA-Z]+)\s*$")
_TIME_OF_DAY = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class NodeConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    def incomplete(self) -> list[str]:
        """What the marketer still has to fill in, as sentences."""
        return []


class Duration(BaseModel):
    """A length of time as the marketer says it: a number and a unit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: int = Field(1, ge=0, le=100_000, title="Amount")
    unit: Literal["minutes", "hours", "days", "weeks"] = Field("days", title="Unit")

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        # "4h", "2 days", "30 minutes" are accepted in files for convenience.
        if isinstance(data, str):
            match = _DURATION_TEXT.match(data)
            unit = _UNIT_ALIASES.get(match.group(2).lower()) if match else None
            if not match or not unit:
                raise ValueError(f"{data!r} is not a duration such as '4 hours' or '2d'")
            return {"value": int(match.group(1)), "unit": unit}
        return data

    def to_timedelta(self) -> timedelta:
        return timedelta(seconds=self.value * UNIT_SECONDS[self.unit])

    def __str__(self) -> str:
        unit = self.unit[:-1] if self.value == 1 else self.unit
        return f"{self.value} {unit}"


def parse_time_of_day(text: str) -> time:
    match = _TIME_OF_DAY.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a time of day as HH:MM (24-hour)")
    return time(int(match.group(1)), int(match.group(2)))


TimeOfDay = Annotated[str, Field(pattern=_TIME_OF_DAY.pattern, title="Time of day (HH:MM)")]

FilterOp = Literal[
    "equals", "not_equals", "contains", "not_contains", "greater", "less", "exists", "not_exists"
]
OP_WORDS = {
    "equals": "is", "not_equals": "is not", "contains": "contains",
    "not_contains": "does not contain", "greater": ">", "less": "<",
    "exists": "is set", "not_exists": "is not set",
}
Scalar = Union[bool, int, float, str, None]


class PropertyFilter(BaseModel):
    """A test on one event property (dotted paths reach into nested objects)."""

    model_config = ConfigDict(extra="forbid")

    property: str = Field(min_length=1, title="Property")
    op: FilterOp = Field("equals", title="Test")
    value: Scalar = Field(None, title="Value")

    @model_validator(mode="after")
    def _value_needed(self) -> "PropertyFilter":
        if self.op not in ("exists", "not_exists") and self.value is None:
            raise ValueError(f"the test '{OP_WORDS[self.op]}' on {self.property!r} needs a value")
        return self

    def __str__(self) -> str:
        if self.op in ("exists", "not_exists"):
            return f"{self.property} {OP_WORDS[self.op]}"
        return f"{self.property} {OP_WORDS[self.op]} {self.value!r}"


class EventMatcher(BaseModel):
    """An event name with optional property filters (goals, exits, waits)."""

    model_config = ConfigDict(extra="forbid")

    event: str = Field("", title="Event name")
    filters: list[PropertyFilter] = Field(default_factory=list, title="Only when")

    def __str__(self) -> str:
        if not self.filters:
            return self.event
        return f"{self.event} where " + " and ".join(str(f) for f in self.filters)


# --- Conditions: the rules a branch, a split or a segment is made of ---------------------

FieldOp = Literal[
    "equals", "not_equals", "contains", "not_contains", "greater", "less",
    "exists", "not_exists", "in_list", "within", "not_within",
]


class FieldRule(BaseModel):
    """A contact field (`country`, `lead_score`) or custom attribute (`attributes.plan`)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["field"] = "field"
    field: str = Field(min_length=1, title="Field")
    op: FieldOp = Field("equals", title="Test")
    value: Scalar | list[Scalar] = Field(None, title="Value")

    @model_validator(mode="after")
    def _window_value(self) -> "FieldRule":
        # "within" takes a duration ("30d"): the date field lies in the last 30 days;
        # "not_within": it does not (older, or not set)
        if self.op in ("within", "not_within"):
            Duration.model_validate(self.value if isinstance(self.value, str) else "")
        return self

    def window(self) -> "Duration":
        return Duration.model_validate(self.value)

    def __str__(self) -> str:
        if self.op in ("exists", "not_exists"):
            return f"{self.field} {OP_WORDS[self.op]}"
        if self.op == "within":
            return f"{self.field} in the last {self.window()}"
        if self.op == "not_within":
            return f"{self.field} not in the last {self.window()}"
        if self.op == "in_list":
            return f"{self.field} is one of {self.value!r}"
        return f"{self.field} {OP_WORDS[self.op]} {self.value!r}"


class ListRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["list"] = "list"
    list: str = Field(min_length=1, title="List")
    member: bool = Field(True, title="Is a member")

    def __str__(self) -> str:
        return f"{'on' if self.member else 'not on'} list {self.list!r}"


class EventRule(BaseModel):
    """Did (or did not) do X at least N times in the last D."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["event"] = "event"
    event: str = Field(min_length=1, title="Event name")
    did: bool = Field(True, title="Did it")
    min_count: int = Field(1, ge=1, title="At least (times)")
    within: Duration | None = Field(None, title="In the last")
    filters: list[PropertyFilter] = Field(default_factory=list, title="Only when")
    #: an aggregate beside the count: the sum of this property over the counted events
    #: must reach `min_sum` (inclusive, like `min_count`)
    sum_property: str = Field("", title="Adding up")
    min_sum: float | None = Field(None, title="To at least")

    @model_validator(mode="after")
    def _sum_pair(self) -> "EventRule":
        if bool(self.sum_property) != (self.min_sum is not None):
            raise ValueError("'sum_property' and 'min_sum' go together: name the property "
                             "to add up and the least total")
        return self

    def __str__(self) -> str:
        times = f" {self.min_count}× " if self.min_count > 1 else " "
        window = f" in the last {self.within}" if self.within else ""
        total = f" with {self.sum_property} adding up to {self.min_sum:g}+" if self.sum_property else ""
        return f"{'did' if self.did else 'did not do'}{times}{self.event}{total}{window}"


class EngagementRule(BaseModel):
    """Opened or clicked any email in the last D (or did not)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["engagement"] = "engagement"
    engaged: bool = Field(True, title="Engaged")
    within: Duration = Field(Duration(value=30, unit="days"), title="In the last")

    def __str__(self) -> str:
        return f"{'opened or clicked' if self.engaged else 'no opens or clicks'} in the last {self.within}"


class SegmentRule(BaseModel):
    """Is (or is not) in a saved segment, named."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["segment"] = "segment"
    segment: str = Field(min_length=1, title="Segment")
    member: bool = Field(True, title="Is in it")

    def __str__(self) -> str:
        return f"{'in' if self.member else 'not in'} segment {self.segment!r}"


ContactStatusName = Literal["active", "unsubscribed", "bounced", "complained", "inactive"]


class StatusRule(BaseModel):
    """The contact's subscription status is (or is not) this one."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["status"] = "status"
    status: ContactStatusName = Field("active", title="Status")
    equals: bool = Field(True, title="Is")

    def __str__(self) -> str:
        return f"status {'is' if self.equals else 'is not'} {self.status}"


class ConsentRule(BaseModel):
    """The latest consent decision for a purpose is a grant (or is not: withdrawn or none)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["consent"] = "consent"
    purpose: str = Field("email_marketing", min_length=1, title="Purpose")
    granted: bool = Field(True, title="Granted")

    def __str__(self) -> str:
        return f"{'has' if self.granted else 'has no'} {self.purpose} consent"


Rule = Annotated[
    Union[FieldRule, ListRule, EventRule, EngagementRule, SegmentRule, StatusRule, ConsentRule],
    Field(discriminator="kind"),
]


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    match: Literal["all", "any"] = Field("all", title="Match")
    rules: list[Rule] = Field(default_factory=list, title="Rules")

    def __str__(self) -> str:
        if not self.rules:
            return "(no rules)"
        joiner = " and " if self.match == "all" else " or "
        return joiner.join(str(rule) for rule in self.rules)


def slug_key(value: str) -> str:
    """A port key from a label: lower-case letters, digits and underscores."""
    return re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_") or "path"


class KeyedModel(BaseModel):
    """Split paths and variants: `key` is the port key edges are stored under."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9_]{1,40}$", title="Key")
    label: str = Field(min_length=1, max_length=60, title="Label")

    @field_validator("label")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()
