"""The demo shop: fictional customers, their three months of history, and the loader.

May import: only engine packages below it in the layer order of
tests/engine/test_import_layers.py (today: errors, db, journey, settings, segments,
contacts, intake).
"""
