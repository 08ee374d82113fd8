"""import_contacts_csv writing: merging and updating contacts, consent, suppression,
lists, all-or-nothing (a crash or a cancel writes nothing) and the summary.

How the file is read (mapping, bad rows, file problems) is in test_contacts_csv_import.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from engine.contacts.csv_import import import_contacts_csv
from engine.db.models import Contact, ContactList, ContactStatus, ListMembership
from engine.errors import InputError
from tests.engine.contacts_csv import NOTHING, consents, contacts, counts, write


# --- merging and updating -------------------------------------------------------------------

def test_duplicates_in_the_file_merge_later_non_empty_values_winning(db, clock, tmp_path):
    path = write(
        tmp_path,
        "Email,First Name,Last Name,Country,Plan,Consent\n"
        "ana@example.com,Ana,Silva,PT,basic,yes\n"
        "ANA@example.com,,Souza,,pro,\n"
        "bob@example.com,Bob,,,,\n"
        " ana@EXAMPLE.com ,Anna,,,,no\n",
    )
    report = import_contacts_csv(db, path, now=clock.now())
    assert (report.created, report.merged_duplicates) == (2, 2)
    ana = contacts(db)["ana@example.com"]
    assert (ana.first_name, ana.last_name, ana.country, ana.attributes) == (
        "Anna", "Souza", "PT", {"plan": "pro"}
    )
    [consent] = consents(db)
    assert consent.granted is False
    assert consent.evidence == {"file": "contacts.csv", "line": 5, "values": {"Consent": "no"}}


def test_existing_contacts_are_updated_not_duplicated(db, clock, tmp_path):
    first = write(
        tmp_path, "Email,First Name,Last Name,Plan,City\nana@example.com,Ana,Silva,basic,Porto\n", "1.csv"
    )
    import_contacts_csv(db, first, now=clock.now())
    created = contacts(db)["ana@example.com"]

    clock.advance(timedelta(days=1))
    second = write(
        tmp_path,
        "Email,First Name,Last Name,Plan\nAna@Example.com,,Souza,pro\nbob@example.com,Bob,,\n",
        "2.csv",
    )
    report = import_contacts_csv(db, second, now=clock.now())

    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    ana = contacts(db)["ana@example.com"]
    assert ana.id == created.id
    assert (ana.first_name, ana.last_name) == ("Ana", "Souza")
    assert ana.attributes == {"plan": "pro", "city": "Porto"}
    assert ana.created_at == created.created_at
    assert ana.updated_at == clock.now()
    assert counts(db)["contact"] == 2


def test_reimporting_the_same_file_changes_nothing(db, clock, tmp_path):
    path = write(tmp_path, "Email,First Name,Consent Date\nana@example.com,Ana,2024-01-01\n")
    import_contacts_csv(db, path, now=clock.now())
    before = contacts(db)["ana@example.com"]
    clock.advance(timedelta(hours=1))
    report = import_contacts_csv(db, path, now=clock.now())
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert contacts(db)["ana@example.com"].updated_at == before.updated_at
    assert len(consents(db)) == 1


def test_an_undated_consent_is_recorded_only_when_it_changes(db, clock, tmp_path):
    yes = write(tmp_path, "Email,Consent\nana@example.com,yes\n", "yes.csv")
    import_contacts_csv(db, yes, now=clock.now())
    clock.advance(timedelta(days=1))
    report = import_contacts_csv(db, yes, now=clock.now())
    assert (report.updated, report.unchanged) == (0, 1)
    assert len(consents(db)) == 1

    no = write(tmp_path, "Email,Consent\nana@example.com,no\n", "no.csv")
    import_contacts_csv(db, no, now=clock.now())
    assert [(c.granted, c.evidence["file"]) for c in consents(db)] == [(True, "yes.csv"), (False, "no.csv")]


def test_an_import_never_lifts_suppression(db, clock, tmp_path):
    first = write(tmp_path, "Email,Status\nana@example.com,unsubscribed\n", "1.csv")
    import_contacts_csv(db, first, now=clock.now())
    report = import_contacts_csv(
        db, write(tmp_path, "Email,Status,First Name\nana@example.com,active,Ana\n", "2.csv"), now=clock.now()
    )
    ana = contacts(db)["ana@example.com"]
    assert (ana.status, ana.first_name) == (ContactStatus.UNSUBSCRIBED, "Ana")
    assert report.kept_suppressed == 1
    assert "1 contact kept an unsubscribed, bounced or complained status" in report.summary()


def test_an_import_can_suppress(db, clock, tmp_path):
    import_contacts_csv(db, write(tmp_path, "Email\nana@example.com\n", "1.csv"), now=clock.now())
    second = write(tmp_path, "Email,Status\nana@example.com,complained\n", "2.csv")
    import_contacts_csv(db, second, now=clock.now())
    assert contacts(db)["ana@example.com"].status == ContactStatus.COMPLAINED


# --- consent and lists -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "value, granted",
    [("yes", True), ("YES", True), ("true", True), ("1", True), ("y", True),
     ("no", False), ("False", False), ("0", False), ("n", False)],
)
def test_consent_values(db, clock, tmp_path, value, granted):
    import_contacts_csv(db, write(tmp_path, f"Email,Opt In\nana@example.com,{value}\n"), now=clock.now())
    [consent] = consents(db)
    assert consent.granted is granted


def test_consent_rows_carry_source_time_and_evidence(db, clock, tmp_path):
    path = write(
        tmp_path,
        "Email,Marketing Consent,Opt-in Time\n"
        "ana@example.com,yes,2024-05-31T16:00:00+02:00\n"
        "bob@example.com,no,\n"
        "cy@example.com,,\n",
        "shop export.csv",
    )
    import_contacts_csv(db, path, now=clock.now())
    ids = {email: c.id for email, c in contacts(db).items()}
    ana, bob = consents(db)
    assert (ana.contact_id, ana.granted, ana.source, ana.purpose) == (
        ids["ana@example.com"], True, "import", "email_marketing"
    )
    assert ana.recorded_at == datetime(2024, 5, 31, 14, tzinfo=timezone.utc)
    assert ana.evidence == {
        "file": "shop export.csv",
        "line": 2,
        "values": {"Marketing Consent": "yes", "Opt-in Time": "2024-05-31T16:00:00+02:00"},
    }
    assert (bob.contact_id, bob.granted, bob.recorded_at) == (ids["bob@example.com"], False, clock.now())
    assert bob.evidence == {"file": "shop export.csv", "line": 3, "values": {"Marketing Consent": "no"}}


def test_list_gets_every_imported_contact(db, clock, tmp_path):
    first = write(tmp_path, "Email\nold@example.com\nana@example.com\n", "1.csv")
    import_contacts_csv(db, first, now=clock.now())
    path = write(tmp_path, "Email\nana@example.com\nbob@example.com\nbad\nbob@example.com\n", "2.csv")

    report = import_contacts_csv(db, path, list_name="Newsletter", now=clock.now())
    assert report.added_to_list == 2
    assert 'Newsletter' in report.summary()
    again = import_contacts_csv(db, path, list_name="Newsletter", now=clock.now())
    assert again.added_to_list == 0

    with db.session() as session:
        [newsletter] = session.scalars(select(ContactList))
        members = session.scalars(
            select(Contact.email).join(ListMembership, ListMembership.contact_id == Contact.id)
        ).all()
    assert newsletter.name == "Newsletter"
    assert sorted(members) == ["ana@example.com", "bob@example.com"]


def test_blank_list_name_writes_nothing(db, clock, tmp_path):
    with pytest.raises(InputError, match="^the list name is empty$"):
        import_contacts_csv(db, write(tmp_path, "Email\nana@example.com\n"), list_name=" ", now=clock.now())
    assert counts(db) == NOTHING


def test_a_crash_mid_import_leaves_nothing(db, clock, tmp_path, monkeypatch):
    from engine.contacts import csv_import

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(csv_import, "add_to_list", explode)
    with pytest.raises(RuntimeError):
        path = write(tmp_path, "Email,Consent\nana@example.com,yes\n")
        import_contacts_csv(db, path, list_name="L", now=clock.now())
    assert counts(db) == NOTHING


def test_summary(db, clock, tmp_path):
    path = write(tmp_path, "Email\nana@example.com\nana@example.com\nbad\n")
    report = import_contacts_csv(db, path, list_name="News", now=clock.now())
    assert report.summary() == (
        "contacts.csv: 3 rows read.\n"
        "1 contact created, 0 updated, 0 unchanged; 1 duplicate row merged; 1 row rejected.\n"
        '1 contact added to list "News".'
    )


# ---- the import wizard's cancel -----------------------------------------------------------

def test_cancel_mid_way_writes_nothing(db, clock, tmp_path):
    from engine.contacts.csv_import import ImportCancelled

    body = "".join(f"p{i}@example.com,P{i}\n" for i in range(5000))
    path = write(tmp_path, "Email,First Name\n" + body)
    seen = []

    def cancelled():  # the user presses Cancel once the writing has begun
        return bool(seen) and seen[-1] > 0.5

    with pytest.raises(ImportCancelled):
        import_contacts_csv(db, path, list_name="All", now=clock.now(),
                            progress=seen.append, cancelled=cancelled)
    assert any(0.5 < f < 1 for f in seen)
    assert counts(db) == {"contact": 0, "consent": 0, "list": 0, "list_membership": 0}
    report = import_contacts_csv(db, path, now=clock.now(), progress=seen.append)
    assert report.created == 5000 and seen[-1] == 1.0
