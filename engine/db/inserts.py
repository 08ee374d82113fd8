"""`INSERT … ON CONFLICT DO NOTHING` on SQLite and PostgreSQL alike.

Contract: `insert_if_absent(session, model, **values)` inserts the row unless it would break
a unique constraint, in which case nothing happens and the transaction stays usable; it
returns whether a row was inserted. Used where two workers may create the same thing at
once (the link secret, a contact's coupon) and the loser should simply read the winner's.
It runs on the session's connection, in its transaction, without the ORM (a bulk-insert
path that hides the row count), and builds each statement once per dialect and table.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Insert
from sqlalchemy.orm import Session


def insert_if_absent(session: Session, model: type, **values: Any) -> bool:
    connection = session.connection()
    result = connection.execute(_statement(connection.dialect.name, model), values)
    return result.rowcount == 1


@lru_cache(maxsize=None)
def _statement(dialect: str, model: type) -> Insert:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model).on_conflict_do_nothing()
