"""The small, safe inline markup of text blocks, and personalisation chips.

Contract:
- Markup is plain text with a few marks, never HTML or template code:
  `**bold**`, `*italic*`, `[label](https://…)` links, `[[contact.first_name|there]]`
  chips (field, then the fallback shown when the contact has no value), a backslash
  escaping the next character (`\\*`, `\\[`). In text blocks, a blank line starts a new
  paragraph, a single newline breaks the line, and lines starting with `- ` (bullets) or
  `1. ` (numbers) make a list.
- `parse_paragraphs(markup)` returns `Paragraph` and `ListBlock` items made of `Run`s;
  `parse_line(markup)` the runs of one line (headings, buttons); `parse_chips(text)` only
  the chips of a subject or preheader, every other character as written. Parsing never
  fails: marks that are not closed are text.
- A chip's field is `contact.NAME`, `shop.NAME`, `event.NAME` (a property of the event
  that started the journey) or `product.NAME` (`PRODUCT_FIELDS` of the catalogue product
  whose sku the event carries, e.g. the viewed product) (`CHIP_FIELD_PATTERN`);
  `chip_token(field, fallback)` writes one, `chips_in(markup)` finds them all.
- `check_line(text)` does the same for a subject, preheader or from name (chips only);
- `check_markup(markup)` returns what is wrong in words (a chip with a malformed field, a
  link that is not http(s), mailto or tel), or None; the block model calls it, so a
  document never holds one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

#: what a `product.NAME` chip can show of the trigger event's product (its `sku`)
PRODUCT_FIELDS = ("name", "price", "url", "image_url", "category", "sku")
CHIP_FIELD_PATTERN = (r"(?:(?:contact|shop|event)\.[A-Za-z][A-Za-z0-9_]{0,63}"
                      r"|product\.(?:" + "|".join(PRODUCT_FIELDS) + r"))")
_CHIP_FIELD = re.compile(CHIP_FIELD_PATTERN)
#: link targets a marketer may write; `javascript:` and friends never reach an email
LINK_SCHEMES = ("https://", "http://", "mailto:", "tel:")
#: chips a link may start with: addresses of the shop's own pages
LINK_START_FIELDS = ("shop.website", "product.url")

_CHIP = re.compile(r"\[\[([^\[\]|]*)(?:\|((?:[^\]]|\](?!\]))*))?\]\]")
_LINK = re.compile(r"\[((?:\\.|[^\]\\])+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(?=\S)((?:\\.|.)+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"\*(?=[^\s*])((?:\\.|[^*])+?)(?<=\S)\*")
_ESCAPE = re.compile(r"\\([\\*\[\]()_`|])")
_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_NUMBER = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")


@dataclass(frozen=True, slots=True)
class Chip:
    field: str
    fallback: str = ""

    @property
    def token(self) -> str:
        return chip_token(self.field, self.fallback)


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of one line: text or a chip, with its marks."""

    text: str = ""
    chip: Chip | None = None
    bold: bool = False
    italic: bool = False
    href: str | None = None


@dataclass(frozen=True, slots=True)
class LineBreak:
    pass


@dataclass(frozen=True, slots=True)
class Paragraph:
    runs: tuple[Run | LineBreak, ...]


@dataclass(frozen=True, slots=True)
class ListBlock:
    ordered: bool
    items: tuple[tuple[Run, ...], ...]


def chip_token(field: str, fallback: str = "") -> str:
    """The markup of a chip; `]]` and `|` cannot be part of a fallback and are dropped."""
    fallback = fallback.replace("]]", "").replace("|", "")
    return f"[[{field}|{fallback}]]" if fallback else f"[[{field}]]"


def chips_in(markup: str) -> list[Chip]:
    return [run.chip for run in _all_runs(markup) if run.chip is not None]


def parse_chips(markup: str) -> tuple[Run, ...]:
    """Text and chips only, every other character as written (subjects, preheaders); a
    `[[…]]` that names no field is text (`check_line` reports it)."""
    runs, at = [], 0
    for found in _CHIP.finditer(markup):
        field = found.group(1).strip()
        if not _CHIP_FIELD.fullmatch(field):
            continue
        if found.start() > at:
            runs.append(Run(markup[at:found.start()]))
        runs.append(Run("", Chip(field, (found.group(2) or "").strip())))
        at = found.end()
    if at < len(markup):
        runs.append(Run(markup[at:]))
    return tuple(runs)


def parse_line(markup: str) -> tuple[Run, ...]:
    return tuple(_runs(markup.replace("\n", " "), False, False, None))


