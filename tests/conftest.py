"""Shared fixtures: a fresh migrated SQLite database per test, virtual clocks, and a
PostgreSQL server per test module that asks for `pg_url` (tests/postgres_server.py; such
modules skip themselves with its `skip_reason()` where PostgreSQL is not installed)."""

from __future__ import annotations

import os
from datetime import datetime, timezone

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# `main.py run` renders on every core by default; the suite's engines (and the ones it
# starts as subprocesses) render in-process, except where a test starts a pool itself
os.environ.setdefault("TRELLIS_RENDER_WORKERS", "1")


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'trellis.db'}"


@pytest.fixture
def db(db_url):
    from engine.db import open_database

    database = open_database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def clock():
    from engine.clock import VirtualClock

    return VirtualClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))


@pytest.fixture(scope="module")
def pg_url():
    """A PostgreSQL server of the test module's own, in a temporary folder."""
    from tests.postgres_server import start_postgres

    url, stop = start_postgres()
    yield url
    stop()
