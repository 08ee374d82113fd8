"""Light and dark themes, and following the system's colour scheme.

Contract:
- `THEME_CHOICES` are what a user picks ("light", "dark", "system"); `resolve(choice)`
  turns one into a theme name, "light" or "dark", asking
  `QGuiApplication.styleHints().colorScheme()` for "system" (unknown counts as light).
- `stylesheet(name)` is `resources/style/app.qss` with the theme's tokens
  (`widgets/tokens.py`) filled in; an unknown `@token` raises KeyError.
- `apply_theme(app, name)` installs a QPalette built from the tokens and the stylesheet.
  Widgets follow by themselves: Qt repolishes them, and hand-painted parts read
  `widgets.tokens.current()`. The stylesheet is written for the Fusion style, which
  `app.gui.application()` installs once (the same look on every OS).
- `ThemeController` keeps the user's choice in QSettings under `appearance/theme`, applies
  it, and re-applies it when the system scheme changes while the choice is "system".
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from widgets.tokens import THEMES, Tokens

THEME_CHOICES = ("light", "dark", "system")
SETTINGS_KEY = "appearance/theme"
DEFAULT_CHOICE = "system"
STYLESHEET = Path(__file__).resolve().parent.parent / "resources" / "style" / "app.qss"

_TOKEN = re.compile(r"@([a-z_]+)")


def system_theme() -> str:
    """ "dark" when the operating system is in dark mode, else "light"."""
    scheme = QGuiApplication.styleHints().colorScheme()
    return "dark" if scheme == Qt.ColorScheme.Dark else "light"


def resolve(choice: str) -> str:
    """The theme name ("light" or "dark") that `choice` means right now."""
    if choice == "system":
        return system_theme()
    if choice not in THEMES:
        raise ValueError(f"unknown theme {choice!r}; choose from {', '.join(THEME_CHOICES)}")
    return choice


@cache
def stylesheet(name: str) -> str:
    """The application stylesheet with theme `name`'s colours filled in."""
    values = THEMES[name].as_dict()
    return _TOKEN.sub(lambda match: values[match.group(1)], STYLESHEET.read_text("utf-8"))


def build_palette(tokens: Tokens) -> QPalette:
    """A QPalette for the parts the stylesheet does not reach (dialogs, native bits)."""
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    palette = QPalette()
    colors = {
        role.Window: tokens.window,
        role.WindowText: tokens.text,
        role.Base: tokens.surface,
        role.AlternateBase: tokens.surface_alt,
        role.ToolTipBase: tokens.tooltip_bg,
        role.ToolTipText: tokens.tooltip_text,
        role.PlaceholderText: tokens.text_faint,
        role.Text: tokens.text,
        role.Button: tokens.surface,
        role.ButtonText: tokens.text,
        role.BrightText: tokens.danger,
        role.Light: tokens.surface,
        role.Midlight: tokens.border,
        role.Mid: tokens.border_strong,
        role.Dark: tokens.text_faint,
        role.Shadow: tokens.text,
        role.Highlight: tokens.accent,
        role.HighlightedText: tokens.on_accent,
        role.Link: tokens.accent,
        role.LinkVisited: tokens.accent_pressed,
        role.Accent: tokens.accent,
    }
    for color_role, value in colors.items():
        palette.setColor(color_role, QColor(value))
    for color_role in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(group.Disabled, color_role, QColor(tokens.text_faint))
    return palette


def apply_theme(app: QApplication, name: str) -> None:
    """Show the whole application in theme `name` ("light" or "dark")."""
    tokens = THEMES[name]
    # The palette goes first: widgets repolished by the new stylesheet then already
    # see the new theme through `widgets.tokens.current()`.
    app.setPalette(build_palette(tokens))
    app.setStyleSheet(stylesheet(name))


class ThemeController(QObject):
    """The user's theme choice: remembered, applied, and kept in step with the system."""

    #: the choice ("light", "dark" or "system") changed
    choice_changed = Signal(str)

    def __init__(self, app: QApplication, settings: QSettings, parent: QObject | None = None):
        super().__init__(parent)
        self._app = app
        self._settings = settings
        stored = str(settings.value(SETTINGS_KEY, DEFAULT_CHOICE))
        self._choice = stored if stored in THEME_CHOICES else DEFAULT_CHOICE
        app.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)

    @property
    def choice(self) -> str:
        return self._choice

    @property
    def theme(self) -> str:
        """The theme shown now: "light" or "dark"."""
        return resolve(self._choice)

    def apply(self) -> None:
        apply_theme(self._app, self.theme)

    def set_choice(self, choice: str) -> None:
        """Remember and show `choice`; ValueError for anything but THEME_CHOICES."""
        if choice not in THEME_CHOICES:
            raise ValueError(f"unknown theme {choice!r}; choose from {', '.join(THEME_CHOICES)}")
        if choice == self._choice:
            return
        self._choice = choice
        self._settings.setValue(SETTINGS_KEY, choice)
        self.apply()
        self.choice_changed.emit(choice)

    def _system_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self._choice == "system":
            self.apply()
