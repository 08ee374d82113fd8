"""Read-only questions about journeys for the app: live counts per step, version diffs.

Nothing here writes to the database or imports Qt.
"""
