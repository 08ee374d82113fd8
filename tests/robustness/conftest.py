"""Helpers for the bad-input tests: run the CLI in-process, dump a database for comparison."""

from __future__ import annotations

import sqlite3

import pytest

from app.cli import main


def dump(db_path) -> list[str]:
    """The database as SQL text: equal dumps mean byte-for-byte equal content."""
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


@pytest.fixture
def cli(db, db_url, capsys):
    """`cli(*args)` -> (exit code, stdout, stderr) on the test database."""

    def call(*args):
        code = main(["--db", db_url, *map(str, args)])
        out = capsys.readouterr()
        return code, out.out, out.err

    return call
