"""Colour tokens: every colour Trellis paints, defined once per theme.

Contract:
- `LIGHT` and `DARK` are the two palettes; `THEMES` maps their names to them.
- The stylesheet (`resources/style/app.qss`) refers to tokens as `@name`; `app/theme.py`
  fills them in. Widgets that paint by hand (pills, icons, later the canvas) read the same
  tokens through `current()`.
- `current()` derives the theme from the application palette's window colour, so the
  QPalette that `app/theme.py` installs is the one source of truth and widgets need no
  global state or wiring to follow a theme switch.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtGui import QColor, QGuiApplication, QPalette


@dataclass(frozen=True)
class Tokens:
    name: str
    # surfaces
    window: str
    surface: str
    surface_alt: str
    sidebar: str
    hover: str
    pressed: str
    border: str
    border_strong: str
    # text and icons
    text: str
    text_muted: str
    text_faint: str
    icon: str
    # the one accent
    accent: str
    accent_hover: str
    accent_pressed: str
    accent_soft: str
    accent_text: str
    on_accent: str
    focus: str
    selection: str
    # chrome
    tooltip_bg: str
    tooltip_text: str
    scrollbar: str
    scrollbar_hover: str
    code_bg: str
    # tones for status pills and messages: text colour and a soft background
    success: str
    success_soft: str
    warning: str
    warning_soft: str
    danger: str
    danger_soft: str
    info: str
    info_soft: str
    neutral: str
    neutral_soft: str

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


LIGHT = Tokens(
    name="light",
    window="#f4f5f4",
    surface="#ffffff",
    surface_alt="#f8f9f8",
    sidebar="#fbfbfa",
    hover="#eef1ee",
    pressed="#e3e8e4",
    border="#e3e6e3",
    border_strong="#cdd3ce",
    text="#1d2521",
    text_muted="#5b6660",
    text_faint="#919b95",
    icon="#5b6660",
    accent="#2f855a",
    accent_hover="#276749",
    accent_pressed="#22543d",
    accent_soft="#e5f3eb",
    accent_text="#22603f",
    on_accent="#ffffff",
    focus="#38a169",
    selection="#dcefe3",
    tooltip_bg="#1d2521",
    tooltip_text="#f4f5f4",
    scrollbar="#cdd3ce",
    scrollbar_hover="#a9b2ac",
    code_bg="#eef1ee",
    success="#23714a",
    success_soft="#e1f3e8",
    warning="#975a16",
    warning_soft="#fcf1dc",
    danger="#b42b2b",
    danger_soft="#fbe7e7",
    info="#2a5f9e",
    info_soft="#e5eefa",
    neutral="#4f5a54",
    neutral_soft="#ebeeec",
)

DARK = Tokens(
    name="dark",
    window="#141715",
    surface="#1c201e",
    surface_alt="#212623",
    sidebar="#181b19",
    hover="#262c28",
    pressed="#2e3531",
    border="#2a302c",
    border_strong="#444d47",
    text="#e4e9e6",
    text_muted="#9ba8a1",
    text_faint="#6b7770",
    icon="#a3afa8",
    accent="#38a169",
    accent_hover="#48b17a",
    accent_pressed="#2f855a",
    accent_soft="#1d3328",
    accent_text="#8fdcb0",
    on_accent="#ffffff",
    focus="#5cc48c",
    selection="#234232",
    tooltip_bg="#e4e9e6",
    tooltip_text="#141715",
    scrollbar="#3a423d",
    scrollbar_hover="#55605a",
    code_bg="#262c28",
    success="#74d19e",
    success_soft="#1c3327",
    warning="#f0bf6a",
    warning_soft="#382c17",
    danger="#f28b8b",
    danger_soft="#3b1f21",
    info="#8ebff0",
    info_soft="#1b2c3e",
    neutral="#b3bdb7",
    neutral_soft="#2a302c",
)

THEMES: dict[str, Tokens] = {"light": LIGHT, "dark": DARK}

#: tones a status pill can take (see `widgets/table_delegate.py`)
TONES = ("success", "warning", "danger", "info", "neutral")


def current() -> Tokens:
    """The tokens of the theme the application palette shows now (light without an app)."""
    if QGuiApplication.instance() is None:
        return LIGHT
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return DARK if window.lightnessF() < 0.5 else LIGHT


def color(token: str) -> QColor:
    """The current theme's colour for `token` (a `Tokens` field name)."""
    return QColor(getattr(current(), token))


def tone_colors(tone: str) -> tuple[QColor, QColor]:
    """(text, background) of a pill tone in the current theme."""
    tokens = current()
    return QColor(getattr(tokens, tone)), QColor(getattr(tokens, f"{tone}_soft"))
