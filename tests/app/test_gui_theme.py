"""Themes: tokens fill the stylesheet, a switch changes the palette, the choice is kept."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QPalette

from app import theme
from widgets import tokens
from widgets.tokens import DARK, LIGHT


@pytest.fixture(autouse=True)
def restore_look(qapp):
    before = (qapp.palette(), qapp.styleSheet())
    yield
    qapp.setPalette(before[0])
    qapp.setStyleSheet(before[1])


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.mark.parametrize("name", ["light", "dark"])
def test_stylesheet_tokens_all_resolve(name):
    sheet = theme.stylesheet(name)
    assert "@" not in sheet
    assert tokens.THEMES[name].accent in sheet


def test_themes_define_every_token_as_a_colour():
    for palette in (LIGHT, DARK):
        for key, value in palette.as_dict().items():
            if key != "name":
                assert re.fullmatch(r"#[0-9a-f]{6}", value), (palette.name, key)


def test_switching_theme_changes_the_palette(qapp):
    theme.apply_theme(qapp, "light")
    light_window = qapp.palette().color(QPalette.ColorRole.Window).name()
    assert tokens.current() is LIGHT
    theme.apply_theme(qapp, "dark")
    assert qapp.palette().color(QPalette.ColorRole.Window).name() == DARK.window != light_window
    assert tokens.current() is DARK
    assert DARK.surface in qapp.styleSheet()


def test_controller_remembers_the_choice(qapp, settings):
    controller = theme.ThemeController(qapp, settings)
    assert controller.choice == "system"
    controller.set_choice("dark")
    assert settings.value(theme.SETTINGS_KEY) == "dark"
    assert tokens.current() is DARK
    assert theme.ThemeController(qapp, settings).choice == "dark"
    with pytest.raises(ValueError):
        controller.set_choice("purple")


@pytest.mark.parametrize(("choice", "reapplied"), [("system", True), ("light", False)])
def test_only_follow_system_tracks_the_os_scheme(qapp, settings, monkeypatch, choice, reapplied):
    controller = theme.ThemeController(qapp, settings)
    controller.set_choice(choice)
    monkeypatch.setattr(theme, "system_theme", lambda: "dark")
    applied = []
    # watch this controller only: other tests' controllers may still be listening
    monkeypatch.setattr(controller, "apply", lambda: applied.append(controller.theme))
    qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert applied == (["dark"] if reapplied else [])
