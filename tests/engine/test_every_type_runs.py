"""Every registered node type has an executor, and nothing else does: a type without one
would be a KeyError in the middle of a tick (the docs promise this test)."""

from __future__ import annotations

from engine.nodes import REGISTRY
from engine.runtime.executors import EXECUTORS


def test_every_registered_type_has_an_executor():
    registered = {spec.type_id for spec in REGISTRY}
    assert registered, "the registry lists no types"
    missing = sorted(registered - set(EXECUTORS))
    assert missing == [], f"types without an executor: {missing}"


def test_no_executor_for_a_type_the_registry_does_not_know():
    unknown = sorted(set(EXECUTORS) - {spec.type_id for spec in REGISTRY})
    assert unknown == [], f"executors for unknown types: {unknown}"


def test_executors_are_callables_of_step_and_config():
    import inspect

    for type_id, run in EXECUTORS.items():
        assert callable(run), type_id
        assert len(inspect.signature(run).parameters) == 2, type_id
