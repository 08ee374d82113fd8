"""Reading and writing files safely: strict JSON, CSV records with line numbers, and the
spreadsheet-formula rule for CSV cells.
"""
