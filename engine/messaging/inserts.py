"""`INSERT … ON CONFLICT DO NOTHING` on SQLite and PostgreSQL alike.

Contract: `insert_if_absent(session, model, **values)` inserts the row unless it would break
a unique constraint, in which case nothing happens and the transaction stays usable; it
returns whether a row was inserted. Used where two workers may create the same thing at
once (the link secret, a contact's coupon) and the loser should simply read the winner's.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session


def insert_if_absent(session: Session, model: type, **values: Any) -> bool:
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    result = session.execute(insert(model).values(**values).on_conflict_do_nothing())
    return result.rowcount == 1
