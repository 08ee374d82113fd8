"""Every icon parses, renders something, follows the line-icon rules, and tints correctly."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QByteArray, QSize
from PySide6.QtGui import QColor, QIcon
from PySide6.QtSvg import QSvgRenderer

from widgets.icons import icon, icon_names, render_svg, svg_source

NAVIGATION = ["journeys", "contacts", "templates", "settings"]
NODE_KINDS = [
    "bolt",
    "list-plus",
    "segment",
    "calendar",
    "moon",
    "hand",
    "clock",
    "sun-clock",
    "hourglass",
    "branch",
    "split",
    "shuffle",
    "flag",
    "stop",
    "mail",
    "list-add",
    "list-remove",
    "pencil",
    "star",
    "bell",
    "webhook",
    "megaphone",
]
TOOLS = [
    "warning",
    "error",
    "search",
    "plus",
    "undo",
    "redo",
    "play",
    "pause",
    "zoom-in",
    "zoom-out",
    "fit",
]


def painted_pixels(image) -> int:
    return sum(
        1
        for y in range(image.height())
        for x in range(image.width())
        if image.pixelColor(x, y).alpha() > 0
    )


def test_every_required_icon_exists():
    missing = set(NAVIGATION + NODE_KINDS + TOOLS) - set(icon_names())
    assert not missing


@pytest.mark.parametrize("name", icon_names())
def test_icon_parses_and_renders(qapp, name):
    source = svg_source(name)
    assert 'viewBox="0 0 24 24"' in source
    assert "currentColor" in source
    assert QSvgRenderer(QByteArray(source.encode())).isValid()
    image = render_svg(name, QColor("#000000"), QSize(24, 24)).toImage()
    assert painted_pixels(image) > 20


@pytest.mark.parametrize("name", [n for n in icon_names() if n != "trellis"])
def test_line_icons_follow_the_house_style(name):
    source = svg_source(name)
    assert 'stroke="currentColor"' in source and 'fill="none"' in source
    widths = [float(w) for w in re.findall(r'stroke-width="([\d.]+)"', source)]
    assert widths and all(1.75 <= w <= 2 for w in widths)
    # colours come only from currentColor, so every theme can tint every icon
    assert not re.search(r"#[0-9a-fA-F]{3,6}", source)


def test_icon_is_cached_and_fails_fast_for_unknown_names(qapp):
    assert icon("search") is icon("search")
    with pytest.raises(FileNotFoundError):
        icon("no-such-icon")


def test_literal_colour_tints_the_strokes(qapp):
    image = icon("plus", "#ff0000").pixmap(QSize(24, 24)).toImage()
    colours = {
        image.pixelColor(x, y).name()
        for y in range(24)
        for x in range(24)
        if image.pixelColor(x, y).alpha() == 255
    }
    assert colours == {"#ff0000"}


def test_renders_at_the_device_pixel_ratio(qapp):
    pixmap = icon("mail").pixmap(QSize(24, 24), 2.0)
    assert pixmap.size() == QSize(48, 48)
    assert pixmap.devicePixelRatio() == 2.0


def test_checked_state_uses_the_on_colour(qapp):
    themed = icon("star", "#000000", "#00ff00")
    off = themed.pixmap(QSize(24, 24), QIcon.Mode.Normal, QIcon.State.Off).toImage()
    on = themed.pixmap(QSize(24, 24), QIcon.Mode.Normal, QIcon.State.On).toImage()
    assert off != on
    assert any(on.pixelColor(x, 12).green() == 255 for x in range(24))
