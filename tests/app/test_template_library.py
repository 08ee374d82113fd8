"""The email library: saved templates and journeys' emails, and its rules (no Qt)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app import template_library as library
from app.starters import STARTERS, load_starter
from app.template_starters import starter_designs
from engine.journey.data import EmailTemplate
from engine.journey.drafts import load_draft, store_draft

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def add_starter_journey(db, file: str) -> int:
    with db.session() as session:
        return store_draft(session, load_starter(STARTERS / f"{file}.journey.json"), NOW)


def test_every_journeys_emails_are_listed_with_their_journey(db):
    add_starter_journey(db, "abandoned-cart")
    add_starter_journey(db, "welcome-series")
    with db.session() as session:
        entries = library.list_library(session)
    assert all(e.kind == library.IN_JOURNEY for e in entries)
    assert [(e.name, e.where) for e in entries][:3] == [
        ("Cart: 10% discount", "In Abandoned cart"),
        ("Cart: alternatives", "In Abandoned cart"),
        ("Cart: reminder", "In Abandoned cart"),
    ]
    assert len(entries) == 6
    assert len({e.ident for e in entries}) == 6


def test_a_saved_template_gets_a_key_no_journey_email_has(db):
    add_starter_journey(db, "abandoned-cart")
    template = EmailTemplate(key="x", name="Cart reminder", subject="Hi", body="Hello")
    with db.session() as session:
        first = library.create_template(session, template, NOW)
        second = library.create_template(session, template.model_copy(
            update={"name": "Cart: reminder"}), NOW)
        listed = library.list_library(session)
    entries = {e.template_id: e for e in listed if e.template_id}
    assert entries[first].key == "cart-reminder-2"  # "cart-reminder" is the journey's email
    assert entries[second].key == "cart-reminder-3"
    assert [e.kind for e in listed][:3] == ["saved", "saved", "journey"]  # saved first


def test_duplicate_rename_and_bad_names(db):
    template = EmailTemplate(key="x", name="Welcome", subject="Hi", body="Hello")
    with db.session() as session:
        original = library.create_template(session, template, NOW)
        copy = library.duplicate_template(session, template, NOW)
        again = library.duplicate_template(session, template, NOW)
        library.rename_template(session, original, "  Welcome, new  ", NOW)
        names = {e.template_id: e.name for e in library.list_library(session)}
    assert names == {original: "Welcome, new", copy: "Welcome (copy)", again: "Welcome (copy 2)"}
    with db.session() as session:
        with pytest.raises(ValueError, match="needs a name"):
            library.rename_template(session, original, "   ", NOW)
        with pytest.raises(LookupError, match="no template with id 999"):
            library.rename_template(session, 999, "Name", NOW)


def test_delete_is_refused_while_a_journey_uses_the_template_and_names_it(db):
    journey_id = add_starter_journey(db, "welcome-series")
    template = EmailTemplate(key="x", name="Spring sale", subject="Hi", body="Hello")
    with db.session() as session:
        template_id = library.create_template(session, template, NOW)
        key = session.get(library.Template, template_id).key
        document = load_draft(session, journey_id)
        saved = library.list_library(session)[0].template
        used = document.model_copy(update={"templates": [*document.templates, saved]})
        store_draft(session, used, NOW, journey_id=journey_id)
    with db.session() as session:
        assert library.list_library(session)[0].used_by == ("Welcome series",)
        with pytest.raises(library.TemplateInUse, match="used by “Welcome series”"):
            library.delete_template(session, template_id)
        # edits not stored yet count too (the journey open in the editor)
        with pytest.raises(library.TemplateInUse, match="“Open one”"):
            library.delete_template(session, template_id, lambda k: ["Open one"] * (k == key))
    with db.session() as session:  # nothing was deleted
        assert session.get(library.Template, template_id) is not None
        store_draft(session, document, NOW, journey_id=journey_id)  # the journey lets go
    with db.session() as session:
        library.delete_template(session, template_id)
    with db.session() as session:
        assert session.get(library.Template, template_id) is None


def test_starter_designs_cover_what_marketers_start_from():
    names = [d.name for d in starter_designs()]
    assert names == ["Blank email", "Welcome", "Cart reminder", "Discount", "Recommendations",
                     "Feedback request", "Newsletter"]
    assert all(d.template.format == "blocks" for d in starter_designs())


def test_a_block_template_is_stored_and_read_back_whole(db):
    design = starter_designs()[2]
    with db.session() as session:
        template_id = library.create_template(session, design.template, NOW)
    with db.session() as session:
        entry = library.list_library(session)[0]
    assert entry.template_id == template_id
    assert entry.template.blocks == design.template.blocks
