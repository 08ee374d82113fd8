"""Starting at login: a real XDG autostart file in a temp XDG_CONFIG_HOME; the macOS
LaunchAgent and the Windows Run value are checked for their content (their places are
only written on those systems), and the General settings card drives it."""

from __future__ import annotations

import configparser
import os
import plistlib
import shlex
import sys
from pathlib import Path

import pytest

from app.autostart import AGENT_LABEL, Autostart, launch_command
from widgets.settings_general import GeneralSettingsCard

COMMAND = ["/opt/Trellis Apps/trellis", "--hidden", "--db", "sqlite:////home/ann/50% off.db"]


def test_xdg_autostart_file_is_written_and_removed(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    autostart = Autostart(COMMAND, platform="linux")
    assert not autostart.enabled()  # off by default: nothing written
    autostart.set_enabled(True)
    path = tmp_path / "config" / "autostart" / "trellis.desktop"
    assert autostart.path() == path and autostart.enabled()
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(path)
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application" and section["Name"] == "Trellis"
    # the Exec line quotes per the Desktop Entry spec: spaces quoted, % doubled
    assert section["Exec"] == ('"/opt/Trellis Apps/trellis" --hidden --db '
                               '"sqlite:////home/ann/50%% off.db"')
    assert shlex.split(section["Exec"].replace("%%", "%")) == COMMAND
    autostart.set_enabled(False)
    assert not path.exists() and not autostart.enabled()
    autostart.set_enabled(False)  # twice is fine


def test_an_unwritable_place_is_an_error_naming_it(tmp_path):
    blocker = tmp_path / "config"
    blocker.write_text("a file where the folder should be")
    autostart = Autostart(COMMAND, platform="linux", config_home=blocker)
    with pytest.raises(OSError, match=str(blocker / "autostart" / "trellis.desktop")):
        autostart.set_enabled(True)
    assert not autostart.enabled()


def test_macos_launch_agent_content(tmp_path):
    autostart = Autostart(COMMAND, platform="darwin", home=tmp_path)
    assert autostart.path() == tmp_path / "Library" / "LaunchAgents" / f"{AGENT_LABEL}.plist"
    agent = plistlib.loads(autostart.macos_plist())
    assert agent == {"Label": AGENT_LABEL, "ProgramArguments": COMMAND, "RunAtLoad": True,
                     "ProcessType": "Interactive"}
    autostart.set_enabled(True)  # a plain file: writable here too
    assert plistlib.loads(autostart.path().read_bytes()) == agent


def test_windows_run_value_content():
    autostart = Autostart([r"C:\Program Files\Trellis\trellis.exe", "--hidden"],
                          platform="win32")
    assert autostart.path() is None
    assert autostart.windows_value() == r'"C:\Program Files\Trellis\trellis.exe" --hidden'


def test_the_launch_command_starts_hidden_on_the_same_database_without_its_password():
    command = launch_command("postgresql://ann:secret@db.example.com/shop")
    assert command[:2] == [sys.executable, str(Path(__file__).resolve().parents[2] / "main.py")]
    assert command[2:] == ["--hidden", "--db", "postgresql://ann@db.example.com/shop"]
    assert launch_command()[2:] == ["--hidden"]


def test_the_general_card_turns_login_start_on_and_off(qtbot, tmp_path):
    autostart = Autostart(COMMAND, platform="linux", config_home=tmp_path / "config")
    choice = {"value": None}
    card = GeneralSettingsCard(autostart.enabled, autostart.set_enabled,
                               lambda: choice["value"],
                               lambda value: choice.update(value=value))
    qtbot.addWidget(card)
    assert not card.login_box.isChecked()
    card.login_box.click()
    assert autostart.enabled() and card.login_box.isChecked()
    card.login_box.click()
    assert not autostart.enabled()
    assert card.close_combo.currentText() == "Ask me"
    card.close_combo.setCurrentIndex(card.close_combo.findText("Keep sending in the background"))
    assert choice["value"] == "background"
    choice["value"] = "quit"
    card.refresh()
    assert card.close_combo.currentText() == "Quit Trellis"


def test_the_general_card_shows_why_login_start_failed(qtbot, tmp_path):
    blocker = tmp_path / "config"
    blocker.write_text("")
    autostart = Autostart(COMMAND, platform="linux", config_home=blocker)
    card = GeneralSettingsCard(autostart.enabled, autostart.set_enabled, lambda: None,
                               lambda _value: None, tray_available=False)
    qtbot.addWidget(card)
    card.show()
    card.login_box.click()
    assert not card.login_box.isChecked()  # back to what is really set
    assert card.error.isVisible() and "could not write" in card.error.text()
    assert not card.close_combo.isVisible()  # no tray: closing always asks
    assert "with its window open" in card.login_box.text()
