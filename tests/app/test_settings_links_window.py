"""Settings in the window: Tracking is a section of its own, the Mailbox and
Deliverability cards sit under Sending; none of them is made (nor its network libraries
loaded) before it is shown; a tested public URL reaches the engine host."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QSettings

from app.engine_host import EngineHost
from app.main_window import MainWindow
from app.theme import ThemeController
from engine.messaging.tracking import TrackingMode


@pytest.fixture
def window(qtbot, qapp, db, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    host = EngineHost(db, interval=60)
    window = MainWindow(db, settings, ThemeController(qapp, settings), host)
    qtbot.addWidget(window)
    window.show()
    yield window
    for widget in qapp.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_sections_and_cards_are_made_when_first_shown(window):
    page = window.settings_page
    assert page.section_names() == ["general", "sending", "rules", "tracking", "brand", "database"]
    assert window.tracking_section.content is None and window.mailbox_card is None
    window.show_settings("tracking")
    card = window.tracking_section.content
    assert card is not None and card.isVisible()
    assert card.url.isVisible() and card.test_button.isVisible()
    window.show_settings("sending")
    assert window.mailbox_card is not None and window.deliverability_card is not None
    assert window.mailbox_card.isVisibleTo(window.sending_section)
    window.show_settings("tracking")  # shown again: the same card, refreshed
    assert window.tracking_section.content is card


def test_a_tested_url_switches_the_engine_host(window):
    window.show_settings("tracking")
    card = window.tracking_section.content
    mode = TrackingMode(tracked=True, public_url="https://mail.example.com", reason="",
                        warning="")
    card.tracking_changed.emit(mode)
    assert window.engine_host.public_url == "https://mail.example.com"
    off = TrackingMode(tracked=False, public_url=None, reason="not reachable", warning="")
    card.tracking_changed.emit(off)
    assert window.engine_host.public_url is None
