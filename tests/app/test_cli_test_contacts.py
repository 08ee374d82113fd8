"""`contacts mark-test EMAIL… [--off]`: test contacts through app.cli.main."""

from __future__ import annotations

from app.cli import main
from engine.contacts.test_contacts import test_contacts as listed
from engine.db import open_database
from engine.intake.events import record_contact_upsert


def _contacts(db_url, clock, *emails):
    database = open_database(db_url)
    with database.session() as session:
        for email in emails:
            record_contact_upsert(session, {"email": email, "first_name": "Ann"},
                                  now=clock.now(), source="test")
    return database


def test_mark_and_unmark(db_url, clock, capsys):
    database = _contacts(db_url, clock, "me@myshop.com", "ana@example.com")
    assert main(["--db", db_url, "contacts", "mark-test", "Me@MyShop.com"]) == 0
    assert "1 contact changed" in capsys.readouterr().out
    with database.session() as session:
        assert [email for _id, email, _name in listed(session)] == ["me@myshop.com"]
    assert main(["--db", db_url, "contacts", "mark-test", "me@myshop.com", "--off"]) == 0
    with database.session() as session:
        assert listed(session) == []
    database.dispose()


def test_unknown_address_changes_nothing(db_url, clock, capsys):
    database = _contacts(db_url, clock, "me@myshop.com")
    assert main(["--db", db_url, "contacts", "mark-test", "me@myshop.com",
                 "nobody@myshop.com"]) == 1
    assert "there is no contact 'nobody@myshop.com'" in capsys.readouterr().err
    with database.session() as session:
        assert listed(session) == []
    database.dispose()
