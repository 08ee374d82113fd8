"""Bulk inserts and updates for the engine's hot path, without per-value ORM/Core work.

Contract: `insert_rows(session, table, rows)` and `update_rows(session, table, rows)`
(rows keyed by column name; `update_rows` matches on `id`, and on SQLite can also
compare columns and count what it updated, for an optimistic write) write exactly what SQLAlchemy
Core would write — a test reads the rows back through the models to prove it — but on
SQLite they convert values with a per-column converter and hand plain tuples to the
driver's `executemany`. SQLAlchemy's generic bind processing costs more than SQLite's
own insert here; a batch repeats the same timestamp thousands of times, so conversions
are memoised. On PostgreSQL with psycopg 3, `insert_rows` streams the rows with `COPY
… FROM STDIN` (values converted by the columns' own SQLAlchemy bind processors, so
the stored values are Core's): one statement for a batch's thousands of rows instead
of one per row, which made inserts two thirds of an email step there. Other
databases and drivers, and updates, go through SQLAlchemy Core unchanged.
`read_rows(session, table, columns, sql_tail, params)` is the reading counterpart for
SQLite (`SELECT columns FROM table <sql_tail>`), decoding times and JSON the same way.
`rows_where_in(session, table, columns, key, values)` looks rows up by a list of keys
(read_rows on SQLite, Core elsewhere). `chunks(items, size)` cuts a list of ids into
slices an `IN (...)` can bind, and `marks(values)` writes that IN list's placeholders
for `read_rows`.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from operator import itemgetter
from typing import Any, Callable

from sqlalchemy import JSON, Table, bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError
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


def _read_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=timezone.utc)


def _time_reader() -> Callable[[str | None], datetime | None]:
    """`_read_time`, memoised: a batch reads the same due time a thousand times."""
    memo: dict[str, datetime] = {}

    def read(value: str | None) -> datetime | None:
        if value is None:
            return None
        found = memo.get(value)
        if found is None:
            found = memo[value] = datetime.fromisoformat(value).replace(tzinfo=timezone.utc)
        return found  # datetimes are immutable: sharing one is safe

    return read


def _read_json(value: str | None) -> Any:
    if value is None:
        return None
    return {} if value == "{}" else json.loads(value)  # most contexts and attributes: empty


def read_rows(session: Session, table: Table, columns: list[str], sql_tail: str,
              params: tuple) -> list[dict[str, Any]]:
    """SQLite only: rows as dicts; `params` may hold aware datetimes (converted)."""
    times = _time_converter()
    params = tuple(times(p) if isinstance(p, datetime) else p for p in params)
    read_time = _time_reader()
    readers = []
    for name in columns:
        kind = table.c[name].type
        if isinstance(kind, UtcDateTime):
            readers.append(read_time)
        elif isinstance(kind, JSON) or isinstance(getattr(kind, "impl", None), JSON):
            readers.append(_read_json)
        else:
            readers.append(None)
    sql = f"SELECT {', '.join(columns)} FROM {table.name} {sql_tail}"
    # dict(zip()) makes each row in C; only the columns that need it are decoded after
    reading = [(name, reader) for name, reader in zip(columns, readers) if reader]
    # the driver's own cursor, all rows in one call: SQLAlchemy's result would fetch them
    # one by one through three Python layers (a claim and its contacts are 2,000 rows)
    cursor = session.connection().connection.driver_connection.cursor()
    try:
        rows = cursor.execute(sql, params).fetchall()
    finally:
        cursor.close()
    result = []
    for row in rows:
        values = dict(zip(columns, row))
        for name, reader in reading:
            values[name] = reader(values[name])
        result.append(values)
    return result


#: what json.dumps(value, separators=(",", ":")) uses, made once instead of per value
_ENCODER = json.JSONEncoder(separators=(",", ":"))
#: the C encoder `_ENCODER.encode` makes for each value, called without its two Python
#: layers (every step log, header and context is one value); None where C is missing
_C_ENCODER = getattr(json.encoder, "c_make_encoder", None)


def _json(value: Any) -> str | None:
    if value is None:
        return None
    if not value:
        return "{}" if isinstance(value, dict) else "[]"
    if _C_ENCODER is None or isinstance(value, str):
        return _ENCODER.encode(value)
    # the same arguments as JSONEncoder.iterencode(value, _one_shot=True): a fresh dict of
    # markers (circular values still raise ValueError), ASCII strings, no indent
    return "".join(_C_ENCODER({}, _ENCODER.default, json.encoder.encode_basestring_ascii,
                              None, ":", ",", False, False, True)(value, 0))


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


def _tuples(rows: list[dict[str, Any]], columns: list[str], converters,
            tail: tuple = ()) -> list[tuple]:
    """Each row's values in `columns` order, converted, followed by `tail` (values shared
    by every row, converted already). The values are taken with one C call per row
    (itemgetter) and only the columns that need it are converted: this runs for every row
    the engine writes."""
    if not rows:
        return []
    converting = [(i, c) for i, c in enumerate(converters) if c is not None]
    get = itemgetter(*columns)
    if len(columns) == 1:  # itemgetter of one key gives the value itself, not a tuple
        single = get
        get = lambda row: (single(row),)  # noqa: E731
    if not converting:
        return [get(row) + tail for row in rows] if tail else [get(row) for row in rows]
    result = []
    append = result.append
    for row in rows:
        values = list(get(row))
        for i, convert in converting:
            values[i] = convert(values[i])
        append((*values, *tail))
    return result


def _shared_defaults(table: Table, sample: dict[str, Any], converters) -> tuple[list[str], tuple]:
    """The columns the rows leave out that have a Python-side default (as Core applies
    them) and those defaults, converted once for all rows."""
    defaults = _defaults(table, sample)
    values = tuple(convert(value) if convert else value
                   for value, convert in zip(defaults.values(), converters(list(defaults))))
    return list(defaults), values


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
    """INSERT every row (all rows have the same keys), Python-side defaults applied."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect != "sqlite":
        if not (dialect == "postgresql" and _copy_rows(session, table, rows)):
            session.execute(insert(table), rows)
        return
    columns = list(rows[0])
    defaulted, defaults = _shared_defaults(table, rows[0], lambda names: _converters(table, names))
    every = columns + defaulted
    sql = (f"INSERT INTO {table.name} ({', '.join(every)}) "
           f"VALUES ({', '.join('?' for _ in every)})")
    session.connection().exec_driver_sql(
        sql, _tuples(rows, columns, _converters(table, columns), defaults))


