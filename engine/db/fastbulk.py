"""Bulk inserts and updates for the engine's hot path, without per-value ORM/Core work.

Contract: `insert_rows(session, table, rows)` and `update_rows(session, table, rows)`
(rows keyed by column name; `update_rows` matches on `id`) write exactly what SQLAlchemy
Core would write — a test reads the rows back through the models to prove it — but on
SQLite they convert values with a per-column converter and hand plain tuples to the
driver's `executemany`. SQLAlchemy's generic bind processing costs more than SQLite's
own insert here; a batch repeats the same timestamp thousands of times, so conversions
are memoised. Other databases go through SQLAlchemy Core unchanged.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Callable

from sqlalchemy import JSON, Table, bindparam, insert, update
from sqlalchemy.orm import Session

from engine.db.models import UtcDateTime

#: SQLAlchemy's SQLite DATETIME storage format
_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"


def _time_converter() -> Callable[[Any], Any]:
    memo: dict[datetime, str] = {}

    def convert(value: datetime | None) -> str | None:
        if value is None:
            return None
        text = memo.get(value)
        if text is None:
            if value.tzinfo is None:
                raise ValueError(f"naive datetime {value!r} given to a UTC column")
            text = memo[value] = value.astimezone(timezone.utc).strftime(_SQLITE_TIME)
        return text

    return convert


def _json(value: Any) -> str | None:
    if value is None:
        return None
    if not value:
        return "{}" if isinstance(value, dict) else "[]"
    return json.dumps(value, separators=(",", ":"))


def _converters(table: Table, columns: list[str]) -> list[Callable[[Any], Any] | None]:
    result: list[Callable[[Any], Any] | None] = []
    times = _time_converter()
    for name in columns:
        kind = table.c[name].type
        if isinstance(kind, UtcDateTime):
            result.append(times)
        elif isinstance(kind, JSON) or isinstance(getattr(kind, "impl", None), JSON):
            result.append(_json)
        else:
            result.append(None)
    return result


def _tuples(rows: list[dict[str, Any]], columns: list[str], converters) -> list[tuple]:
    pairs = list(zip(columns, converters))
    return [tuple(c(row[name]) if c else row[name] for name, c in pairs) for row in rows]


def _defaults(table: Table, sample: dict[str, Any]) -> dict[str, Any]:
    """Python-side column defaults for the columns the rows leave out (as Core applies)."""
    values = {}
    for column in table.columns:
        if column.name in sample or column.default is None or column.primary_key:
            continue
        default = column.default
        values[column.name] = default.arg(None) if default.is_callable else default.arg
    return values


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if session.get_bind().dialect.name != "sqlite":
        session.execute(insert(table), rows)
        return
    defaults = _defaults(table, rows[0])
    if defaults:
        rows = [{**defaults, **row} for row in rows]
    columns = list(rows[0])
    sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) "
           f"VALUES ({', '.join('?' for _ in columns)})")
    session.connection().exec_driver_sql(sql, _tuples(rows, columns, _converters(table, columns)))


def update_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """UPDATE … WHERE id = row["id"] for each row (all rows have the same keys)."""
    if not rows:
        return
    columns = [name for name in rows[0] if name != "id"]
    if session.get_bind().dialect.name != "sqlite":
        session.execute(
            update(table).where(table.c.id == bindparam("b_id"))
            .values({name: bindparam(name) for name in columns}),
            [{**{k: v for k, v in row.items() if k != "id"}, "b_id": row["id"]} for row in rows],
        )
        return
    sql = (f"UPDATE {table.name} SET {', '.join(f'{name} = ?' for name in columns)} "
           f"WHERE id = ?")
    ordered = [*columns, "id"]
    session.connection().exec_driver_sql(sql, _tuples(rows, ordered, _converters(table, ordered)))
