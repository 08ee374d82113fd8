"""The one way events and contact updates enter Trellis: parsing and recording them
(`events`) and the JSONL/CSV events file import (`events_file`).

May import: only engine packages below it in the layer order of
tests/engine/test_import_layers.py (today: errors, words, files, db, contacts); never
mailbox, delivery, http (which record events through it).
"""
