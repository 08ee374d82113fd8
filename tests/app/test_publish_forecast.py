"""The publish dialog says what will happen, for the demo shop's journeys, and refuses
marketing email without a postal address."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from app.main_window import MainWindow
from app.theme import ThemeController
from engine.db.models import JourneyRow
from engine.demo.shop import create_demo
from engine.settings import AppSettings, load_settings, save_settings


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """The demo shop, made once; each test works on a copy."""
    from engine.db import open_database

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    database = open_database(f"sqlite:///{path}")
    create_demo(database, contacts=300, now=datetime.now(timezone.utc))
    database.dispose()
    return path


@pytest.fixture
def demo(demo_file, tmp_path):
    import shutil

    from engine.db import open_database

    copy = tmp_path / "demo.db"
    shutil.copy(demo_file, copy)
    database = open_database(f"sqlite:///{copy}")
    yield database
    database.dispose()


@pytest.fixture
def window(qtbot, qapp, demo, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(demo, settings, ThemeController(qapp, settings))
    qtbot.addWidget(window)
    return window


def dialog_text(dialog) -> str:
    return "\n".join(label.text() for label in dialog.findChildren(QLabel))


def open_and_publish(qtbot, window, demo, name):
    with demo.session() as session:
        journey_id = session.scalar(select(JourneyRow.id).where(JourneyRow.name == name))
    assert window.journeys.open_journey(journey_id)
    window.editor_page.publish()
    qtbot.waitUntil(lambda: window.editor_page.publish_dialog is not None, timeout=10_000)
    return window.editor_page.publish_dialog


@pytest.mark.parametrize("name, expected", [
    ("Welcome series", ["Contacts enter when “signed_up” happens", "Day 1: welcome: “Welcome to ",
                        "— right away", "— after 2 days", "— after 6 days"]),
    ("Abandoned cart", ["“added_to_cart”", "after 4 hours if “order_completed” has not "
                        "happened by then"]),
    ("Post-purchase", ["Order confirmation: “Thank you for your order!” — right away "
                       "(transactional)"]),
    ("Re-engagement", ["inactive for 60 days or more", "(on some paths)"]),
])
def test_publish_dialog_says_what_will_happen(qtbot, window, demo, name, expected):
    dialog = open_and_publish(qtbot, window, demo, name)
    text = dialog_text(dialog)
    for words in expected:
        assert words in text, (words, text)
    assert "{{" not in text  # subjects are rendered, not template code
    for words in ("Who can enter", "Emails it sends", "Guards in force", "Before you publish",
                  "emails will wait in the outbox", "Replace the example address"):
        assert words in text, words
    assert dialog.publish_button is not None  # warnings never block


def test_no_postal_address_blocks_publishing(qtbot, window, demo):
    with demo.session() as session:
        settings = load_settings(session)
        save_settings(session, AppSettings.model_validate(
            settings.model_dump() | {"postal_address": ""}))
    dialog = open_and_publish(qtbot, window, demo, "Welcome series")
    text = dialog_text(dialog)
    assert dialog.publish_button is None
    assert "Fix this problem before publishing" in text
    assert "CAN-SPAM" in text and "Settings ▸ Sending" in text
