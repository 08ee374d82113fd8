"""The one way events and contact updates enter Trellis: parsing and recording them
(`events`) and the JSONL/CSV events file import (`events_file`).
"""
