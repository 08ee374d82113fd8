"""Compile a block email: blocks → responsive HTML and plain-text Jinja sources.

Contract: `compile_blocks(doc, brand, preheader)` returns `CompiledBlocks(html, text)`:
two Jinja sources, for the HTML and the text sandboxes of engine/messaging, that render
like any template (chips, `coupon(...)`, `cart`, `recommendations(n)` …). The HTML is a
whole page (MJML compiled by MRML through mjml-python: tables for Outlook, columns that
stack on phones) with the preheader and the footer; it needs no layout. Compiled
sources are cached per (blocks, brand kit, preheader): the blocks of a template compile
once per process, and a change of the brand kit is a new entry, so it shows everywhere.
`line_source(text)` turns a subject, preheader or from name with chips into Jinja.
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
from engine.messaging.templates import RenderError

_HOLE = re.compile(HOLE.format(r"(\d+)"))
_OPENER = re.compile(r"\{(?=[{%#])")
DEFAULT_BRAND = BrandKit()


class CompileError(RenderError):
    """MJML refused a page (a bug in the blocks' MJML, never the marketer's input)."""


@dataclass(frozen=True, slots=True)
class CompiledBlocks:
    html: str
    text: str


def line_source(value: str) -> str:
    return line(parse_chips(value))


@lru_cache(maxsize=256)
def compile_blocks(doc: BlockDocument, brand: BrandKit = DEFAULT_BRAND,
                   preheader: str = "") -> CompiledBlocks:
    source, holes = mjml_source(doc, brand, parse_chips(preheader))
    try:
        html = mjml.mjml2html(source)
    except Exception as exc:  # the model should make this impossible; one email fails
        raise CompileError(f"this block email could not be laid out ({exc})") from None
    # MJML's own CSS never opens Jinja, but a '{' it writes next to one must not either
    html = _OPENER.sub('{{ "{" }}', html)
    html = _HOLE.sub(lambda found: holes[int(found.group(1))], html)
    return CompiledBlocks(html, text_source(doc, brand))


def as_template(template, brand: BrandKit | None = None):
    """The code template that renders as the block email `template` does."""
    compiled = compile_blocks(template.blocks, brand or DEFAULT_BRAND, template.preheader)
    return template.model_copy(update={
        "format": "html", "blocks": None, "layout": "none", "body": compiled.html,
        "subject": line_source(template.subject),
        "preheader": line_source(template.preheader),
        "from_name": line_source(template.from_name),
        "text": template.text if template.text is not None else compiled.text,
    })


__all__ = ["CompiledBlocks", "as_template", "compile_blocks", "jinja_bits", "line_source"]
