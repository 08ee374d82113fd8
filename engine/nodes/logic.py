"""Logic node types: branches, splits, goals and exits.

Split ports are the keys of their paths/variants, so renaming a label keeps the wiring;
removing a path removes the port (and the journey drops the edge that used it).
"""

from __future__ import annotations

from pydantic import Field, model_validator

from engine.nodes.experiment_keys import SplitExperiment
from engine.nodes.common import Condition, KeyedModel, NodeConfig
from engine.nodes.spec import NO_PORTS, Category, NodeSpec, Port

DEFAULT_PORT = "default"


class BranchConfig(NodeConfig):
    condition: Condition = Field(default_factory=Condition, title="Contacts who match go to 'yes'")

    def incomplete(self) -> list[str]:
        return [] if self.condition.rules else ["Add at least one rule to the condition"]


class SplitPath(KeyedModel):
    condition: Condition = Field(default_factory=Condition, title="Goes here when")


class MultiSplitConfig(NodeConfig):
    paths: list[SplitPath] = Field(
        default_factory=lambda: [SplitPath(key="path_1", label="Path 1")],
        min_length=1,
        max_length=10,
        title="Paths (first match wins)",
    )

    @model_validator(mode="after")
    def _unique_keys(self) -> "MultiSplitConfig":
        _check_unique_keys([p.key for p in self.paths] + [DEFAULT_PORT])
        return self

    def incomplete(self) -> list[str]:
        return [f"Path '{p.label}' has no rules" for p in self.paths if not p.condition.rules]


class Variant(KeyedModel):
    percent: int = Field(50, ge=0, le=100, title="Share (%)")


class RandomSplitConfig(NodeConfig):
    variants: list[Variant] = Field(
        default_factory=lambda: [
            Variant(key="a", label="A", percent=50),
            Variant(key="b", label="B", percent=50),
        ],
        min_length=2,
        max_length=10,
        title="Variants",
    )
    #: None: the split only splits; a block: a test with a winner (docs/experiments.md)
    experiment: SplitExperiment | None = Field(None, title="A/B test")

    @model_validator(mode="after")
    def _shares_add_up(self) -> "RandomSplitConfig":
        _check_unique_keys([v.key for v in self.variants])
        total = sum(v.percent for v in self.variants)
        if total != 100:
            raise ValueError(f"the shares add up to {total}%, not 100%")
        if self.experiment is not None and len(self.variants) > 4:
            raise ValueError(f"an A/B test compares 2 to 4 variants, not {len(self.variants)}")
        return self


class GoalConfig(NodeConfig):
    name: str = Field("Converted", max_length=80, title="Goal name")


class ExitConfig(NodeConfig):
    reason: str = Field("", max_length=80, title="Why contacts leave here (optional)")


def _check_unique_keys(keys: list[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise ValueError(f"the key {key!r} is used twice")
        seen.add(key)


LOGIC = [
    NodeSpec(
        type_id="flow.branch",
        executor="engine.runtime.executors:run_branch",
        forks=True,
        version=1,
        title="Condition",
        description="Sends contacts down 'yes' or 'no' depending on who they are or what they did.",
        category=Category.LOGIC,
        icon="branch",
        config_model=BranchConfig,
        summarize=lambda c, _t: f"If {c.condition}",
        ports=lambda _c: (Port("yes", "yes"), Port("no", "no")),
    ),
    NodeSpec(
        type_id="flow.multi_split",
        executor="engine.runtime.executors:run_multi_split",
        forks=True,
        version=1,
        title="Multi-way split",
        description="Sends each contact down the first path whose rules match, else 'everyone else'.",
        category=Category.LOGIC,
        icon="split",
        config_model=MultiSplitConfig,
        summarize=lambda c, _t: f"{len(c.paths) + 1} paths: " + ", ".join(p.label for p in c.paths),
        ports=lambda c: tuple(Port(p.key, p.label) for p in c.paths)
        + (Port(DEFAULT_PORT, "everyone else"),),
    ),
    NodeSpec(
        type_id="flow.random_split",
        executor="engine.runtime.executors:run_random_split",
        forks=True,
        version=1,
        title="Random split (A/B)",
        description="Splits contacts at random by percentage; each contact always gets the same side.",
        category=Category.LOGIC,
        icon="shuffle",
        config_model=RandomSplitConfig,
        summarize=lambda c, _t: " / ".join(f"{v.label} {v.percent}%" for v in c.variants)
        + (f" · A/B test on {c.experiment.metric}" if c.experiment else ""),
        ports=lambda c: tuple(Port(v.key, f"{v.label} · {v.percent}%") for v in c.variants),
    ),
    NodeSpec(
        type_id="flow.goal",
        executor="engine.runtime.executors:run_goal",
        version=1,
        title="Goal",
        description="Contacts who get here leave the journey as converted.",
        category=Category.LOGIC,
        icon="flag",
        config_model=GoalConfig,
        summarize=lambda c, _t: f"Goal: {c.name}",
        ports=lambda _c: NO_PORTS,
    ),
    NodeSpec(
        type_id="flow.exit",
        executor="engine.runtime.executors:run_exit",
        version=1,
        title="Exit",
        description="Contacts who get here leave the journey.",
        category=Category.LOGIC,
        icon="stop",
        config_model=ExitConfig,
        summarize=lambda c, _t: f"Exit: {c.reason}" if c.reason else "Exit",
        ports=lambda _c: NO_PORTS,
    ),
]
