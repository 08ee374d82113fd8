"""Reading and writing files safely: strict JSON, CSV records with line numbers, and the
spreadsheet-formula rule for CSV cells.

May import: only engine packages below it in the layer order of
tests/engine/test_import_layers.py (today: errors); never any other engine package.
"""