def parse_paragraphs(markup: str) -> list[Paragraph | ListBlock]:
    items: list[Paragraph | ListBlock] = []
    for chunk in re.split(r"\n[ \t]*\n", markup.strip("\n")):
        lines = [line for line in chunk.split("\n")]
        if not any(line.strip() for line in lines):
            continue
        pending: list[str] = []
        kind: bool | None = None  # the list being read: True numbered, False bullets
        list_items: list[tuple[Run, ...]] = []
        for line in lines:
            bullet, number = _BULLET.match(line), _NUMBER.match(line)
            found = bullet or number
            if found:
                if pending:
                    items.append(_paragraph(pending))
                    pending = []
                ordered = number is not None and bullet is None
                if kind is not None and ordered != kind:
                    items.append(ListBlock(kind, tuple(list_items)))
                    list_items = []
                kind = ordered
                list_items.append(parse_line(found.group(1)))
            elif kind is not None and line.startswith((" ", "\t")) and list_items:
                list_items[-1] += (Run(" "),) + parse_line(line.strip())
            else:
                if kind is not None:
                    items.append(ListBlock(kind, tuple(list_items)))
                    kind, list_items = None, []
                pending.append(line)
        if kind is not None:
            items.append(ListBlock(kind, tuple(list_items)))
        if pending:
            items.append(_paragraph(pending))
    return items


def check_markup(markup: str) -> str | None:
    problem = check_line(markup)
    if problem:
        return problem
    for run in _all_runs(markup):
        if run.href is not None:
            problem = check_url(run.href)
            if problem:
                return problem
    return None


def check_line(value: str) -> str | None:
    """What is wrong with a subject, preheader or from name of a block email, or None."""
    for found in _CHIP.finditer(value):
        if not _CHIP_FIELD.fullmatch(found.group(1).strip()):
            return _not_a_field(Chip(found.group(1).strip()))
    return None


def check_url(url: str) -> str | None:
    """What is wrong with a link (None: nothing). A link starts with https://, http://,
    mailto: or tel:, or with the shop's address `[[shop.website]]` or the event's product's
    `[[product.url]]` (the shop's address when there is none); chips may fill parts
    of it (`…?ref=[[contact.plan|none]]`)."""
    parts = url_parts(url)
    for part in parts:
        if isinstance(part, Chip) and not _CHIP_FIELD.fullmatch(part.field):
            return _not_a_field(part)
    starts_with_site = bool(parts) and isinstance(parts[0], Chip) and \
        parts[0].field in LINK_START_FIELDS
    literal = "".join(part for part in parts if isinstance(part, str))
    if not starts_with_site and not url.lower().startswith(LINK_SCHEMES):
        return (f"the link {url!r} must start with https://, http://, mailto:, tel:, "
                "[[shop.website]] or [[product.url]]")
    if any(ch in literal for ch in ' "<>\'`') or any(ord(ch) < 32 for ch in literal):
        return f"the link {url!r} has spaces or quotes: copy it again from the browser"
    return None


def url_parts(url: str) -> list:
    """A link as its pieces: text, and the chips that fill parts of it."""
    return [run.chip or run.text for run in parse_chips(url)]


def _not_a_field(chip: Chip) -> str:
    return (f"the personalisation [[{chip.field}]] is not a field: use contact.NAME, "
            "shop.NAME, event.NAME or product." + "/".join(PRODUCT_FIELDS))


def plain(runs: tuple[Run | LineBreak, ...] | tuple[Run, ...]) -> str:
    """The runs' text without marks, chips as their fallback (for checks and titles)."""
    return "".join("\n" if isinstance(r, LineBreak) else
                   (r.chip.fallback if r.chip else r.text) for r in runs)


def _paragraph(lines: list[str]) -> Paragraph:
    runs: list[Run | LineBreak] = []
    for n, line in enumerate(lines):
        if n:
            runs.append(LineBreak())
        runs.extend(parse_line(line.strip()))
    return Paragraph(tuple(runs))


def _all_runs(markup: str) -> Iterator[Run]:
    for item in parse_paragraphs(markup):
        if isinstance(item, Paragraph):
            yield from (r for r in item.runs if isinstance(r, Run))
        else:
            for runs in item.items:
                yield from runs


def _runs(text: str, bold: bool, italic: bool, href: str | None) -> Iterator[Run]:
    """Runs of `text` (marks found left to right; the earliest mark wins)."""
    while text:
        best = None
        for kind, pattern in (("chip", _CHIP), ("link", _LINK), ("bold", _BOLD),
                              ("italic", _ITALIC), ("escape", _ESCAPE)):
            if kind == "link" and href is not None:
                continue  # no link inside a link
            found = pattern.search(text)
            if found and (best is None or found.start() < best[1].start()):
                best = (kind, found)
        if best is None:
            yield Run(text, None, bold, italic, href)
            return
        kind, found = best
        if found.start():
            yield Run(text[:found.start()], None, bold, italic, href)
        if kind == "chip":
            field = found.group(1).strip()
            if _CHIP_FIELD.fullmatch(field):
                yield Run("", Chip(field, (found.group(2) or "").strip()), bold, italic, href)
            else:  # never code: shown as typed (and check_markup refuses it)
                yield Run(found.group(0), None, bold, italic, href)
        elif kind == "link":
            yield from _runs(found.group(1), bold, italic, found.group(2))
        elif kind == "bold":
            yield from _runs(found.group(1), True, italic, href)
        elif kind == "italic":
            yield from _runs(found.group(1), bold, True, href)
        else:
            yield Run(found.group(1), None, bold, italic, href)
        text = text[found.end():]
