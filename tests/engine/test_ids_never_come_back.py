"""SQLite gives a new row the largest id in its table plus one: without AUTOINCREMENT the
ids of the newest rows come back once they are deleted. Contacts, journeys, versions and
enrollments are named by id outside their rows (signed links in sent emails, step keys,
compiled versions), so their ids are never given again (migration 0014); step logs and
events keep plain ids, and the analytics catch-up's watermark is lowered when they are
deleted (engine/db/deletions.py)."""

from __future__ import annotations

import sqlite3

import pytest
from alembic import command
from sqlalchemy import func, select

from engine.analytics.catchup import catch_up
from engine.contacts.bulk import delete_contacts
from engine.db import migrate
from engine.db.database import create_database_engine, open_database
from engine.db.models import (
    AnalyticsStepDay, Contact, Enrollment, JourneyRow, JourneyVersion, Message, StepLog,
)
from engine.journey.library import delete_journey
from engine.journey.model import Journey
from tests.engine.harness import Harness

REBUILT = ("contact", "journey", "journey_version", "enrollment")


def emailing(name: str) -> Journey:
    journey = Journey(name)
    journey.add_node("trigger.manual", node_id="t")
    journey.add_node("action.send_email", node_id="e", config={"template": name.lower()})
    journey.connect("t", "next", "e")
    journey.set_template({"key": name.lower(), "name": name, "subject": f"Hi from {name}",
                          "body": "Hello"})
    return journey


def send(h: Harness, name: str, emails: list[str]) -> None:
    h.publish(emailing(name))
    for email in emails:
        h.contact(email)
    h.engine.enroll(name, emails)
    h.engine.tick()


def delete(h: Harness, name: str) -> None:
    with h.db.session() as session:
        row = session.scalar(select(JourneyRow).where(JourneyRow.name == name))
        row.status = "archived"
    with h.db.session() as session:
        delete_journey(session, row.id)


def ids(db, model) -> list[int]:
    with db.session() as session:
        return session.scalars(select(model.id).order_by(model.id)).all()


def test_a_deleted_journeys_ids_are_not_given_to_the_next_journey(db, clock):
    h = Harness(db, clock)
    send(h, "Old", ["a1@example.com", "a2@example.com"])
    old = {model: ids(db, model) for model in (JourneyRow, JourneyVersion, Enrollment)}
    delete(h, "Old")

    send(h, "New", ["b1@example.com", "b2@example.com"])

    for model, before in old.items():
        assert min(ids(db, model)) > max(before), model.__name__
    with db.session() as session:
        sent = session.execute(select(Message.to_address, Message.subject)
                               .order_by(Message.id)).all()
    # the old emails stay (history of what was sent); the new journey's go out as its own
    assert [tuple(r) for r in sent] == [
        ("a1@example.com", "Hi from Old"), ("a2@example.com", "Hi from Old"),
        ("b1@example.com", "Hi from New"), ("b2@example.com", "Hi from New")]


def test_deleted_contacts_ids_are_not_given_to_new_contacts(db, clock):
    h = Harness(db, clock)
    send(h, "Welcome", ["a1@example.com", "a2@example.com"])
    deleted = ids(db, Contact)
    with db.session() as session:
        assert delete_contacts(session, deleted) == 2

    for email in ["b1@example.com", "b2@example.com"]:
        h.contact(email)
    h.engine.enroll("Welcome", ["b1@example.com", "b2@example.com"])
    h.engine.tick()

    # a sent email's signed links name its contact: no one else may ever have that id
    assert min(ids(db, Contact)) > max(deleted)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Message)) == 4


def test_step_logs_given_a_deleted_ones_id_are_still_counted(db, clock):
    h = Harness(db, clock)
    send(h, "Old", ["a1@example.com"])
    catch_up(db)
    old_logs = ids(db, StepLog)
    delete(h, "Old")  # its step logs were the newest: their ids come back

    send(h, "New", ["b1@example.com", "b2@example.com"])
    assert min(ids(db, StepLog)) <= max(old_logs)  # given again: the case in hand
    catch_up(db)

    with db.session() as session:
        (journey_id,) = session.scalars(select(JourneyRow.id)).all()
        reached = session.scalar(select(func.sum(AnalyticsStepDay.reached)).where(
            AnalyticsStepDay.journey_id == journey_id, AnalyticsStepDay.node_id == "e"))
    assert reached == 2


