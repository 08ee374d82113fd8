"""Timing node types: delays and waits. Each one parks the enrollment with a `due_at`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from datetime import timedelta

from engine.nodes.common import WEEKDAYS, Duration, EventMatcher, NodeConfig, TimeOfDay
from engine.words import duration_words
from engine.nodes.spec import Category, NodeSpec, Port, replace_value

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class DelayConfig(NodeConfig):
    duration: Duration = Field(Duration(value=1, unit="days"), title="Wait for")


class WaitUntilConfig(NodeConfig):
    time_of_day: TimeOfDay | None = Field("09:00", title="At (contact's time)")
    weekdays: list[Weekday] = Field(default_factory=list, title="On (any day if none)")

    @model_validator(mode="after")
    def _something_to_wait_for(self) -> "WaitUntilConfig":
        if self.time_of_day is None and not self.weekdays:
            raise ValueError("choose a time of day, weekdays, or both")
        if len(set(self.weekdays)) != len(self.weekdays):
            raise ValueError("a weekday is listed twice")
        return self


def _wait_until_summary(config: WaitUntilConfig, _templates) -> str:
    parts = []
    if config.weekdays:
        parts.append(", ".join(d.capitalize() for d in WEEKDAYS if d in config.weekdays))
    if config.time_of_day:
        parts.append(("at " if parts else "") + config.time_of_day)
    return "Wait until " + " ".join(parts)


class WaitEventConfig(NodeConfig):
    wait_for: EventMatcher = Field(default_factory=EventMatcher, title="Wait for event")
    timeout: Duration = Field(Duration(value=1, unit="days"), title="Give up after")

    def incomplete(self) -> list[str]:
        return [] if self.wait_for.event else ["Name the event to wait for"]


def _delay_wait(config: DelayConfig, _port: str, _first: bool) -> timedelta:
    return config.duration.to_timedelta()


def _wait_until_wait(config: WaitUntilConfig, _port: str, _first: bool) -> str:
    days = ", ".join(d.capitalize() for d in WEEKDAYS if d in config.weekdays)
    if days:
        at = f" at {config.time_of_day}" if config.time_of_day else ""
        return f"on the next {days}{at} (contact's time)"
    return f"at the next {config.time_of_day} (contact's time)"


def _wait_event_wait(config: WaitEventConfig, port: str, first: bool) -> str:
    event = config.wait_for.event or "the event"
    if port == "timeout":
        timeout = duration_words(config.timeout.to_timedelta())
        return (f"{'after ' if first else ''}{timeout}{'' if first else ' later'} "
                f"if “{event}” has not happened by then")
    return f"when “{event}” happens (within {config.timeout})"


def _delay_warnings(config: DelayConfig) -> tuple[str, ...]:
    return ("This delay waits 0 minutes",) if config.duration.value == 0 else ()


#: how the timeline words a contact leaving a wait-for-event step by each port
WAIT_EVENT_WORDS = (
    ("event", "The awaited event happened: takes the “event” path"),
    ("timeout", "The wait timed out: takes the “timeout” path"),
)


TIMING = [
    NodeSpec(
        type_id="flow.delay",
        executor="engine.runtime.executors:run_delay",
        warn=_delay_warnings,
        wait_words=_delay_wait,
        version=1,
        title="Delay",
        description="Waits a fixed time before the next step.",
        category=Category.TIMING,
        icon="clock",
        config_model=DelayConfig,
        summarize=lambda c, _t: f"Wait {c.duration}",
        retitle=lambda title, old, new: replace_value(title, str(old.duration),
                                                      str(new.duration)),
    ),
    NodeSpec(
        type_id="flow.wait_until",
        executor="engine.runtime.executors:run_wait_until",
        wait_words=_wait_until_wait,
        version=1,
        title="Wait until",
        description="Waits for a time of day and/or weekday in the contact's timezone.",
        category=Category.TIMING,
        icon="sun-clock",
        config_model=WaitUntilConfig,
        summarize=_wait_until_summary,
    ),
    NodeSpec(
        type_id="flow.wait_event",
        executor="engine.runtime.executors:run_wait_event",
        wait_words=_wait_event_wait,
        forks=True,
        port_words=WAIT_EVENT_WORDS,
        version=1,
        title="Wait for event",
        description="Waits until the contact does something, or gives up after a time.",
        category=Category.TIMING,
        icon="hourglass",
        config_model=WaitEventConfig,
        summarize=lambda c, _t: f"Wait up to {c.timeout} for {c.wait_for.event or '…'}",
        ports=lambda _c: (Port("event", "event"), Port("timeout", "timeout")),
        retitle=lambda title, old, new: replace_value(
            replace_value(title, str(old.timeout), str(new.timeout)),
            old.wait_for.event, new.wait_for.event),
    ),
]
