"""Contacts: email normalisation, field checks, bulk writes, CSV import/export, event files.

Modules, each with its contract in its docstring:
`emails` (normalise_email), `fields` (checks shared by the CSV import and the API),
`columns` (which header means which field), `store` (the bulk create/update path),
`lists`, `report`, `csv_import`, `csv_export`, `events_import`. Events and single-contact
updates from the API enter through `engine.intake.events`.
"""
