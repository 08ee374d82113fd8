"""What the pages show comes from the database: `app.overview` queries and the pages on top.

Rows are inserted directly through the models, as the engine and importers will.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import insert, select

from app import overview
from engine.db.models import (
    Contact,
    Enrollment,
    JourneyRow,
    JourneyVersion,
    Template,
)
from tests.app.journeys_list import journeys_read

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def add_contacts(db, count: int, start: int = 0, **fields) -> None:
    rows = [
        dict(
            email=f"person{i}@example.com",
            first_name=fields.get("first_name", f"First{i}"),
            last_name=fields.get("last_name", "Example"),
            status=fields.get("status", "active"),
            lead_score=i % 100,
            country="GB",
            attributes={},
            created_at=NOW + timedelta(minutes=i),
            updated_at=NOW,
        )
        for i in range(start, start + count)
    ]
    with db.session() as session:
        session.execute(insert(Contact), rows)


def add_journey(
    db,
    name: str,
    status: str = "draft",
    version: int | None = None,
    enrollments: dict[str, int] | None = None,
    updated_at: datetime = NOW,
) -> int:
    """A journey; with `version`, published and live, with contacts enrolled by status."""
    with db.session() as session:
        journey = JourneyRow(
            name=name, status=status, draft={}, created_at=NOW, updated_at=updated_at
        )
        session.add(journey)
        session.flush()
        if version is not None:
            live = JourneyVersion(
                journey_id=journey.id, number=version, document={}, published_at=NOW
            )
            session.add(live)
            session.flush()
            journey.live_version_id = live.id
            contact_ids = iter(range(1, 10_000))
            for enrollment_status, count in (enrollments or {}).items():
                for _ in range(count):
                    session.add(
                        Enrollment(
                            contact_id=next(contact_ids),
                            journey_id=journey.id,
                            version_id=live.id,
                            active_journey_id=journey.id if enrollment_status == "active" else None,
                            node_id="start",
                            status=enrollment_status,
                            entered_at=NOW,
                        )
                    )
        return journey.id


def add_template(db, key: str, name: str, subject: str) -> None:
    with db.session() as session:
        session.add(
            Template(key=key, name=name, subject=subject, body="Hi", created_at=NOW, updated_at=NOW)
        )


# ---- queries -------------------------------------------------------------------------------


def test_journeys_page_rows_count_only_active_enrollments(db):
    add_contacts(db, 10)
    add_journey(
        db, "Welcome", "live", version=3, enrollments={"active": 4, "completed": 2, "exited": 1}
    )
    add_journey(db, "Draft idea", updated_at=NOW + timedelta(hours=1))
    add_journey(db, "Old", "archived")
    with db.session() as session:
        journeys = overview.journeys_page_rows(session)
    assert [(j.name, j.status, j.live_version, j.active_contacts) for j in journeys] == [
        ("Draft idea", "draft", None, 0),
        ("Welcome", "live", 3, 4),
    ]


def test_engine_list_journeys_filters_and_orders_without_figures(db):
    # the one query under both the CLI's `journeys list` (every journey, by name) and the
    # journeys page (app.overview.journeys_page_rows adds the 30-day figures on top)
    from engine.journey.store import list_journeys

    add_contacts(db, 3)
    add_journey(db, "Welcome", "live", version=2, enrollments={"active": 3})
    add_journey(db, "Old", "archived", updated_at=NOW + timedelta(hours=2))
    add_journey(db, "Draft idea", updated_at=NOW + timedelta(hours=1))
    with db.session() as session:
        every = list_journeys(session)
        archived = list_journeys(session, archived=True)
        in_use = list_journeys(session, archived=False, recently_edited_first=True)
    assert [(j.name, j.live_version, j.active_contacts) for j in every] == [
        ("Draft idea", None, 0), ("Old", None, 0), ("Welcome", 2, 3)]
    assert [j.name for j in archived] == ["Old"]
    assert [j.name for j in in_use] == ["Draft idea", "Welcome"]
    assert {(j.entered_30, j.revenue_30, j.warnings) for j in every} == {(0, 0.0, ())}


def test_contacts_paging_is_keyset_newest_first(db):
    add_contacts(db, 25)
    with db.session() as session:
        first = overview.fetch_contacts(session, limit=10)
        second = overview.fetch_contacts(session, after=first[-1], limit=10)
        assert overview.count_contacts(session) == 25
    assert [c.email for c in first][:2] == ["person24@example.com", "person23@example.com"]
    assert second[0].id == first[-1].id - 1
    assert first[0].name == "First24 Example"


def test_contacts_are_listed_by_when_they_joined_not_by_id(db):
    # an import brings in people who joined long ago after ones who joined today
    add_contacts(db, 3, start=100)
    with db.session() as session:
        for contact in session.scalars(select(Contact)):
            contact.created_at = contact.created_at - timedelta(days=400)
    add_contacts(db, 12)
    with db.session() as session:
        pages, after = [], None
        while page := overview.fetch_contacts(session, limit=5, after=after):
            pages.append(page)
            after = page[-1]
    listed = [c for page in pages for c in page]
    assert [c.created_at for c in listed] == sorted((c.created_at for c in listed), reverse=True)
    assert len(listed) == 15 and len({c.id for c in listed}) == 15
    assert [c.email for c in listed[-3:]] == [f"person{i}@example.com" for i in (102, 101, 100)]


def test_contact_search_matches_email_and_names_and_escapes_wildcards(db):
    add_contacts(db, 3)
    with db.session() as session:
        session.add(
            Contact(
                email="ada_l@math.org",
                first_name="Ada",
                last_name="Lovelace",
                created_at=NOW,
                updated_at=NOW,
                attributes={},
            )
        )
    with db.session() as session:
        assert overview.count_contacts(session, "LOVELACE") == 1
        assert overview.count_contacts(session, "ada love") == 1
        assert overview.count_contacts(session, "math.org") == 1
        assert overview.count_contacts(session, "a_l") == 1  # "_" is literal, not a wildcard
        assert overview.count_contacts(session, "%") == 0
        assert overview.count_contacts(session, "  ") == 4


def test_list_templates_alphabetically(db):
    add_template(db, "b", "beta", "Second")
    add_template(db, "a", "Alpha", "First")
    with db.session() as session:
        assert [t.name for t in overview.list_templates(session)] == ["Alpha", "beta"]


def test_describe_database():
    location = overview.describe_database("sqlite:////srv/trellis/trellis.db")
    assert (location.backend, location.path) == ("SQLite", Path("/srv/trellis/trellis.db"))
    server = overview.describe_database("postgresql+psycopg://ann:secret@db.local/trellis")
    assert server.backend == "PostgreSQL" and server.path is None
    assert "secret" not in server.display_url


# ---- pages over a real database -----------------------------------------------------------


@pytest.fixture
def window(qtbot, qapp, db, tmp_path):
    from app.main_window import MainWindow
    from app.theme import ThemeController

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(db, settings, ThemeController(qapp, settings))
    qtbot.addWidget(win)
    return win


def test_journeys_page_shows_inserted_journey(db, window, qtbot):
    add_contacts(db, 5)
    add_journey(db, "Abandoned cart", "live", version=2, enrollments={"active": 5})
    window.show_page("journeys")
    page = journeys_read(qtbot, window)
    model = page.model
    assert page.card.current_widget() is page.table
    assert [model.index(0, c).data() for c in range(4)] == ["Abandoned cart", "Live", "v2", "5"]


def test_templates_page_shows_inserted_template(db, window):
    add_template(db, "welcome", "Welcome email", "Glad you're here")
    window.show_page("templates")
    assert [(e.name, e.subject) for e in window.templates_page.entries()] == [
        ("Welcome email", "Glad you're here")]


def test_contacts_page_shows_and_searches(db, window, qtbot):
    add_contacts(db, 30)
    window.show_page("contacts")
    page = window.contacts_page
    assert page.model.rowCount() == 30
    assert page.count_label.text() == "30 contacts"
    qtbot.keyClicks(page.search_field, "person17@")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert page.model.index(0, 0).data() == "person17@example.com"
    assert page.count_label.text() == "1 of 30 contacts"


def test_contacts_load_lazily_from_5000_rows(db, window, qtbot):
    add_contacts(db, 5000)
    window.resize(1200, 800)
    window.show()
    window.show_page("contacts")
    page = window.contacts_page
    assert page.count_label.text() == "5,000 contacts"
    assert page.model.rowCount() == 200  # one page until someone scrolls
    table = page.table
    for _ in range(100):  # scroll to the end: the view asks the model for more
        if not page.model.canFetchMore():
            break
        table.scrollToBottom()
        qtbot.wait(1)
    assert page.model.rowCount() == 5000
    assert page.model.index(4999, 0).data() == "person0@example.com"
