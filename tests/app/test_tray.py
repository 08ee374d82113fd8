"""Closing the window while journeys are live: to the tray (asked once, remembered) or,
without a tray, the question whether to stop sending. Real windows, a really running
engine host, and the real question dialogs answered by clicking their buttons. Offscreen
Qt has no system tray, so each test says whether there is one (BackgroundTray's seam)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.engine_host import RUNNING, STOPPED, EngineHost
from app.main_window import MainWindow
from app.theme import ThemeController
from app.tray import BACKGROUND, CLOSE_KEY, QUIT, BackgroundTray, live_journeys
from engine.journey.drafts import store_draft
from engine.journey.file_format import read_journey_file

STARTER = Path(__file__).resolve().parents[2] / "resources" / "journeys" / "abandoned-cart.journey.json"


def publish_starter(host: EngineHost) -> None:
    with host.database.session() as session:
        journey_id = store_draft(session, read_journey_file(STARTER).document,
                                 datetime.now(timezone.utc))
    host.engine.publish(journey_id)


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def running(qtbot, qapp, db, settings):
    """A shown window whose engine host runs, with one live journey; made per tray answer."""
    made = []

    def make(tray: bool, live: bool = True):
        host = EngineHost(db, interval=60)
        if live:
            publish_starter(host)
        window = MainWindow(db, settings, ThemeController(qapp, settings), host)
        # not qtbot.addWidget: its closing would ask the question nobody answers
        background = BackgroundTray(window, host, settings, tray_available=lambda: tray)
        quits = []
        window.quit_confirmed.connect(lambda: quits.append(True))
        window.show()
        qtbot.waitExposed(window)
        host.start()
        made.append((window, host))
        assert host.state == RUNNING
        return window, host, background, quits

    yield make
    for window, host in made:
        window.close_policy = None
        host.stop()
        window.close()
        window.deleteLater()


def answer(qtbot, name: str, button_text: str | None, seen: list) -> None:
    """Click `button_text` (None: Cancel) in the question box `name` once it is up."""

    def click():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.objectName() != name:
            QTimer.singleShot(20, click)
            return
        seen.append((box.text(), box.informativeText()))
        for button in box.buttons():
            if (button_text is None and box.buttonRole(button) == QMessageBox.ButtonRole.RejectRole) \
                    or button.text() == button_text:
                button.click()
                return
        raise AssertionError(f"no button {button_text!r} in {[b.text() for b in box.buttons()]}")

    QTimer.singleShot(0, click)


def test_keep_sending_hides_to_the_tray_and_is_asked_only_once(qtbot, running, settings):
    window, host, tray, quits = running(tray=True)
    seen = []
    answer(qtbot, "keepSendingQuestion", "Keep sending", seen)
    window.close()
    assert seen and seen[0][0] == "Keep sending in the background?"
    assert "1 journey is live" in seen[0][1]
    assert not window.isVisible() and quits == []
    assert host.state == RUNNING  # the engine goes on
    assert settings.value(CLOSE_KEY) == BACKGROUND
    assert tray.notifier.sent[-1][0] == "Trellis keeps sending"

    tray.open_action.trigger()  # the tray's Open brings it back
    assert window.isVisible()
    window.close()  # remembered: no question this time (a dialog would block here)
    assert not window.isVisible() and host.state == RUNNING and len(seen) == 1

    tray.quit_action.trigger()  # the tray's Quit: the engine stops, the app quits
    assert quits == [True] and host.state == STOPPED


def test_answering_quit_closes_and_stops_and_is_remembered(qtbot, running, settings):
    window, host, _tray, quits = running(tray=True)
    seen = []
    answer(qtbot, "keepSendingQuestion", "Quit", seen)
    window.close()
    assert len(seen) == 1 and quits == [True] and host.state == STOPPED
    assert settings.value(CLOSE_KEY) == QUIT


def test_cancel_keeps_the_window_and_remembers_nothing(qtbot, running, settings):
    window, host, _tray, quits = running(tray=True)
    seen = []
    answer(qtbot, "keepSendingQuestion", None, seen)
    window.close()
    assert len(seen) == 1 and window.isVisible() and quits == [] and host.state == RUNNING
    assert settings.value(CLOSE_KEY) is None


def test_without_a_tray_closing_asks_whether_to_stop_sending(qtbot, running, settings):
    window, host, _tray, quits = running(tray=False)
    seen = []
    answer(qtbot, "stopSendingQuestion", "Minimize", seen)
    window.close()
    assert seen[0][0] == "Stop sending?"
    assert window.isMinimized() and quits == [] and host.state == RUNNING
    answer(qtbot, "stopSendingQuestion", "Quit and stop sending", seen)
    window.close()  # asked every time: nothing is remembered without a tray
    assert len(seen) == 2 and quits == [True] and host.state == STOPPED
    assert settings.value(CLOSE_KEY) is None


def test_no_live_journey_closes_without_asking(qtbot, running):
    window, host, _tray, quits = running(tray=True, live=False)
    assert live_journeys(host.database) == 0
    window.close()  # a question would block the test here
    assert quits == [True] and host.state == STOPPED


def test_file_quit_quits_even_when_the_tray_would_keep_it(qtbot, running, settings):
    settings.setValue(CLOSE_KEY, BACKGROUND)
    window, host, _tray, quits = running(tray=True)
    window.quit_app()
    assert quits == [True] and host.state == STOPPED and not window.isVisible()


def test_the_tray_menu_shows_the_state_and_holds_the_master_switch(qtbot, running):
    window, host, tray, _quits = running(tray=True)
    texts = [a.text().replace("&", "") for a in tray.menu.actions() if not a.isSeparator()]
    assert texts[1:] == ["Open Trellis", "Pause all sending", "Quit Trellis"]
    assert texts[0].startswith("Engine running")
    assert tray.tray.toolTip().startswith("Trellis — Engine running")
    pause = next(a for a in tray.menu.actions() if a.text() == window.pause_sending.text())
    assert pause is window.pause_sending  # the window's own switch, not a copy
    pause.trigger()
    assert host.sending_paused()
    qtbot.waitUntil(lambda: tray.state_action.text().startswith("Sending paused"), timeout=3000)
    pause.trigger()
    assert not host.sending_paused()


def test_close_choice_is_validated(running):
    _window, _host, tray, _quits = running(tray=True, live=False)
    tray.set_close_choice(QUIT)
    assert tray.close_choice() == QUIT
    tray.set_close_choice(None)
    assert tray.close_choice() is None
    with pytest.raises(ValueError, match="unknown close choice 'later'"):
        tray.set_close_choice("later")


def test_the_general_card_changes_the_remembered_close_choice(qtbot, running, settings, tmp_path):
    from app.autostart import Autostart

    _window, _host, tray, _quits = running(tray=True, live=False)
    card = tray.general_card(Autostart(["trellis", "--hidden"], platform="linux",
                                       config_home=tmp_path / "config"))
    qtbot.addWidget(card)
    card.close_combo.setCurrentIndex(card.close_combo.findText("Quit Trellis"))
    assert settings.value(CLOSE_KEY) == QUIT
    card.close_combo.setCurrentIndex(card.close_combo.findText("Ask me"))
    assert settings.value(CLOSE_KEY) is None
    card.login_box.click()
    assert (tmp_path / "config" / "autostart" / "trellis.desktop").is_file()
