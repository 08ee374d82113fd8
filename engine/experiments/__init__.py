"""Experiments on journeys: A/B paths and email variants with a winner, holdouts with lift.

`stats` holds the statistics (probability to be best, uplift and its interval, the
holdout's lift); docs/experiments.md explains the method and its limits.

May import: only engine packages below it in the layer order of
tests/engine/test_import_layers.py (today: db, nodes, journey, conditions, analytics);
never reports and the runtime (the guardrail watch and canary live there).
"""
