"""One line per block for the block list, and where each check points.

Contract: `summary(block)` says what a block shows in a few words ("Heading · Welcome,
{first name}"); chips read as `{first name}` and inline marks are dropped.
`problems_by_block(doc, lint)` maps the editor's check messages ("Block 3 (Image): …",
"Block 5 (Columns), column 2, block 1 (Button): …") to the ids of the blocks they are
about: {block id: [(severity, message)]}; messages about the whole email are left out.
"""

from __future__ import annotations

import re

from engine.blocks import BLOCK_TITLES, BlockDocument

_CHIP = re.compile(r"\[\[(?:contact|shop|event)\.([A-Za-z0-9_]+)(?:\|[^\]]*)?\]\]")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MARKS = re.compile(r"\*\*|\*|\\")
_WHERE = re.compile(r"^Block (\d+) \([^)]*\)(?:, column (\d+), block (\d+) \([^)]*\))?: ")
NETWORKS = {"x": "X", "linkedin": "LinkedIn", "youtube": "YouTube", "tiktok": "TikTok"}


def plain(markup: str) -> str:
    text = _CHIP.sub(lambda m: "{" + m.group(1).replace("_", " ") + "}", markup)
    text = _LINK.sub(r"\1", text)
    return " ".join(_MARKS.sub("", text).split())


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def summary(block) -> str:
    kind = block.type
    if kind in ("heading", "text"):
        words = plain(block.text) or "(empty)"
    elif kind == "image":
        words = block.alt or (block.src.rsplit("/", 1)[-1] if block.src else "no picture yet")
    elif kind == "button":
        words = f"{plain(block.label)} → {plain(block.url) or 'no link yet'}"
    elif kind == "divider":
        words = f"{block.thickness} px line"
    elif kind == "spacer":
        words = f"{block.height} px of space"
    elif kind == "columns":
        inner = sum(len(c.blocks) for c in block.columns)
        words = f"{len(block.columns)} columns, {inner} block{'s' * (inner != 1)} inside"
    elif kind == "products":
        source = {"cart": "the contact's cart", "recommendations": f"{block.count} recommended",
                  "alternatives": f"{block.count} alternatives to the cart",
                  "skus": f"{len(block.skus)} chosen products",
                  "event_items": f"the event's items (up to {block.count})",
                  "event_product": "the event's product"}.get(block.source, block.source)
        words = source
    elif kind == "coupon":
        words = f"{block.percent}% off, valid {block.valid_days} days"
    elif kind == "social":
        words = ", ".join(NETWORKS.get(l.network, l.network.capitalize())
                          for l in block.links) or "no links yet"
    else:  # the footer
        words = "Unsubscribe link and postal address" + (f" · {plain(block.note)}"
                                                         if block.note else "")
    return f"{BLOCK_TITLES[kind]} · {_clip(words)}"


def problems_by_block(doc: BlockDocument, lint: list[tuple[str, str]]) -> dict[str, list]:
    found: dict[str, list] = {}
    for severity, message in lint:
        match = _WHERE.match(message)
        if match is None:
            continue
        number = int(match.group(1)) - 1
        if not 0 <= number < len(doc.blocks):
            continue
        block = doc.blocks[number]
        if match.group(2):
            column, inner = int(match.group(2)) - 1, int(match.group(3)) - 1
            try:
                block = block.columns[column].blocks[inner]
            except (AttributeError, IndexError):
                pass
        found.setdefault(block.id, []).append((severity, message[match.end():]))
    return found
