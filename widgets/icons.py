"""Line icons from `resources/icons/*.svg`, tinted and rendered crisply at any scale.

Contract:
- `icon(name, color=None, on_color=None) -> QIcon`, cached per argument set.
- A colour is a token name (`"accent"`, `"text_muted"`, see `widgets/tokens.py`), a
  `#rrggbb` string, or None for the `icon` token. Token colours are resolved when the icon
  is painted, so one cached QIcon follows light/dark switches by itself.
- `on_color` is used for the QIcon "On" state (checked buttons); disabled icons are drawn
  at reduced opacity.
- SVGs draw with `currentColor`, which is replaced by the resolved colour before the SVG
  is rendered with QSvgRenderer at the target's device pixel ratio (no blurry scaling).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QIconEngine, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from widgets import tokens

ICON_DIR = Path(__file__).resolve().parent.parent / "resources" / "icons"
DISABLED_OPACITY = 0.4


def icon_names() -> list[str]:
    """Every icon shipped in `resources/icons`, sorted."""
    return sorted(path.stem for path in ICON_DIR.glob("*.svg"))


@cache
def svg_source(name: str) -> str:
    """The SVG text of icon `name` (FileNotFoundError for an unknown name)."""
    return (ICON_DIR / f"{name}.svg").read_text(encoding="utf-8")


def resolve_color(color: str | None) -> QColor:
    """A literal `#rrggbb`, else a token of the current theme (None: the icon token)."""
    if color is None:
        return tokens.color("icon")
    if color.startswith("#"):
        return QColor(color)
    return tokens.color(color)


def render_svg(name: str, color: QColor, size: QSize, scale: float = 1.0) -> QPixmap:
    """Icon `name` drawn in `color` on a transparent pixmap of `size` logical pixels."""
    svg = svg_source(name).replace("currentColor", color.name(QColor.NameFormat.HexRgb))
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    pixmap = QPixmap(QSize(round(size.width() * scale), round(size.height() * scale)))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setOpacity(color.alphaF())
    renderer.render(painter, QRectF(pixmap.rect()))
    painter.end()
    pixmap.setDevicePixelRatio(scale)
    return pixmap


class _SvgIconEngine(QIconEngine):
    """Renders one icon on demand for each size, mode, state and scale Qt asks for."""

    def __init__(self, name: str, color: str | None, on_color: str | None):
        super().__init__()
        self._name, self._color, self._on_color = name, color, on_color

    def _color_for(self, mode: QIcon.Mode, state: QIcon.State) -> QColor:
        wanted = self._on_color if state == QIcon.State.On and self._on_color else self._color
        color = resolve_color(wanted)
        if mode == QIcon.Mode.Disabled:
            color.setAlphaF(color.alphaF() * DISABLED_OPACITY)
        return color

    def scaledPixmap(self, size: QSize, mode, state, scale: float) -> QPixmap:
        return render_svg(self._name, self._color_for(mode, state), size, scale)

    def pixmap(self, size: QSize, mode, state) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def paint(self, painter: QPainter, rect: QRect, mode, state) -> None:
        scale = painter.device().devicePixelRatioF() if painter.device() else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, scale))

    def clone(self) -> QIconEngine:
        return _SvgIconEngine(self._name, self._color, self._on_color)

    def key(self) -> str:
        return "trellis-svg"


@cache
def icon(name: str, color: str | None = None, on_color: str | None = None) -> QIcon:
    """The icon `name` (a file stem in `resources/icons`) in the given colours."""
    svg_source(name)  # fail here, at the call site, for a misspelt name
    return QIcon(_SvgIconEngine(name, color, on_color))
