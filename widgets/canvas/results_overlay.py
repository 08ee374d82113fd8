"""What the canvas's Results overlay says on each card and how thick each link is drawn.

Contract (pure functions of the figures of engine.analytics.dashboard.canvas_figures):
- `card_lines(figures | None) -> tuple[str, ...]`: every step "340 reached · 4.1 % dropped";
  an email step first "320 sent · 45% open · 12% click"; a step with conversions
  (the goal) first "102 conversions · $3,944.16" (in `currency`, when the figures say).
  A step nobody reached: "Nobody yet".
- `link_flows(figures, links) -> {(source, port, target): contacts}`: for a link out of a
  fork, the enrollments that took that port; otherwise the contacts who reached both
  ends (the smaller of the two reached counts: a step with several links in is not
  over-counted).
- `link_width(contacts, most) -> float`: from the normal 2 px up to 9 px, by the square
  root of the share of the busiest link (so a link with a quarter of the flow is drawn
  half as thick), None when nobody flowed anywhere (links stay as they are).
"""

from __future__ import annotations

from math import sqrt
from typing import Iterable, Mapping

from widgets import formatting

THIN, THICK = 2.0, 9.0


def card_lines(figures: Mapping | None) -> tuple[str, ...]:
    if not figures or not figures.get("reached") and not figures.get("sent"):
        return ("Nobody yet",)
    lines = []
    if figures.get("conversions"):
        money = formatting.money(figures.get("revenue", 0.0), figures.get("currency", "USD"))
        lines.append(f"{figures['conversions']:,} conversions · {money}")
    if "sent" in figures:
        # whole percents: the line has to fit a card
        lines.append(f"{figures['sent']:,} sent · {figures['open_rate'] * 100:.0f}% open · "
                     f"{figures['click_rate'] * 100:.0f}% click")
    lines.append(f"{figures.get('reached', 0):,} reached · "
                 f"{figures.get('dropped_rate', 0.0) * 100:.1f} % dropped")
    return tuple(lines)


def link_flows(figures: Mapping[str, Mapping],
               links: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], int]:
    flows = {}
    for source, port, target in links:
        ports = figures.get(source, {}).get("ports")
        if ports:
            flows[(source, port, target)] = int(ports.get(port, 0))
        else:
            flows[(source, port, target)] = min(int(figures.get(source, {}).get("reached", 0)),
                                                int(figures.get(target, {}).get("reached", 0)))
    return flows


def link_width(contacts: int, most: int) -> float | None:
    if most <= 0:
        return None
    return THIN + (THICK - THIN) * sqrt(max(0, contacts) / most)
