"""Reports: what a journey's report shows when it needs both the analytics figures and
the experiments (A/B tests, holdout) — the two are layered (experiments read analytics),
so what combines them sits above both.

Modules, each with one job:
- `journey_reports`  `reports()`: every journey's report, for `report` and `simulate`
- `results_view`     `journey_results()`: everything the Results view of one journey shows

May import: everything up to engine.experiments; never the runtime, simulation or demo.
Layer order: tests/engine/test_import_layers.py.
"""
