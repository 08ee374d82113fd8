"""Checks of a block email, each with its place, in words a marketer can act on.

Contract: `check_blocks(template, brand, known_fields=None)` returns `BlockProblem`s
(block id or None for the whole email, severity "error" or "warning", where — "Block 3
(Image)", "Block 5 (Columns), column 2, block 1 (Button)", "Brand kit", "Subject" — and
the message). It never raises and reads nothing but local image files' sizes. It finds:
- an image without a picture or a button without a link (errors), an image without alt
  text (warning);
- text, links, headings, footer or button text whose contrast with their background is
  under WCAG AA's 4.5:1 (warnings; the brand kit's pairs once, a button's own colours on
  the button), and a logo that is not https;
- an email of images only (warning) or with nothing to read at all (error), links and
  images that are not https (warnings);
- images that are files on this computer (error: recipients cannot see them; missing
  file: error) and such files over 1 MB (warning);
- an empty subject (error), a subject over 78 or a preheader over 140 characters, no
  preheader (warnings);
- a personalisation without a fallback for a field some contacts may not have, and one
  of a field no contact has (warnings): a chip never fails an email, but shows nothing.
`event_properties(template)` names the trigger event's properties an email shows (its
chips of `event.NAME` and `product.NAME`, grids of the event's items or product): lint
gives them sample values, and journey validation warns when no event starts the journey.
lint.py adds these to the checks of every email (the sample render, Gmail's 102 KB clip),
so `validate`, publishing and the editor show them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Collection, Iterator

from engine.blocks.brand import BrandKit
from engine.blocks.inline import (
    Chip, Paragraph, Run, chips_in, parse_chips, parse_line, parse_paragraphs, url_parts,
)
from engine.blocks.model import BLOCK_TITLES, BlockDocument

ERROR, WARNING = "error", "warning"
AA = 4.5
SUBJECT_LIMIT = 78
PREHEADER_LIMIT = 140
IMAGE_LIMIT = 1024 * 1024
#: contact fields every contact has: a chip of them needs no fallback
ALWAYS_SET = frozenset({"email", "lead_score"})
STANDARD = frozenset({"email", "first_name", "last_name", "full_name", "timezone", "country",
                      "locale", "lead_score"})
SHOP = frozenset({"name", "postal_address", "website", "currency"})


@dataclass(frozen=True, slots=True)
class BlockProblem:
    block_id: str | None
    severity: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two `#rrggbb` colours (1 to 21)."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def check_blocks(template, brand: BrandKit | None = None,
                 known_fields: Collection[str] | None = None) -> list[BlockProblem]:
    brand = brand or BrandKit()
    doc: BlockDocument = template.blocks
    problems: list[BlockProblem] = []
    problems += _check_lines(template, known_fields)
    problems += check_brand(brand)
    has_text = False
    for block, where in _placed(doc):
        found, text = _check_block(block, where, brand, known_fields)
        problems += found
        has_text = has_text or text
    images = any(block.type == "image" for block, _ in _placed(doc))
    if not has_text and images:
        problems.append(BlockProblem(None, WARNING, "Email",
                                     "this email is only images: many inboxes hide images until "
                                     "the reader asks, and spam filters distrust such emails; "
                                     "add a heading or some text"))
    elif not has_text:
        problems.append(BlockProblem(None, ERROR, "Email", "the email says nothing yet: add a "
                                     "heading, some text or a product grid"))
    return problems


def all_chips(template) -> list:
    """Every chip of a block email: subject, preheader, from name, then the blocks'."""
    found = [r.chip for value in (template.subject, template.preheader, template.from_name)
             for r in parse_chips(value) if r.chip]
    for block, _ in _placed(template.blocks):
        for name in ("text", "label", "note"):
            markup = getattr(block, name, None)
            if markup:
                found += chips_in(markup)
    return found