def older_database(tmp_path) -> str:
    """A database at revision 0013 whose four tables have plain ids, as revision 0001
    made them before 0014; its URL."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_database_engine(url)
    with engine.begin() as connection:
        config = migrate.alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0013_send16")
        connection.exec_driver_sql("PRAGMA writable_schema=ON")
        for table in REBUILT:
            sql = connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = ?", (table,)).scalar()
            connection.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE name = ?",
                                       (sql.replace(" AUTOINCREMENT", ""), table))
        connection.exec_driver_sql("PRAGMA writable_schema=OFF")
    engine.dispose()
    assert not any(autoincrement(tmp_path, table) for table in REBUILT)
    return url


def autoincrement(tmp_path, table: str) -> bool:
    with sqlite3.connect(str(tmp_path / "old.db")) as raw:
        return "AUTOINCREMENT" in raw.execute(
            "SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]


def open_at_0013(url: str, monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(migrate, "head_revision", lambda: "0013_send16")  # no upgrade yet
        return open_database(url)


def revision(url: str) -> str:
    engine = create_database_engine(url)
    try:
        return migrate.current_revision(engine)
    finally:
        engine.dispose()


def test_an_older_database_is_rebuilt_with_its_rows_and_references(tmp_path, clock, monkeypatch):
    """Every row and every reference kept: rebuilding a table must not cascade into the
    tables that refer to it."""
    url = older_database(tmp_path)
    db = open_at_0013(url, monkeypatch)
    send(Harness(db, clock), "Welcome", ["a1@example.com", "a2@example.com", "a3@example.com"])
    counts = {model: len(ids(db, model)) for model in (Contact, JourneyRow, JourneyVersion,
                                                      Enrollment, StepLog, Message)}
    db.dispose()

    db = open_database(url)  # upgrades to head: 0014 rebuilds the four tables
    try:
        assert {model: len(ids(db, model)) for model in counts} == counts
        with db.session() as session:
            connection = session.connection()
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert session.scalar(select(func.count()).select_from(Message)
                                  .where(Message.enrollment_id.is_not(None))) == 3
        assert all(autoincrement(tmp_path, table) for table in REBUILT)
    finally:
        db.dispose()


def test_a_reference_broken_before_the_upgrade_does_not_stop_it(tmp_path, clock, monkeypatch):
    url = older_database(tmp_path)
    db = open_at_0013(url, monkeypatch)
    send(Harness(db, clock), "Welcome", ["a1@example.com"])
    with db.engine.connect() as connection:  # a step log of a contact that is gone
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.exec_driver_sql("UPDATE step_log SET contact_id = 999 WHERE id = 1")
        connection.commit()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
    db.dispose()

    open_database(url).dispose()

    assert revision(url) == migrate.head_revision()
    assert all(autoincrement(tmp_path, table) for table in REBUILT)


def test_an_upgrade_that_would_break_references_changes_nothing(tmp_path, clock, monkeypatch):
    url = older_database(tmp_path)
    db = open_at_0013(url, monkeypatch)
    send(Harness(db, clock), "Welcome", ["a1@example.com"])
    db.dispose()
    upgrade = command.upgrade

    def upgrade_then_break(config, target):
        upgrade(config, target)
        config.attributes["connection"].exec_driver_sql(
            "UPDATE step_log SET contact_id = 999 WHERE id = 1")
    monkeypatch.setattr(migrate.command, "upgrade", upgrade_then_break)

    with pytest.raises(migrate.UpgradeRefused, match="1 rows of step_log"):
        open_database(url)

    assert revision(url) == "0013_send16"
    assert not any(autoincrement(tmp_path, table) for table in REBUILT)
