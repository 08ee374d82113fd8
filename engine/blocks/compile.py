"""Compile a block email: blocks → responsive HTML and plain-text Jinja sources.

Contract: `compile_blocks(doc, brand, preheader, subject)` returns `CompiledBlocks(html, text)`:
two Jinja sources, for the HTML and the text sandboxes of engine/messaging, that render
like any template (chips, `coupon(...)`, `cart`, `recommendations(n)` …). The HTML is a
whole page (MJML compiled by MRML through mjml-python: tables for Outlook, columns that
stack on phones) with the subject as its title, the preheader and the footer; it needs
no layout. Compiled sources are cached per (blocks, brand kit, preheader, subject): the blocks of a template compile
once per process, and a change of the brand kit is a new entry, so it shows everywhere.
`line_source(text)` turns a subject, preheader or from name with chips into Jinja;
`email_sources(template, brand)` all the sources of a block email at once, memoised by
the document and kit objects (an O(1) look-up per email when sending).
`as_template(template, brand)` is the code template (format "html", layout "none") the
sending path renders for a block email; `CompileError` (a `RenderError`) when MJML
refuses the page, which the block model should make impossible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import mjml

from engine.blocks import jinja_bits
from engine.blocks.brand import BrandKit
from engine.blocks.inline import parse_chips
from engine.blocks.mjml_source import HOLE, mjml_source
from engine.blocks.model import BlockDocument
from engine.blocks.text_source import line, text_source
from engine.templating.templates import RenderError

_HOLE = re.compile(HOLE.format(r"(\d+)"))
_OPENER = re.compile(r"\{(?=[{%#])")
DEFAULT_BRAND = BrandKit()


class CompileError(RenderError):
    """MJML refused a page (a bug in the blocks' MJML, never the marketer's input)."""


@dataclass(frozen=True, slots=True)
class CompiledBlocks:
    html: str
    text: str


@lru_cache(maxsize=1024)
def line_source(value: str) -> str:
    return line(parse_chips(value))


@lru_cache(maxsize=256)
def compile_blocks(doc: BlockDocument, brand: BrandKit = DEFAULT_BRAND,
                   preheader: str = "", subject: str = "") -> CompiledBlocks:
    source, holes = mjml_source(doc, brand, parse_chips(preheader), parse_chips(subject))
    try:
        # no web fonts: MJML would link Google Fonts, which tells Google who opened the email
        html = mjml.mjml2html(source, fonts={})
    except Exception as exc:  # the model should make this impossible; one email fails
        raise CompileError(f"this block email could not be laid out ({exc})") from None
    # MJML's own CSS never opens Jinja, but a '{' it writes next to one must not either
    html = _OPENER.sub('{{ "{" }}', html)
    html = _HOLE.sub(lambda found: holes[int(found.group(1))], html)
    return CompiledBlocks(html, text_source(doc, brand))


@dataclass(frozen=True, slots=True)
class EmailSources:
    """Everything a block email renders, as Jinja: what render.py compiles."""

    subject: str
    preheader: str
    from_name: str
    html: str
    text: str
    #: all of it in one text, for looking up which data the email uses
    joined: str


_MEMO: dict[tuple, tuple] = {}
MEMO_SIZE = 256


def email_sources(template, brand: BrandKit | None = None) -> EmailSources:
    """The sources of a block email, from a memo keyed by the (immutable) blocks and brand
    kit objects themselves: sending looks them up once or twice per email, and hashing a
    whole document each time would cost more than rendering a short email."""
    brand = brand or DEFAULT_BRAND
    key = (id(template.blocks), id(brand), template.subject, template.preheader,
           template.from_name, template.text)
    found = _MEMO.get(key)
    if found is not None and found[0] is template.blocks and found[1] is brand:
        return found[2]
    page = compile_blocks(template.blocks, brand, template.preheader, template.subject)
    text = line_source(template.text) if template.text is not None else page.text
    lines = (line_source(template.subject), line_source(template.preheader),
             line_source(template.from_name))
    sources = EmailSources(*lines, page.html, text, "\n".join((*lines, page.html, text)))
    if len(_MEMO) >= MEMO_SIZE:
        _MEMO.clear()
    # the objects are kept with their ids, so no other object can take an id meanwhile
    _MEMO[key] = (template.blocks, brand, sources)
    return sources


def as_template(template, brand: BrandKit | None = None):
    """The code template that renders as the block email `template` does."""
    compiled = compile_blocks(template.blocks, brand or DEFAULT_BRAND, template.preheader,
                              template.subject)
    return template.model_copy(update={
        "format": "html", "blocks": None, "layout": "none", "body": compiled.html,
        "subject": line_source(template.subject),
        "preheader": line_source(template.preheader),
        "from_name": line_source(template.from_name),
        "text": template.text if template.text is not None else compiled.text,
    })


__all__ = ["CompiledBlocks", "EmailSources", "as_template", "compile_blocks", "email_sources",
           "jinja_bits", "line_source"]