def event_properties(template) -> set[str]:
    """The trigger event's properties a block email shows: its `event.NAME` chips, `sku`
    for the event's product (`product.NAME` chips, "the event's product" grids), `items`
    and `revenue` for a grid of the event's items. Empty: the email needs no event."""
    chips = all_chips(template) + _link_chips(template)
    used = {chip.field.split(".", 1)[1] for chip in chips if chip.field.startswith("event.")}
    if any(chip.field.startswith("product.") for chip in chips):
        used.add("sku")
    for block, _ in _placed(template.blocks):
        if block.type == "products" and block.source == "event_product":
            used.add("sku")
        elif block.type == "products" and block.source == "event_items":
            used.update(("items", "revenue") if block.show_price else ("items",))
    return used


def _link_chips(template) -> list:
    """The chips of every link: buttons, images, social links and links in text."""
    links = []
    for block, _ in _placed(template.blocks):
        links += [getattr(block, name, "") for name in ("url", "link")]
        links += [link.url for link in getattr(block, "links", ())]
        for name in ("text", "label", "note"):
            markup = getattr(block, name, None)
            if markup:
                links += [run.href for run in _runs(markup, "text") if run.href]
    return [part for link in links if link for part in url_parts(link) if isinstance(part, Chip)]


def _placed(doc: BlockDocument) -> Iterator[tuple[object, str]]:
    for n, block in enumerate(doc.blocks, 1):
        where = f"Block {n} ({BLOCK_TITLES[block.type]})"
        yield block, where
        if block.type == "columns":
            for c, column in enumerate(block.columns, 1):
                for m, inner in enumerate(column.blocks, 1):
                    yield inner, f"{where}, column {c}, block {m} ({BLOCK_TITLES[inner.type]})"


def _check_lines(template, known_fields) -> list[BlockProblem]:
    problems = []
    subject = _shown(parse_chips(template.subject))
    if not template.subject.strip():
        problems.append(BlockProblem(None, ERROR, "Subject", "the subject is empty"))
    elif len(subject) > SUBJECT_LIMIT:
        problems.append(BlockProblem(None, WARNING, "Subject", f"{len(subject)} characters: "
                                     f"inboxes cut it off around {SUBJECT_LIMIT}, so put what "
                                     "matters first"))
    preheader = _shown(parse_chips(template.preheader))
    if not template.preheader.strip():
        problems.append(BlockProblem(None, WARNING, "Preheader", "there is no preheader: "
                                     "inboxes show the first words of the email beside the "
                                     "subject instead"))
    elif len(preheader) > PREHEADER_LIMIT:
        problems.append(BlockProblem(None, WARNING, "Preheader", f"{len(preheader)} characters: "
                                     f"inboxes show about {PREHEADER_LIMIT} at most"))
    for where, value in (("Subject", template.subject), ("Preheader", template.preheader),
                         ("From name", template.from_name)):
        problems += _check_chips([r.chip for r in parse_chips(value) if r.chip], None, where,
                                 known_fields)
    return problems


def check_brand(brand: BrandKit) -> list[BlockProblem]:
    pairs = (("text", brand.text_color, brand.content_background),
             ("headings", brand.heading_color, brand.content_background),
             ("links", brand.link_color, brand.content_background),
             ("button text", brand.button_text_color, brand.button_color))
    problems = [BlockProblem(None, WARNING, "Brand kit", _contrast_words(name, ratio))
                for name, fore, back in pairs if (ratio := contrast(fore, back)) < AA]
    if brand.logo_url.lower().startswith("http://"):
        problems.append(BlockProblem(None, WARNING, "Brand kit", f"the logo {brand.logo_url} "
                                     "is not https: many inboxes will not show it"))
    return problems


def _contrast_words(what: str, ratio: float) -> str:
    return (f"the {what} colour has a contrast of {ratio:.1f}:1 with its background, under "
            f"the {AA}:1 that readers with low vision need (WCAG AA): make one darker or lighter")


