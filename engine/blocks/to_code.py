"""Blocks → code: turn a block email into a Markdown or HTML template, one way.

Contract: `to_code(template, format, brand=None)` returns the same email as a code
template (`format` "markdown" or "html"), never changing its input:
- "html": the compiled page itself (layout "none"), with the block email's text part as
  its hand-written text, so it looks and reads exactly as before; the brand kit's values
  are written into it.
- "markdown": the blocks as Markdown and template code in the "basic" layout (which adds
  the header and the footer): headings, paragraphs, lists, links, images, buttons as
  links, product grids as lists, the coupon's code and expiry; columns become one after
  the other, dividers `---`; spacers, social icons and the design are not kept.
Chips become `{{ contact.first_name | default("there") }}`; typed text stays text
(`{{` is written so it shows as typed). `CODE_WARNING` is what the editor shows before it
converts; the conversion is one edit of the journey, so undo brings the blocks back.
"""

from __future__ import annotations

import re

from engine.blocks import jinja_bits
from engine.blocks.brand import BrandKit
from engine.blocks.compile import DEFAULT_BRAND, compile_blocks, line_source
from engine.blocks.inline import LineBreak, ListBlock, Paragraph, parse_line, parse_paragraphs
from engine.blocks.mjml_source import SOCIAL_NAMES

CODE_WARNING = (
    "Converting to code is one way: the email becomes {format} and template code, and can "
    "no longer be edited as blocks. The brand kit no longer draws it (later changes to the "
    "brand will not show in it), and the checks of blocks no longer apply. Undo brings the "
    "blocks back.")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]])")


def code_warning(format: str) -> str:
    return CODE_WARNING.format(format={"markdown": "Markdown", "html": "HTML"}[format])


def to_code(template, format: str, brand: BrandKit | None = None):
    if template.format != "blocks":
        raise ValueError(f"the email is already {template.format}")
    brand = brand or DEFAULT_BRAND
    lines = {"subject": line_source(template.subject),
             "preheader": line_source(template.preheader),
             "from_name": line_source(template.from_name)}
    if format == "html":
        page = compile_blocks(template.blocks, brand, template.preheader, template.subject)
        text = line_source(template.text) if template.text is not None else page.text
        return template.model_copy(update={**lines, "format": "html", "layout": "none",
                                           "body": page.html, "blocks": None, "text": text})
    if format != "markdown":
        raise ValueError(f"there is no code format {format!r}")
    body = "\n\n".join(part for block in template.blocks.blocks for part in _markdown(block))
    text = line_source(template.text) if template.text is not None else None
    return template.model_copy(update={**lines, "format": "markdown", "layout": "basic",
                                       "body": body + "\n", "blocks": None, "text": text})


def _markdown(block) -> list[str]:
    kind = block.type
    if kind == "columns":
        return [part for column in block.columns for inner in column.blocks
                for part in _markdown(inner)]
    if kind == "heading":
        return ["#" * block.level + " " + _runs(parse_line(block.text))]
    if kind == "text":
        parts = []
        for item in parse_paragraphs(block.text):
            if isinstance(item, Paragraph):
                parts.append(_runs(item.runs))
            else:
                parts.append("\n".join((f"{n}. " if item.ordered else "- ") + _runs(runs)
                                       for n, runs in enumerate(item.items, 1)))
        return parts
    if kind == "image":
        if not block.src:
            return []
        image = f"![{_escape(block.alt)}]({block.src})"
        return [f"[{image}]({jinja_bits.url(block.link)})" if block.link else image]
    if kind == "button":
        return [f"[{_runs(parse_line(block.label))}]({jinja_bits.url(block.url or '#')})"]
    if kind == "divider":
        return ["---"]
    if kind == "social":
        return [" · ".join(f"[{SOCIAL_NAMES[link.network]}]({jinja_bits.url(link.url)})"
                           for link in block.links)] if block.links else []
    if kind == "products":
        name, price, link = jinja_bits.product_lines(block)
        shown = f"[{name}]({link})" if block.show_button else name
        if block.show_price:
            shown += jinja_bits.price_separator(block) + price
        loop = (f"{{% for item in {jinja_bits.product_source(block)} %}}\n{{% if item %}}\n"
                f"- {shown}\n{{% endif %}}\n{{% endfor %}}")
        total = jinja_bits.total(block)
        if total:  # "{% if … %}Total: …{% endif %}", bold and on lines of its own
            opening, rest = total.split("%}", 1)
            loop += f"\n\n{opening}%}}\n**{rest[:-len('{% endif %}')]}**\n{{% endif %}}"
        return [loop]
    if kind == "coupon":
        name = jinja_bits.coupon_name(block)
        return [f"{{% set {name} = coupon({block.percent}, {block.valid_days}) %}}\n"
                f"{_runs(parse_line(block.text))}",
                f"## {{{{ {name}.code }}}}",
                f"{_escape(block.expiry_label)} {jinja_bits.coupon_expiry(block)}."]
    if kind == "footer":  # the layout's footer carries the address and the unsubscribe link
        return [_runs(parse_line(block.note))] if block.note else []
    return []


def _runs(runs) -> str:
    out = []
    for run in runs:
        if isinstance(run, LineBreak):
            out.append("  \n")
            continue
        piece = jinja_bits.chip(run.chip) if run.chip else _escape(run.text)
        if run.italic:
            piece = f"*{piece}*"
        if run.bold:
            piece = f"**{piece}**"
        if run.href:
            piece = f"[{piece}]({jinja_bits.url(run.href)})"
        out.append(piece)
    return "".join(out)


def _escape(text: str) -> str:
    """Typed text in Markdown: its marks and HTML shown as typed, never template code."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return jinja_bits.literal(_MARKDOWN_SPECIAL.sub(r"\\\1", text))
