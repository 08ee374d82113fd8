"""Experiments on journeys: A/B paths and email variants with a winner, holdouts with lift.

`stats` holds the statistics (probability to be best, uplift and its interval, the
holdout's lift); docs/experiments.md explains the method and its limits.
"""
