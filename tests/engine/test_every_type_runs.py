"""Every registered node type has an executor: a type without one would fail in the middle
of a tick (the docs promise this test). Executors are named on the spec
(`executor="module:function"`) and resolved by `engine.runtime.executors.executor_for`."""

from __future__ import annotations

import inspect

import pytest

from engine.errors import UnknownNodeType
from engine.nodes import REGISTRY, Category, NodeSpec
from engine.runtime.executors import executor_for


@pytest.mark.parametrize("spec", list(REGISTRY), ids=lambda s: s.type_id)
def test_every_registered_type_has_an_executor(spec):
    assert spec.executor, f"{spec.type_id} names no executor"
    run = executor_for(spec)
    assert callable(run), spec.type_id
    assert len(inspect.signature(run).parameters) == 2, spec.type_id


def test_the_registry_is_not_empty():
    assert len(list(REGISTRY)) >= 20


def _spec(executor) -> NodeSpec:
    base = REGISTRY.get(next(iter(REGISTRY)).type_id)
    return NodeSpec(type_id="test.missing", version=1, title="T", description="T",
                    category=Category.ACTION, icon="bolt", config_model=base.config_model,
                    summarize=lambda _c, _t: "T", executor=executor)


def test_a_type_without_an_executor_is_a_clear_error():
    with pytest.raises(UnknownNodeType, match="test.missing.*no executor"):
        executor_for(_spec(None))
    with pytest.raises(UnknownNodeType, match="not found"):
        executor_for(_spec("engine.runtime.executors:run_nothing_such"))


def test_the_node_package_imports_nothing_of_the_runtime():
    """Executors are named on the spec, not imported, so `engine/nodes` stays below the
    runtime and the journey model (which import it): no import of either, nor of the
    database or the simulation. (A summary may read template text through messaging.)"""
    import ast
    from pathlib import Path

    forbidden = ("engine.runtime", "engine.journey", "engine.db", "engine.simulation")
    folder = Path(__file__).resolve().parents[2] / "engine" / "nodes"
    found = []
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            found += [f"{path.name}: {name}" for name in names
                      if name.startswith(forbidden)]
    assert found == []
