"""Trigger node types: how contacts enter a journey.

Each journey has exactly one trigger. The engine matches arriving events (event, joined
list) and runs scans (segment, date field, inactivity) against the live versions' triggers;
a manual trigger enrolls only by hand or through the API.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from engine.nodes.common import (
    Condition,
    Duration,
    NodeConfig,
    PropertyFilter,
    TimeOfDay,
)
from engine.nodes.spec import Category, NodeSpec, TriggerMatch


class EventTriggerConfig(NodeConfig):
    event: str = Field("", title="Event name", description="e.g. added_to_cart, signed_up")
    filters: list[PropertyFilter] = Field(default_factory=list, title="Only when")
    min_count: int = Field(1, ge=1, le=1000, title="At least (times)")
    within: Duration | None = Field(None, title="Within")
    same_property: str = Field(
        "",
        title="Of the same",
        description="count only events with the same value of this property (e.g. sku)",
    )

    @model_validator(mode="after")
    def _window_for_counts(self) -> "EventTriggerConfig":
        if self.min_count > 1 and self.within is None:
            raise ValueError("'at least N times' needs a time window ('within')")
        return self

    def incomplete(self) -> list[str]:
        return [] if self.event else ["Name the event that starts this journey"]


def _event_summary(config: EventTriggerConfig, _templates) -> str:
    text = f"When {config.event or '…'}"
    if config.filters:
        text += " where " + " and ".join(str(f) for f in config.filters)
    if config.min_count > 1:
        same = f" (same {config.same_property})" if config.same_property else ""
        text += f", {config.min_count}× in {config.within}{same}"
    return text


class ListJoinedConfig(NodeConfig):
    list: str = Field("", title="List")

    def incomplete(self) -> list[str]:
        return [] if self.list else ["Choose the list"]


class SegmentEnteredConfig(NodeConfig):
    #: a saved segment by name (entry on its `segment_entered` event, once per entry);
    #: when empty, the rules below are scanned instead
    segment: str = Field("", title="Saved segment", description="e.g. VIP; or rules below")
    condition: Condition = Field(default_factory=Condition, title="Contacts who match")

    def incomplete(self) -> list[str]:
        if self.segment or self.condition.rules:
            return []
        return ["Choose a saved segment or add at least one rule to the segment"]


def _segment_summary(config: SegmentEnteredConfig, _templates) -> str:
    return f"Entered {config.segment}" if config.segment else f"Matches: {config.condition}"


class DateFieldConfig(NodeConfig):
    field: str = Field("", title="Date field", description="a contact attribute, e.g. birthday")
    time_of_day: TimeOfDay = "09:00"
    offset_days: int = Field(0, ge=-365, le=365, title="Days before (−) or after (+)")
    repeat: Literal["yearly", "once"] = Field("yearly", title="Repeat")

    def incomplete(self) -> list[str]:
        return [] if self.field else ["Choose the date field (e.g. birthday)"]


class InactiveConfig(NodeConfig):
    days: int = Field(60, ge=1, le=3650, title="Inactive for (days)")


class ManualConfig(NodeConfig):
    pass


def _date_summary(config: DateFieldConfig, _templates) -> str:
    when = config.field or "…"
    if config.offset_days:
        direction = "before" if config.offset_days < 0 else "after"
        when = f"{abs(config.offset_days)} days {direction} {when}"
    return f"On {when} at {config.time_of_day}" + (", yearly" if config.repeat == "yearly" else "")


TRIGGERS = [
    NodeSpec(
        type_id="trigger.event",
        executor="engine.runtime.executors:run_trigger",
        match=TriggerMatch.EVENT,
        version=1,
        title="Event",
        description="Starts when a contact does something: adds to cart, signs up, views a page.",
        category=Category.TRIGGER,
        icon="bolt",
        config_model=EventTriggerConfig,
        summarize=_event_summary,
    ),
    NodeSpec(
        type_id="trigger.list_joined",
        executor="engine.runtime.executors:run_trigger",
        match=TriggerMatch.LIST,
        version=1,
        title="Joined a list",
        description="Starts when a contact is added to a list.",
        category=Category.TRIGGER,
        icon="list-plus",
        config_model=ListJoinedConfig,
        summarize=lambda c, _t: f"Joined {c.list or '…'}",
    ),
    NodeSpec(
        type_id="trigger.segment_entered",
        executor="engine.runtime.executors:run_trigger",
        match=TriggerMatch.SEGMENT,
        version=1,
        title="Entered a segment",
        description="Starts when a contact comes to match a set of rules.",
        category=Category.TRIGGER,
        icon="segment",
        config_model=SegmentEnteredConfig,
        summarize=_segment_summary,
    ),
    NodeSpec(
        type_id="trigger.date_field",
        executor="engine.runtime.executors:run_trigger",
        match=TriggerMatch.DATE,
        version=1,
        title="Date or anniversary",
        description="Starts on a date stored on the contact: birthday, renewal, sign-up anniversary.",
        category=Category.TRIGGER,
        icon="calendar",
        config_model=DateFieldConfig,
        summarize=_date_summary,
    ),
    NodeSpec(
        type_id="trigger.inactive",
        executor="engine.runtime.executors:run_inactive_trigger",
        match=TriggerMatch.INACTIVITY,
        version=1,
        title="Inactive",
        description="Starts when a contact has done nothing (no events, opens or clicks) for a while.",
        category=Category.TRIGGER,
        icon="moon",
        config_model=InactiveConfig,
        summarize=lambda c, _t: f"Inactive for {c.days} days",
    ),
    NodeSpec(
        type_id="trigger.manual",
        executor="engine.runtime.executors:run_trigger",
        match=TriggerMatch.MANUAL,
        version=1,
        title="Manual or API",
        description="Contacts are enrolled by hand or through the API.",
        category=Category.TRIGGER,
        icon="hand",
        config_model=ManualConfig,
        summarize=lambda _c, _t: "Enrolled by hand or API",
    ),
]
