"""Questions about journeys for the app and the CLI: live counts per step, version diffs,
and results (opens, clicks, conversions, revenue) from rollups kept by a catch-up.

Only the catch-up (`catchup.py` and the `fold_*` modules) writes, and only to the
analytics tables and its watermark row. Nothing here imports Qt.

May import: only engine packages below it in the layer order of
tests/engine/test_import_layers.py (today: db, nodes, journey, messaging); never
experiments (which read its figures) and reports.
"""
