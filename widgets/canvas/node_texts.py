"""The texts on a step's card, laid out once per change (painting then only draws them).

Contract:
- `card_texts(content, flow, live_counts, results, winner)` -> `CardTexts`: the title
  (elided to the room beside the icon and the badge), the lines below it — the summary
  wrapped to `SUMMARY_LINES` (one fewer while live counts show), or with the Results
  overlay (`results`) its figures instead of the summary and the counts —, the live
  counts' line ("12 waiting · 1,340 passed", `live_text`), and for steps that fork a label
  per output port with where it goes for the canvas's `flow` (a star before the A/B
  test's `winner`).
- Where they are drawn: `TITLE_X`, `SUMMARY_TOP` + n × `SUMMARY_LINE_HEIGHT`, the live
  line's text at `LIVE_TEXT_X` after its dot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QStaticText, QTextLayout, QTextOption

from widgets.canvas.style import (
    BADGE_RADIUS,
    BODY_HEIGHT,
    HEADER_HEIGHT,
    ICON_TILE,
    NODE_WIDTH,
    PADDING,
    PORT_BAND,
    SUMMARY_LINES,
    CanvasStyle,
    Flow,
    canvas_style,
    output_port_pos,
)

if TYPE_CHECKING:
    from widgets.canvas.node_item import NodeContent

TITLE_X = PADDING + ICON_TILE + 10
SUMMARY_TOP = HEADER_HEIGHT + 1
SUMMARY_LINE_HEIGHT = 17.0
#: the live counts' text starts after their dot
LIVE_TEXT_X = 12.0


class CardTexts(NamedTuple):
    title: QStaticText
    summary: list[QStaticText]
    live: QStaticText | None
    port_labels: list[tuple[QStaticText, QPointF]]


def live_text(waiting: int, passed: int) -> str:
    """(12, 1340) -> "12 waiting · 1,340 passed"."""
    return f"{waiting:,} waiting · {passed:,} passed"


def static_text(text: str) -> QStaticText:
    static = QStaticText(text)
    static.setTextFormat(Qt.TextFormat.PlainText)
    static.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
    return static


def wrap_lines(text: str, style: CanvasStyle, width: float, limit: int) -> list[str]:
    """`text` wrapped to `width` in the summary font; the last allowed line is elided."""
    layout = QTextLayout(text, style.summary_font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    starts = []
    layout.beginLayout()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        starts.append((line.textStart(), line.textLength()))
    layout.endLayout()
    lines = [text[start:start + length].rstrip() for start, length in starts[:limit]]
    if len(starts) > limit:
        rest = text[starts[limit - 1][0]:]
        lines[-1] = style.summary_metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)
    return lines


def card_texts(content: NodeContent, flow: Flow, live_counts: tuple[int, int] | None,
               results: tuple[str, ...] | None, winner: str | None) -> CardTexts:
    style = canvas_style()
    title_width = NODE_WIDTH - TITLE_X - PADDING - BADGE_RADIUS
    title = static_text(
        style.title_metrics.elidedText(content.title, Qt.TextElideMode.ElideRight, title_width)
    )
    live = live_counts is not None and results is None
    if results is not None:  # the Results overlay: figures in place of the summary
        summary = [static_text(style.summary_metrics.elidedText(
            line, Qt.TextElideMode.ElideRight, NODE_WIDTH - 2 * PADDING))
            for line in results[:SUMMARY_LINES]]
    else:
        lines = wrap_lines(content.summary, style, NODE_WIDTH - 2 * PADDING,
                           SUMMARY_LINES - 1 if live else SUMMARY_LINES)
        summary = [static_text(line) for line in lines]
    live_line = static_text(live_text(*live_counts)) if live else None
    port_labels = []
    count = len(content.ports)
    if count > 1:
        metrics = style.port_metrics
        # right: a row per port, label beside its dot; down: labels in a band, each
        # centred over its dot
        width = NODE_WIDTH - 2 * PADDING - 8 if flow == "right" else NODE_WIDTH / count - 10
        for index, port in enumerate(content.ports):
            label = f"★ {port.label}" if port.key == winner else port.label
            text = metrics.elidedText(label, Qt.TextElideMode.ElideRight, width)
            advance = metrics.horizontalAdvance(text)
            x, y = output_port_pos(index, count, flow)
            if flow == "right":
                point = QPointF(x - PADDING - 4 - advance, y - metrics.height() / 2)
            else:
                band_y = BODY_HEIGHT + (PORT_BAND - metrics.height()) / 2 - 2
                point = QPointF(x - advance / 2, band_y)
            port_labels.append((static_text(text), point))
    return CardTexts(title, summary, live_line, port_labels)
