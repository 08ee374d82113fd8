"""Helpers of the contacts CSV import tests (test_contacts_csv_import.py and
test_contacts_csv_writes.py): a CSV file from text, and what the import left in the
database."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.db.models import Consent, Contact, ContactList, ListMembership


def write(tmp_path, text: str, name: str = "contacts.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def counts(db) -> dict[str, int]:
    with db.session() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Contact, Consent, ContactList, ListMembership)
        }


NOTHING = {"contact": 0, "consent": 0, "list": 0, "list_membership": 0}


def contacts(db) -> dict[str, Contact]:
    with db.session() as session:
        return {c.email: c for c in session.scalars(select(Contact))}


def consents(db) -> list[Consent]:
    with db.session() as session:
        return list(session.scalars(select(Consent).order_by(Consent.id)))