def _check_block(block, where: str, brand: BrandKit, known_fields) -> tuple[list[BlockProblem], bool]:
    problems, kind, has_text = [], block.type, False

    def add(severity: str, message: str) -> None:
        problems.append(BlockProblem(block.id, severity, where, message))

    markup = getattr(block, "text", None) or getattr(block, "label", None) or getattr(block, "note", None)
    if markup:
        runs = list(_runs(markup, kind))
        has_text = kind in ("heading", "text") and bool(_shown(runs).strip())
        problems += _check_chips([r.chip for r in runs if r.chip], block.id, where, known_fields)
        for href in dict.fromkeys(r.href for r in runs if r.href):
            if href.lower().startswith("http://"):
                add(WARNING, f"the link {href} is not https: browsers warn readers about it")
    if kind in ("products", "coupon"):
        has_text = True
    if kind == "image":
        if not block.src:
            add(ERROR, "choose a picture for this image")
        elif block.src.lower().startswith("http://"):
            add(WARNING, f"the picture {block.src} is not https: many inboxes will not show it")
        elif not block.src.lower().startswith("https://"):
            problems += _check_file(block, where)
        if not block.alt.strip():
            add(WARNING, "the image has no alt text: screen readers, and inboxes that hide "
                         "images, show nothing in its place")
        if block.link.lower().startswith("http://"):
            add(WARNING, f"the link {block.link} is not https: browsers warn readers about it")
    elif kind == "button":
        if not block.url:
            add(ERROR, "the button has no link")
        elif block.url.lower().startswith("http://"):
            add(WARNING, f"the link {block.url} is not https: browsers warn readers about it")
        if block.color or block.text_color:
            ratio = contrast(block.text_color or brand.button_text_color, block.color or brand.button_color)
            if ratio < AA:
                add(WARNING, _contrast_words("button text", ratio))
    elif kind == "social":
        for link in block.links:
            if link.url.lower().startswith("http://"):
                add(WARNING, f"the link {link.url} is not https: browsers warn readers about it")
    return problems, has_text


def _runs(markup: str, kind: str) -> Iterator[Run]:
    if kind != "text":
        yield from parse_line(markup)
        return
    for item in parse_paragraphs(markup):
        if isinstance(item, Paragraph):
            yield from (r for r in item.runs if isinstance(r, Run))
        else:
            for runs in item.items:
                yield from runs


def _check_file(block, where: str) -> list[BlockProblem]:
    try:
        size = os.path.getsize(block.src)
    except OSError:
        return [BlockProblem(block.id, ERROR, where, f"the picture {block.src} cannot be read")]
    problems = [BlockProblem(block.id, ERROR, where,
                             "the picture is a file on this computer, which recipients cannot "
                             "see: put it online (your shop or an image host) and use its "
                             "https address")]
    if size > IMAGE_LIMIT:
        problems.append(BlockProblem(block.id, WARNING, where,
                                     f"the picture is {size / 1024 / 1024:.1f} MB: over 1 MB, "
                                     "emails load slowly on phones; make it smaller"))
    return problems


def _check_chips(chips, block_id, where, known_fields) -> list[BlockProblem]:
    problems = []
    for chip in chips:
        root, name = chip.field.split(".", 1)
        if root == "shop":
            if name not in SHOP:
                problems.append(BlockProblem(block_id, ERROR, where, f"the shop has no field "
                                             f"'{name}' (it has: {', '.join(sorted(SHOP))})"))
            continue
        if chip.fallback.strip():
            if root == "contact" and known_fields is not None and name not in STANDARD \
                    and name not in known_fields:
                problems.append(BlockProblem(block_id, WARNING, where,
                                             f"no contact has the field '{name}': everyone will "
                                             f"see the fallback '{chip.fallback}'"))
            continue
        if root == "contact" and name in ALWAYS_SET:
            continue
        problems.append(BlockProblem(block_id, WARNING, where,
                                     f"the personalisation {chip.field} has no fallback: contacts "
                                     "without it see nothing there; give it one, like "
                                     f"[[{chip.field}|there]]"))
    return problems


def _shown(runs) -> str:
    return "".join(r.chip.fallback or "xxxxxxxx" if r.chip else r.text for r in runs)


def _luminance(color: str) -> float:
    channels = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


__all__ = ["BlockProblem", "all_chips", "check_blocks", "contrast", "event_properties"]
