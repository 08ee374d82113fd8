"""The database: models, migrations, and `open_database()`."""

from engine.db.database import Database, default_database_url, open_database

__all__ = ["Database", "default_database_url", "open_database"]
