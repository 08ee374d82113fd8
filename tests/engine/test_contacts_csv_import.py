"""import_contacts_csv reading the file: column mapping, row checks with line numbers,
file-level problems, and the import wizard's preview and chosen mapping.

What the import writes (merging, consent, lists, all-or-nothing) is in
test_contacts_csv_writes.py.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from engine.contacts.columns import FIELD_ALIASES
from engine.contacts.csv_import import import_contacts_csv
from engine.contacts.report import RejectedRow
from engine.db.models import Contact
from engine.errors import InputError
from tests.engine.contacts_csv import NOTHING, consents, contacts, counts, write


# --- column mapping ----------------------------------------------------------------------

ALIAS_VALUES = {
    "email": "ana@example.com",
    "first_name": "Ana",
    "last_name": "Silva",
    "timezone": "Europe/Lisbon",
    "locale": "pt-BR",
    "country": "PT",
    "lead_score": "7",
    "status": "inactive",
    "consent": "yes",
    "consent_date": "2024-05-31T14:00:00Z",
}
EXPECTED = {
    "email": "ana@example.com",
    "first_name": "Ana",
    "last_name": "Silva",
    "timezone": "Europe/Lisbon",
    "locale": "pt-BR",
    "country": "PT",
    "lead_score": 7,
    "status": "inactive",
}


@pytest.mark.parametrize(
    "field, header",
    [(field, header) for field, headers in FIELD_ALIASES.items() for header in (field, *headers)],
)
def test_every_alias_maps_to_its_field(db, clock, tmp_path, field, header):
    other = {"email": "Email"} if field != "email" else {}
    headers = [header, *other.values()]
    values = [ALIAS_VALUES[field], *(ALIAS_VALUES[f] for f in other)]
    path = write(tmp_path, ",".join(headers) + "\n" + ",".join(values) + "\n")

    report = import_contacts_csv(db, path, now=clock.now())

    assert report.rejected == []
    contact = contacts(db)["ana@example.com"]
    assert contact.attributes == {}
    if field in EXPECTED:
        assert getattr(contact, field) == EXPECTED[field]
    else:
        [consent] = consents(db)
        assert consent.granted is True
        if field == "consent_date":
            assert consent.recorded_at == datetime(2024, 5, 31, 14, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "header", ["EMAIL", " e-mail ", "Email_Address", "EMAIL ADDRESS", "e.mail", "E MAIL"]
)
def test_headers_match_without_case_spacing_or_punctuation(db, clock, tmp_path, header):
    path = write(tmp_path, f"{header},First-Name,LAST_NAME\nana@example.com,Ana,Silva\n")
    import_contacts_csv(db, path, now=clock.now())
    contact = contacts(db)["ana@example.com"]
    assert (contact.first_name, contact.last_name) == ("Ana", "Silva")


def test_mailchimp_export_loads(db, clock, tmp_path):
    path = write(
        tmp_path,
        "Email Address,First Name,Last Name,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CC,TIMEZONE\n"
        "ana@example.com,Ana,Silva,2,2023-04-01 12:30:00,192.0.2.1,pt,europe/lisbon\n",
    )
    report = import_contacts_csv(db, path, now=clock.now())
    assert report.rejected == []
    contact = contacts(db)["ana@example.com"]
    assert (contact.country, contact.timezone) == ("PT", "Europe/Lisbon")
    assert contact.attributes == {"member_rating": "2", "optin_ip": "192.0.2.1"}
    [consent] = consents(db)
    # An opt-in time alone records an opt-in; without an offset it is UTC.
    assert consent.granted is True
    assert consent.recorded_at == datetime(2023, 4, 1, 12, 30, tzinfo=timezone.utc)


def test_unknown_columns_become_snake_case_attributes_and_empty_cells_are_skipped(db, clock, tmp_path):
    path = write(
        tmp_path,
        "Email,Plan Type,Favourite Colour!,Prénom usuel\n"
        "ana@example.com,Pro,,Aninha\n"
        "bob@example.com,,blue,\n",
    )
    import_contacts_csv(db, path, now=clock.now())
    found = contacts(db)
    assert found["ana@example.com"].attributes == {"plan_type": "Pro", "prénom_usuel": "Aninha"}
    assert found["bob@example.com"].attributes == {"favourite_colour": "blue"}


def test_values_are_normalised(db, clock, tmp_path):
    path = write(
        tmp_path,
        "Email,Timezone,Language,Country,Lead Score,Status,First Name\n"
        "  Ana@Example.COM ,america/new_york,en_us,us,12.0,Subscribed,  Ana  \n"
        "bob@example.com,UTC,zh_hant_tw,GB,-3,CLEANED,Bob\n",
    )
    import_contacts_csv(db, path, now=clock.now())
    found = contacts(db)
    ana, bob = found["ana@example.com"], found["bob@example.com"]
    assert (ana.timezone, ana.locale, ana.country, ana.lead_score, ana.status, ana.first_name) == (
        "America/New_York", "en-US", "US", 12, "active", "Ana"
    )
    assert (bob.timezone, bob.locale, bob.lead_score, bob.status) == ("UTC", "zh-Hant-TW", -3, "bounced")


def test_semicolons_tabs_bom_and_crlf(db, clock, tmp_path):
    semicolons = write(tmp_path, "\ufeffEmail;First Name\r\nana@example.com;Ana\r\n", "a.csv")
    tabs = write(tmp_path, "Email\tFirst Name\nbob@example.com\tBob\n", "b.csv")
    import_contacts_csv(db, semicolons, now=clock.now())
    import_contacts_csv(db, tabs, now=clock.now())
    found = contacts(db)
    assert found["ana@example.com"].first_name == "Ana"
    assert found["bob@example.com"].first_name == "Bob"


# --- bad rows ------------------------------------------------------------------------------

BAD_ROWS = [
    ("nope", "", "nope: An email address must have an @-sign."),
    ("", "Ana", "the email address is empty"),
    ("ana@localhost", "", "ana@localhost: The part after the @-sign is not valid. It should have a period."),
]


def test_bad_rows_are_reported_with_line_numbers_and_the_good_rows_import(db, clock, tmp_path):
    path = write(
        tmp_path,
        "Email,First Name,Timezone,Country,Lead Score,Consent,Consent Date,Status,Language\n"
        "ok1@example.com,Ok,,,,,,,\n"                     # line 2
        "nope,Ana,,,,,,,\n"                               # line 3
        ",Ana,,,,,,,\n"                                   # line 4
        "tz@example.com,,Mars/Olympus,,,,,,\n"            # line 5
        "country@example.com,,,France,,,,,\n"             # line 6
        "score@example.com,,,,lots,,,,\n"                 # line 7
        "consent@example.com,,,,,maybe,,,\n"              # line 8
        "date@example.com,,,,,yes,31/05/2024,,\n"         # line 9
        "status@example.com,,,,,,,gone,\n"                # line 10
        "lang@example.com,,,,,,,,English\n"               # line 11
        "many@,,Nowhere,F,,,,,\n"                         # line 12
        "ok2@example.com,Ok,,,,,,,\n"                     # line 13
        "wide@example.com,Ok,,,,,,,,extra\n",             # line 14
    )

    report = import_contacts_csv(db, path, now=clock.now())

    assert [str(row) for row in report.rejected] == [
        "line 3: nope: An email address must have an @-sign.",
        "line 4: the email address is empty",
        'line 5: tz@example.com: time zone "Mars/Olympus" is not known (use a name like Europe/Paris)',
        'line 6: country@example.com: country must be a 2-letter code like US or FR, not "France"',
        'line 7: score@example.com: lead score must be a whole number, not "lots"',
        'line 8: consent@example.com: consent must be yes or no, not "maybe"',
        "line 9: date@example.com: consent date must look like 2024-05-31 or "
        '2024-05-31T14:00:00Z, not "31/05/2024"',
        "line 10: status@example.com: status must be one of active, unsubscribed, bounced, "
        'complained, inactive, not "gone"',
        'line 11: lang@example.com: language must be a code like en or pt-BR, not "English"',
        "line 12: many@: There must be something after the @-sign.; "
        'time zone "Nowhere" is not known (use a name like Europe/Paris); '
        'country must be a 2-letter code like US or FR, not "F"',
        "line 14: wide@example.com: the row has 10 cells but the header has 9 columns "
        "(a value with a comma in it needs quotes)",
    ]
    assert report.rejected[1] == RejectedRow(4, "", "the email address is empty")
    assert set(contacts(db)) == {"ok1@example.com", "ok2@example.com"}
    assert (report.rows, report.created, report.written) == (13, 2, True)


def test_line_numbers_count_physical_lines(db, clock, tmp_path):
    path = write(
        tmp_path,
        'Email,Notes\n'
        'ana@example.com,"two\nlines"\n'   # lines 2-3
        '\n'                               # line 4, blank: skipped
        'bad,x\n'                          # line 5
        ',\n'                              # line 6, empty cells: skipped
        'bad2,"a\r\nb"\n'                  # lines 7-8
        'bad3,\n',                         # line 9
    )
    report = import_contacts_csv(db, path, now=clock.now())
    assert [row.line for row in report.rejected] == [5, 7, 9]
    assert report.rows == 4
    assert contacts(db)["ana@example.com"].attributes == {"notes": "two\nlines"}


def test_strict_import_writes_nothing_when_a_row_is_bad(db, clock, tmp_path):
    path = write(tmp_path, "Email,Consent\nana@example.com,yes\nbad,yes\n")
    report = import_contacts_csv(db, path, list_name="News", now=clock.now(), strict=True)
    assert [str(row) for row in report.rejected] == ["line 3: bad: An email address must have an @-sign."]
    assert report.written is False
    assert counts(db) == NOTHING
    assert "Nothing was imported: 1 row rejected and the import is strict." in report.summary()


def test_strict_import_of_a_clean_file_writes_everything(db, clock, tmp_path):
    path = write(tmp_path, "Email\nana@example.com\nbob@example.com\n")
    report = import_contacts_csv(db, path, now=clock.now(), strict=True)
    assert (report.created, report.written) == (2, True)


# --- file-level problems -------------------------------------------------------------------

FILE_PROBLEMS = [
    ("", "contacts.csv is empty"),
    ("\n  \n", "contacts.csv is empty"),
    ("First Name,Last Name\nAna,Silva\n",
     'no email column: name one of the columns Email (found "First Name", "Last Name")'),
    ("Email,E-mail\na@example.com,b@example.com\n",
     'columns "Email" and "E-mail" both mean email; keep only one'),
    ("Email,FNAME,First Name\na@example.com,A,B\n",
     'columns "FNAME" and "First Name" both mean first name; keep only one'),
    ("Email,Plan Type,plan_type\na@example.com,a,b\n",
     'columns "Plan Type" and "plan_type" both mean the custom field "plan_type"; keep only one'),
    (",,\na@example.com,,\n", "line 1 should hold the column names, but it is empty"),
    # A stray quote swallows the rest of the file into one cell, beyond the csv module's limit.
    ("Email,Notes\na@example.com,x\nb@example.com,\"oops\n" + "c@example.com,x\n" * 10_000,
     "contacts.csv, line 3: a value is longer than 131,072 characters "
     '(a quote " that is never closed is the usual cause); nothing was imported'),
    # A stray quote near the end leaves a short cell: still refused, never one silent cell.
    ("Email,Notes\na@example.com,x\nb@example.com,\"oops\nc@example.com,x\n",
     'contacts.csv, line 3: a quoted value is never closed (a " with no closing "); '
     "nothing was imported"),
]


@pytest.mark.parametrize("text, message", FILE_PROBLEMS)
def test_file_problems_raise_and_write_nothing(db, clock, tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        import_contacts_csv(db, path, list_name="News", now=clock.now())
    assert str(caught.value) == message
    assert counts(db) == NOTHING


def test_not_utf8_names_the_line(db, clock, tmp_path):
    path = write(tmp_path, "Email,First Name\nana@example.com,Ana\nbob@example.com,Bé\n", encoding="latin-1")
    with pytest.raises(InputError) as caught:
        import_contacts_csv(db, path, now=clock.now())
    assert str(caught.value) == (
        "contacts.csv is not UTF-8 text (first bad byte on line 3); "
        "save it again as UTF-8 (in Excel: CSV UTF-8) and retry"
    )
    assert counts(db) == NOTHING


def test_missing_file(db, clock, tmp_path):
    with pytest.raises(InputError, match="^file not found: .*nowhere.csv$"):
        import_contacts_csv(db, tmp_path / "nowhere.csv", now=clock.now())


def test_headerless_column_with_values_is_a_warning(db, clock, tmp_path):
    path = write(tmp_path, "Email,,Plan\nana@example.com,lost,pro\nbob@example.com,,\n")
    report = import_contacts_csv(db, path, now=clock.now())
    assert report.warnings == ["column 2 has no header, so its values were not imported"]
    assert contacts(db)["ana@example.com"].attributes == {"plan": "pro"}


def test_header_only_imports_nothing(db, clock, tmp_path):
    report = import_contacts_csv(db, write(tmp_path, "Email,Name\n"), list_name="News", now=clock.now())
    assert (report.rows, report.written) == (0, False)
    assert counts(db) == NOTHING


# ---- the import wizard's extensions: preview, chosen mapping, progress and cancel -----

def test_preview_detects_columns_and_shows_the_first_rows(tmp_path):
    from engine.contacts.csv_preview import preview_csv

    path = write(tmp_path, "E-mail;Prénom;Plan Type;!!\na@example.com;Ana;gold;x\n\nb@example.com;Bo\n")
    preview = preview_csv(path, rows=5)
    assert preview.headers == ["E-mail", "Prénom", "Plan Type", "!!"]
    assert preview.detected == ["email", "attributes.prénom", "attributes.plan_type", None]
    assert preview.rows == [["a@example.com", "Ana", "gold", "x"], ["b@example.com", "Bo", "", ""]]


def test_a_chosen_mapping_replaces_the_detected_one(db, clock, tmp_path):
    path = write(tmp_path, "Mail,Prénom,Notes\na@example.com,Ana,secret\n")
    report = import_contacts_csv(db, path, now=clock.now(), mapping={
        0: "email", 1: "first_name", 2: None})
    assert report.created == 1 and report.warnings == []
    with db.session() as session:
        contact = session.execute(select(Contact)).scalar()
        assert (contact.first_name, contact.attributes) == ("Ana", {})
    with pytest.raises(InputError, match="both mean"):
        import_contacts_csv(db, path, now=clock.now(), mapping={0: "email", 1: "email"})
    with pytest.raises(InputError, match="not a contact field"):
        import_contacts_csv(db, path, now=clock.now(), mapping={0: "email", 1: "password"})
