"""Contacts: email normalisation, field checks, bulk writes, CSV import/export, event files.

Modules, each with its contract in its docstring:
`emails` (normalise_email), `fields` (checks shared by the CSV import and the API),
`columns` (which header means which field), `store` (the bulk create/update path),
`lists`, `report`, `csv_import`, `csv_export`, `events_import`, `sendable` (whether a
contact may get an email: suppression and consent, for the engine and delivery alike). Events and single-contact
updates from the API enter through `engine.intake.events`.

May import: only engine packages below it in the layer order of
tests/engine/test_import_layers.py (today: errors, words, files, db, journey); never
intake, delivery, the runtime (which use it).
"""
