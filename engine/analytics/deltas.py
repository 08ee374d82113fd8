"""Adding counts to rollup rows: `Deltas` collects additions per table and key in memory,
`flush(session)` writes them with one INSERT … ON CONFLICT DO UPDATE per table (SQLite and
PostgreSQL), adding to what is stored.

Keys are the table's primary-key values in column order; values are {column: amount}.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session


def _insert(session: Session, table: Table):
    if session.bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


class Deltas:
    def __init__(self) -> None:
        self._rows: dict[Table, dict[tuple, dict[str, Any]]] = defaultdict(dict)

    def add(self, table: Table, key: tuple, **amounts: Any) -> None:
        row = self._rows[table].setdefault(key, {})
        for column, amount in amounts.items():
            row[column] = row.get(column, 0) + amount

    def get(self, table: Table, key: tuple, column: str) -> Any:
        return self._rows[table].get(key, {}).get(column, 0)

    def flush(self, session: Session) -> None:
        for table, rows in self._rows.items():
            if not rows:
                continue
            keys = [c.name for c in table.primary_key.columns]
            amounts = [c.name for c in table.columns if c.name not in keys]
            values = []
            for key, added in rows.items():
                row = dict(zip(keys, key))
                for column in amounts:
                    value = added.get(column, 0)
                    row[column] = Decimal(value) if column.startswith("revenue") else value
                values.append(row)
            statement = _insert(session, table)
            statement = statement.on_conflict_do_update(
                index_elements=keys,
                set_={c: table.c[c] + statement.excluded[c] for c in amounts})
            for start in range(0, len(values), 500):
                session.execute(statement, values[start:start + 500])
        self._rows.clear()