def _copy_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> bool:
    """PostgreSQL: the rows through `COPY table (columns) FROM STDIN`, inside the session's
    transaction; False (nothing written) when the driver has no COPY (not psycopg 3)."""
    connection = session.connection()
    raw = connection.connection.driver_connection
    cursor = raw.cursor()
    if not hasattr(cursor, "copy"):
        cursor.close()
        return False
    columns = list(rows[0])
    dialect = connection.dialect

    def processors(names: list[str]) -> list:
        # what Core would bind: naive UTC datetimes, psycopg's Jsonb for JSON columns
        return [table.c[name].type._cached_bind_processor(dialect) for name in names]

    defaulted, defaults = _shared_defaults(table, rows[0], processors)
    quote = dialect.identifier_preparer
    sql = (f"COPY {quote.format_table(table)} "
           f"({', '.join(quote.quote(name) for name in columns + defaulted)}) FROM STDIN")
    try:
        with cursor, cursor.copy(sql) as copy:
            for values in _tuples(rows, columns, processors(columns), defaults):
                copy.write_row(values)
    except dialect.loaded_dbapi.Error as error:
        # the error Core would raise (IntegrityError for a duplicate key, and so on)
        raise DBAPIError.instance(sql, None, error, dialect.loaded_dbapi.Error) from error
    return True


def update_rows(session: Session, table: Table, rows: list[dict[str, Any]], *,
                match: tuple[str, ...] = (), condition: str = "") -> int | None:
    """UPDATE … WHERE id = row["id"] for each row (all rows have the same keys); on
    SQLite, returns how many rows were updated (None elsewhere). `match` names keys of
    the rows that are compared in the WHERE instead of set, and `condition` (SQL, no
    parameters) is added to it: on SQLite only, for an optimistic write (the caller
    compares the count with its rows)."""
    if not rows:
        return 0
    columns = [name for name in rows[0] if name != "id" and name not in match]
    if session.get_bind().dialect.name != "sqlite":
        session.execute(
            update(table).where(table.c.id == bindparam("b_id"))
            .values({name: bindparam(name) for name in columns}),
            [{**{k: row[k] for k in columns}, "b_id": row["id"]} for row in rows],
        )
        return None
    where = " AND ".join(["id = ?", *(f"{name} = ?" for name in match),
                          *([condition] if condition else [])])
    sql = f"UPDATE {table.name} SET {', '.join(f'{name} = ?' for name in columns)} WHERE {where}"
    ordered = [*columns, "id", *match]
    return session.connection().exec_driver_sql(
        sql, _tuples(rows, ordered, _converters(table, ordered))).rowcount


def add_to_column(session: Session, table: Table, column: str, deltas: dict[int, int],
                  stamps: dict[str, datetime]) -> None:
    """UPDATE … SET column = column + delta (and the `stamps` columns) WHERE id = key."""
    if not deltas:
        return
    if session.get_bind().dialect.name != "sqlite":
        session.execute(
            update(table).where(table.c.id == bindparam("b_id"))
            .values({column: table.c[column] + bindparam("b_delta"), **stamps}),
            [{"b_id": key, "b_delta": delta} for key, delta in deltas.items()],
        )
        return
    times = _time_converter()
    sets = ", ".join([f"{column} = {column} + ?", *(f"{name} = ?" for name in stamps)])
    fixed = tuple(times(value) for value in stamps.values())
    session.connection().exec_driver_sql(
        f"UPDATE {table.name} SET {sets} WHERE id = ?",
        [(delta, *fixed, key) for key, delta in deltas.items()])


def rows_where_in(session: Session, table: Table, columns: list[str], key: str,
                  values: list, size: int = 900) -> list[dict[str, Any]]:
    """`SELECT columns FROM table WHERE key IN values`, as dicts, `size` values per query:
    on SQLite through `read_rows` (SQLAlchemy's expanding IN renders and binds each value
    in Python, more work than SQLite's look-ups), elsewhere through Core."""
    found: list[dict[str, Any]] = []
    sqlite = session.get_bind().dialect.name == "sqlite"
    for chunk in chunks(values, size):
        if sqlite:
            found += read_rows(session, table, columns, f"WHERE {key} IN ({marks(chunk)})",
                               tuple(chunk))
        else:
            found += [row._asdict() for row in session.execute(
                select(*(table.c[name] for name in columns)).where(table.c[key].in_(chunk)))]
    return found


def marks(values) -> str:
    """`?, ?, ?`: one SQLite placeholder per value, for an `IN (...)` in `read_rows`."""
    return ", ".join("?" * len(values))


def chunks(items: list, size: int):
    """Slices of at most `size` (SQLite allows ~32k bound variables; we stay well below)."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
