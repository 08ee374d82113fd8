"""The email preview's Profile button, through the real window: the contact the email is
previewed for opens in the profile window, from a journey's email and from the Templates
page; the sample contact has no profile, so its button does nothing."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from PySide6.QtCore import Qt

from engine.clock import VirtualClock
from tests.engine.harness import Harness
from widgets.email_preview import prepare_web_engine

prepare_web_engine()  # before the QApplication: the email editor previews in a browser

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "abandoned-cart.journey.json"


def _contacts(db) -> None:
    harness = Harness(db, VirtualClock(datetime.now(timezone.utc)))
    harness.contact("ana@example.com", first_name="Ana")
    harness.contact("bob@example.com", first_name="Bob")


def _pick(preview, text: str) -> None:
    index = preview.contacts.findText(text, Qt.MatchFlag.MatchContains)
    assert index > 0, f"{text} is not in the chooser"
    preview.contacts.setCurrentIndex(index)


def test_profile_of_the_previewed_contact_from_a_journeys_email(qtbot, shown_window, db,
                                                                 tmp_path):
    _contacts(db)
    cart = tmp_path / "cart.journey.json"
    cart.write_text(EXAMPLE.read_text())
    window = shown_window
    window.journeys.import_file(cart)
    dialog = window.editor_page.emails.edit("cart-reminder")
    preview = dialog.preview
    button = preview.profile_button

    # the sample contact comes first: no profile to open, and a click asks for none
    assert preview.contact_id() is None
    assert button.isVisible() and not button.isEnabled()
    with qtbot.assertNotEmitted(preview.profile_requested):
        button.click()
    assert window.contacts.profile is None

    _pick(preview, "bob@example.com")
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    profile = window.contacts.profile
    assert profile.isVisible()
    assert profile.title.text() == "Bob" and profile.profile.email == "bob@example.com"

    _pick(preview, "ana@example.com")  # another contact: the same window shows them
    button.click()
    assert window.contacts.profile is profile and profile.title.text() == "Ana"

    preview.contacts.setCurrentIndex(0)  # back to the sample contact
    assert not button.isEnabled()


def test_profile_from_a_saved_templates_preview(qtbot, shown_window, db):
    from engine.db.models import Template

    _contacts(db)
    now = datetime.now(timezone.utc)
    with db.session() as session:
        session.add(Template(key="welcome", name="Welcome", subject="Hello", body="Hi there",
                             created_at=now, updated_at=now))
    window = shown_window
    window.show_page("templates")
    grid = window.templates_page.grid
    grid.activated.emit(grid.model().index(0))
    preview = window.templates.last_dialog.preview
    assert not preview.profile_button.isEnabled()
    _pick(preview, "ana@example.com")
    preview.profile_button.click()
    assert window.contacts.profile.isVisible()
    assert window.contacts.profile.profile.email == "ana@example.com"
