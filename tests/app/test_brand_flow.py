"""Settings ▸ Brand as a marketer uses it: the kit shown, contrast hints as colours are
typed, a bad colour refused with nothing written, a saved change in the open email's
preview and in the Templates page's thumbnails."""

from __future__ import annotations

from datetime import datetime, timezone

from app.starters import STARTERS, load_starter
from engine.journey.drafts import store_draft
from engine.settings import load_settings
from widgets.email_preview import prepare_web_engine

prepare_web_engine()

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def brand(db):
    with db.session() as session:
        return load_settings(session).brand


def test_brand_page_shows_checks_and_saves_the_kit(qtbot, shown_window, db):
    shown_window.show_settings("brand")
    section = shown_window.brand_section
    assert section.colors["button_color"].text() == "#1d4ed8"
    assert section.footer.placeholderText().startswith("Empty: the sender's address")
    assert all(line.startswith("✓") for line in section.contrast_lines())
    section.colors["button_color"].setText("#ffe066")  # white text on pale yellow
    assert any(line.startswith("⚠ Button text") for line in section.contrast_lines())
    section.colors["text_color"].setText("blue")
    section.save.click()
    assert "Not saved" in section.status.text() and "#rrggbb" in section.status.text()
    assert brand(db).button_color == "#1d4ed8"  # nothing written
    section.colors["text_color"].setText("#222222")
    section.colors["button_color"].setText("#7c3aed")
    section.shape.setCurrentIndex(section.shape.findData("pill"))
    section.save.click()
    kit = brand(db)
    assert (kit.button_color, kit.text_color, kit.button_shape) == ("#7c3aed", "#222222", "pill")
    assert section.status.text().startswith("Saved")


def test_a_brand_change_shows_in_the_open_email_and_the_thumbnails(qtbot, shown_window, db):
    with db.session() as session:
        journey_id = store_draft(session, load_starter(STARTERS / "welcome-series.journey.json"),
                                 NOW)
    shown_window.show_page("templates")
    page, maker = shown_window.templates_page, shown_window.templates.thumbnails
    qtbot.waitUntil(lambda: all(page.model.has_thumbnail(e.ident) for e in page.entries()),
                    timeout=15000)
    before = maker.renders
    shown_window.journeys.open_journey(journey_id)
    dialog = shown_window.editor_page.emails.edit("welcome-day-1")
    qtbot.waitUntil(lambda: dialog.preview.email() is not None, timeout=10000)
    assert "#7c3aed" not in dialog.preview.email().html.lower()
    shown_window.show_settings("brand")
    section = shown_window.brand_section
    section.colors["button_color"].setText("#7c3aed")
    section.save.click()
    qtbot.waitUntil(lambda: dialog.preview.email() is not None
                    and "#7c3aed" in dialog.preview.email().html.lower(), timeout=10000)
    qtbot.waitUntil(lambda: maker.renders == before + len(page.entries()), timeout=15000)
    dialog.close()
