"""How the canvas looks: geometry, category colours, and cached pens, brushes and fonts.

Contract:
- Geometry is fixed and shared by painting, hit-testing and the tidy layout: a card is
  `NODE_WIDTH` wide and `node_height(port_count, flow)` tall; `output_port_pos` and
  `input_port_pos` place the ports for the canvas's flow — links leave to the right
  (input on the left) or downwards (input on top). Positions in the model are the card's
  top-left corner.
- `canvas_style()` returns the `CanvasStyle` of the theme shown now (`widgets.tokens`),
  built once per theme and cached: items call it in `paint()` and allocate no pens,
  brushes or fonts while painting. A theme switch needs only a repaint.
- `icon_pixmap(name, color, scale)` caches node icons per colour and zoom bucket.
- Category colours (trigger green, timing amber, logic violet, action blue) and the
  walk-through's path colour (a highlighter pink, unlike any category, the selection or a
  problem) are defined here for both themes; everything else comes from the theme's tokens.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Literal

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QGuiApplication, QPen, QPixmap

from engine.nodes import Category
from widgets import tokens
from widgets.icons import render_svg

#: which way links leave a card: from its right edge ("right") or its bottom ("down")
Flow = Literal["right", "down"]

NODE_WIDTH = 224.0
#: the icon and title row, then up to two lines of summary
HEADER_HEIGHT = 42.0
BODY_HEIGHT = 86.0
SUMMARY_LINES = 2
STRIP = 4.0
PORT_ROW = 24.0
PORTS_PADDING = 5.0
RADIUS = 10.0
ICON_TILE = 28.0
ICON_SIZE = 18.0
PADDING = 12.0
PORT_RADIUS = 5.5
PORT_HIT_RADIUS = 12.0
#: the band under a fork's body that holds its port labels when links leave downwards
PORT_BAND = 26.0
BADGE_RADIUS = 9.0
GRID = 20.0

#: below this zoom, cards drop their texts' second line, icon and port labels
LOD_SIMPLE = 0.5
#: below this zoom, cards are plain coloured blocks
LOD_BLOCK = 0.22

_CATEGORY_COLORS = {
    "light": {
        Category.TRIGGER: "#2f855a",
        Category.TIMING: "#b7791f",
        Category.LOGIC: "#6b46c1",
        Category.ACTION: "#2b6cb0",
    },
    "dark": {
        Category.TRIGGER: "#48bb78",
        Category.TIMING: "#e0a83a",
        Category.LOGIC: "#a17ff0",
        Category.ACTION: "#5fa8e8",
    },
}


#: the path a walk-through took: borders, links and step numbers
_PATH_COLORS = {"light": "#d6336c", "dark": "#f06595"}
#: steps and links off a highlighted path fade to this opacity
PATH_DIM_OPACITY = 0.28
#: below this zoom the path's lines keep their width on screen instead of shrinking
PATH_FAR_ZOOM = 0.85


def node_height(port_count: int, flow: Flow = "right") -> float:
    """Cards with one output (or none) are the body alone; forks add their port labels:
    one row per port when links leave to the right, one band when they leave downwards."""
    if port_count <= 1:
        return BODY_HEIGHT
    if flow == "down":
        return BODY_HEIGHT + PORT_BAND
    return BODY_HEIGHT + PORTS_PADDING + port_count * PORT_ROW + PORTS_PADDING


def output_port_pos(index: int, count: int, flow: Flow = "right") -> tuple[float, float]:
    """Output `index` of `count`, relative to the card's top-left corner."""
    if flow == "down":  # each port in the middle of its own equal share of the bottom edge
        return NODE_WIDTH * (2 * index + 1) / (2 * max(count, 1)), node_height(count, flow)
    if count <= 1:
        return NODE_WIDTH, BODY_HEIGHT / 2
    return NODE_WIDTH, BODY_HEIGHT + PORTS_PADDING + (index + 0.5) * PORT_ROW


def input_port_pos(flow: Flow = "right") -> tuple[float, float]:
    return (NODE_WIDTH / 2, 0.0) if flow == "down" else (0.0, BODY_HEIGHT / 2)


def snap(value: float) -> float:
    return round(value / GRID) * GRID


def _mix(color: QColor, other: QColor, amount: float) -> QColor:
    """`color` blended towards `other` by `amount` (0..1), opaque."""
    return QColor.fromRgbF(
        color.redF() + (other.redF() - color.redF()) * amount,
        color.greenF() + (other.greenF() - color.greenF()) * amount,
        color.blueF() + (other.blueF() - color.blueF()) * amount,
    )


def _font(pixel_size: int, weight: QFont.Weight = QFont.Weight.Normal) -> QFont:
    font = QFont(QGuiApplication.font()) if QGuiApplication.instance() else QFont()
    font.setPixelSize(pixel_size)
    font.setWeight(weight)
    return font


@dataclass(frozen=True)
class CategoryLook:
    color: QColor
    soft: QColor
    brush: QBrush
    soft_brush: QBrush
    pen: QPen


