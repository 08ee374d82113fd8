"""The database: models, migrations, and `open_database()`; the writes every package
shares: `fastbulk` (bulk rows, `chunks`), `inserts` (insert unless present) and
`setting_rows` (a settings model as one JSON row of `setting`).

May import: only engine packages below it in the layer order of
tests/engine/test_import_layers.py (today: errors); never any other engine package.
"""

from engine.db.database import Database, default_database_url, open_database

__all__ = ["Database", "default_database_url", "open_database"]
