"""Blocks → the plain-text part, as a Jinja source for the text sandbox.

Contract: `text_source(doc, brand)` returns a Jinja source (TEXT environment) that renders
the email as readable plain text: headings and paragraphs as they are written, links as
"label (https://…)", list items with "- " or "1. ", buttons as "Label: https://…",
product grids as one item per line with price and link, the coupon's code and expiry,
social links as "Network: https://…", and the footer with the postal address and the
unsubscribe link. An image shows only when it is a link ("alt text: https://…").
Blocks are separated by one blank line; typed text never becomes template code.
"""

from __future__ import annotations

from engine.blocks import jinja_bits
from engine.blocks.brand import BrandKit
from engine.blocks.inline import LineBreak, Paragraph, Run, parse_line, parse_paragraphs
from engine.blocks.model import BlockDocument
from engine.blocks.mjml_source import SOCIAL_NAMES

RULE = "-" * 40


def text_source(doc: BlockDocument, brand: BrandKit) -> str:
    parts = ["{{ shop.name }}"]
    for block in doc.blocks:
        if block.type == "columns":
            parts.extend(_block(inner, brand) for column in block.columns for inner in column.blocks)
        else:
            parts.append(_block(block, brand))
    return "\n\n".join(part for part in parts if part) + "\n"


def line(runs) -> str:
    """Runs as text; a link's address once, after its last run: "label (https://…)"."""
    out, open_link = [], None

    def close() -> None:
        if open_link and not open_link.startswith(("mailto:", "tel:")):
            out.append(f" ({jinja_bits.url(open_link)})")

    for run in runs:
        href = None if isinstance(run, LineBreak) else run.href
        if href != open_link:
            close()
            open_link = href
        if isinstance(run, LineBreak):
            out.append("\n")
        else:
            out.append(jinja_bits.chip(run.chip) if run.chip else jinja_bits.literal(run.text))
    close()
    return "".join(out)


def _block(block, brand: BrandKit) -> str:
    kind = block.type
    if kind == "heading":
        return line(parse_line(block.text))
    if kind == "text":
        items = []
        for item in parse_paragraphs(block.text):
            if isinstance(item, Paragraph):
                items.append(line(item.runs))
            else:
                items.append("\n".join(
                    (f"{n}. " if item.ordered else "- ") + line(runs)
                    for n, runs in enumerate(item.items, 1)))
        return "\n\n".join(items)
    if kind == "image":
        return f"{jinja_bits.literal(block.alt)}: {jinja_bits.url(block.link)}" if block.link and block.alt else ""
    if kind == "button":
        label = line(tuple(Run(r.text, r.chip) for r in parse_line(block.label)))
        return f"{label}: {jinja_bits.url(block.url)}" if block.url else label
    if kind == "divider":
        return RULE
    if kind == "spacer":
        return ""
    if kind == "social":
        return "\n".join(f"{SOCIAL_NAMES[link.network]}: {jinja_bits.url(link.url)}"
                         for link in block.links)
    if kind == "products":
        name, price, link = jinja_bits.product_lines(block)
        if block.show_name and block.show_price:
            first = name + jinja_bits.price_separator(block) + price
        else:
            first = price if block.show_price else name
        if first.endswith("%}"):  # trim_blocks would drop the newline after it
            first += "\n"
        url = f"\n  {link}" if block.show_button else ""
        # a newline right after a block tag is dropped (trim_blocks): the total keeps its own
        total = jinja_bits.total(block)
        total = total[:-len("{% endif %}")] + "\n{% endif %}" if total else ""
        return (f"{{% for item in {jinja_bits.product_source(block)} %}}{{% if item %}}"
                f"- {first}{url}\n{{% endif %}}{{% endfor %}}{total}")
    if kind == "coupon":
        name = jinja_bits.coupon_name(block)
        return (f"{{% set {name} = coupon({block.percent}, {block.valid_days}) %}}"
                f"{line(parse_line(block.text))}\n{{{{ {name}.code }}}}\n"
                f"{jinja_bits.literal(block.expiry_label)} {jinja_bits.coupon_expiry(block)}.")
    if kind == "footer":
        address = (jinja_bits.literal(brand.footer_address) if brand.footer_address
                   else "{{ shop.postal_address }}")
        note = line(parse_line(block.note)) + "\n\n" if block.note else ""
        return f"{RULE}\n{note}{{{{ shop.name }}}} · {address}\nUnsubscribe: {{{{ unsubscribe_url }}}}"
    raise ValueError(f"no text form for block type {kind!r}")