class CanvasStyle:
    """Every pen, brush, colour and font the canvas paints with, for one theme."""

    def __init__(self, theme: tokens.Tokens):
        c = {name: QColor(value) for name, value in theme.as_dict().items() if name != "name"}
        self.dark = theme.name == "dark"
        self.background = c["window"]
        self.grid_dot = _mix(c["window"], c["text"], 0.16 if self.dark else 0.13)
        self.card = QBrush(c["surface"])
        self.card_border = QPen(c["border_strong"] if self.dark else c["border"], 1.0)
        self.card_hover_border = QPen(c["text_faint"], 1.0)
        self.card_selected = QPen(c["accent"], 2.0)
        self.card_target_ok = QPen(c["accent"], 2.0, Qt.PenStyle.DashLine)
        self.card_target_bad = QPen(c["danger"], 2.0, Qt.PenStyle.DashLine)
        self.selection_halo = QColor(c["accent"])
        self.selection_halo.setAlphaF(0.18)
        self.shadow = QColor(0, 0, 0, 70 if self.dark else 18)
        self.ports_divider = QPen(c["border"], 1.0)
        self.ports_band = QBrush(c["surface_alt"])
        self.text = c["text"]
        self.text_muted = c["text_muted"]
        self.text_faint = c["text_faint"]
        self.on_accent = c["on_accent"]
        self.accent = c["accent"]
        self.edge_pen = QPen(_mix(c["border_strong"], c["text"], 0.25), 2.0)
        self.edge_pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self.edge_hover_pen = QPen(c["text_muted"], 2.5)
        self.edge_selected_pen = QPen(c["accent"], 2.5)
        self.draft_pen = QPen(c["accent"], 2.0, Qt.PenStyle.DashLine)
        self.draft_bad_pen = QPen(c["danger"], 2.0, Qt.PenStyle.DashLine)
        self.drop_zone_pen = QPen(c["border_strong"] if not self.dark else c["text_faint"], 1.5,
                                  Qt.PenStyle.DashLine)
        self.label_brush = QBrush(c["surface"])
        self.label_pen = QPen(c["border_strong"], 1.0)
        self.port_brush = QBrush(c["surface"])
        self.port_pen = QPen(c["text_faint"], 1.5)
        self.port_connected = QBrush(c["text_faint"])
        self.error = c["danger"]
        self.warning = c["warning"]
        # the hint beside the pointer: strong colours on light, soft ones on dark, where
        # the danger and accent tones are too light to carry white text
        soft = self.dark
        self.hint_bad_brush = QBrush(c["danger_soft"] if soft else c["danger"])
        self.hint_bad_text = c["danger"] if soft else c["on_accent"]
        self.hint_ok_brush = QBrush(c["accent_soft"] if soft else c["accent"])
        self.hint_ok_text = c["accent_text"] if soft else c["on_accent"]
        self.hint_border = QPen(c["border_strong"], 1.0) if soft else QPen(Qt.PenStyle.NoPen)
        # live counts on the cards of a live journey
        self.live_text = c["success"]
        self.live_dot = QBrush(c["success"])
        # the walk-through's path
        self.path = QColor(_PATH_COLORS[theme.name])
        self.path_pen = QPen(self.path, 3.0)
        # zoomed out, the path keeps its width on screen (cosmetic): still seen at a glance
        self.path_far_pen = QPen(self.path, 2.5)
        self.path_far_pen.setCosmetic(True)
        self.path_block_pen = self.path_far_pen
        self.path_halo = QColor(self.path)
        self.path_halo.setAlphaF(0.16 if self.dark else 0.12)
        self.edge_path_pen = QPen(self.path, 3.5)
        self.edge_path_pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self.edge_path_far_pen = QPen(self.path, 3.0)
        self.edge_path_far_pen.setCosmetic(True)
        self.edge_path_far_pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self.path_badge = QBrush(self.path)
        self.path_badge_text = c["window"] if self.dark else c["on_accent"]

        self.title_font = _font(13, QFont.Weight.DemiBold)
        self.summary_font = _font(12)
        self.port_font = _font(11, QFont.Weight.Medium)
        self.label_font = _font(11, QFont.Weight.Medium)
        self.badge_font = _font(11, QFont.Weight.Bold)
        self.live_font = _font(12, QFont.Weight.DemiBold)
        self.hint_font = _font(12, QFont.Weight.Medium)
        self.empty_title_font = _font(18, QFont.Weight.DemiBold)
        self.empty_body_font = _font(14)
        self.title_metrics = QFontMetricsF(self.title_font)
        self.summary_metrics = QFontMetricsF(self.summary_font)
        self.port_metrics = QFontMetricsF(self.port_font)
        self.label_metrics = QFontMetricsF(self.label_font)
        self.hint_metrics = QFontMetricsF(self.hint_font)
        self.live_metrics = QFontMetricsF(self.live_font)

        self.categories: dict[Category, CategoryLook] = {}
        for category, value in _CATEGORY_COLORS[theme.name].items():
            color = QColor(value)
            soft = _mix(c["surface"], color, 0.22 if self.dark else 0.13)
            self.categories[category] = CategoryLook(
                color, soft, QBrush(color), QBrush(soft), QPen(color, 1.5)
            )

    def category(self, category: Category) -> CategoryLook:
        return self.categories[category]


@cache
def _style_for(name: str) -> CanvasStyle:
    return CanvasStyle(tokens.THEMES[name])


def canvas_style() -> CanvasStyle:
    """The style of the theme shown now (cached per theme)."""
    return _style_for(tokens.current().name)


_ICON_CACHE: dict[tuple[str, int, int], QPixmap] = {}


def icon_pixmap(name: str, color: QColor, scale: float) -> QPixmap:
    """Node icon `name` in `color`, rendered for `scale` device pixels per unit; the
    scale is rounded up to a half step so zooming reuses a handful of pixmaps."""
    bucket = max(1, min(8, math.ceil(scale * 2)))
    key = (name, color.rgba(), bucket)
    pixmap = _ICON_CACHE.get(key)
    if pixmap is None:
        size = QSize(int(ICON_SIZE), int(ICON_SIZE))
        pixmap = _ICON_CACHE[key] = render_svg(name, color, size, bucket / 2)
    return pixmap
