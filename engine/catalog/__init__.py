"""The product catalog (imported from the shop) used by carts and recommendations.

May import: only engine packages below it in the layer order of
tests/engine/test_import_layers.py (today: errors, words, files, db, contacts); never the
simulation and demo.
"""
