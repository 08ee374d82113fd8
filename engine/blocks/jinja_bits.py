"""The template code blocks compile to: chips, product sources, coupons, literal text.

Contract: every piece of Jinja a block email ever contains is written here, from checked
block fields, so what a marketer types can never become template code:
- `chip(field, fallback)`   `{{ contact.first_name | default("there") }}`; the fallback is
                            a string literal with every character outside [A-Za-z0-9 ]
                            escaped, so no quote or brace can end it
- `literal(text)`           text with every Jinja opener (`{{`, `{%`, `{#`) neutralised
- `product_source(block)`   the loop's iterable (`cart[:3]`, `recommendations(3)`, …)
- `coupon_name(block)`      the variable a coupon block's `{% set %}` fills
The chips and commerce calls are those of the existing sandbox (engine/messaging), so a
block email renders exactly like a hand-written template.
"""

from __future__ import annotations

import re

from engine.blocks.inline import Chip

_OPENER = re.compile(r"\{(?=[{%#])")
_OPEN_BRACE = '{{ "{" }}'


def string_literal(text: str) -> str:
    out = []
    for ch in text:
        if ch.isascii() and (ch.isalnum() or ch == " "):
            out.append(ch)
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def chip(value: Chip) -> str:
    return f"{{{{ {value.field} | default({string_literal(value.fallback)}) }}}}"


def literal(text: str) -> str:
    """Text that renders as itself in a Jinja template."""
    return _OPENER.sub(_OPEN_BRACE, text)


def product_source(block) -> str:
    if block.source == "cart":
        return f"cart[:{block.count}]"
    if block.source in ("recommendations", "alternatives"):
        return f"{block.source}({block.count})"
    calls = ", ".join(f"product({string_literal(sku)})" for sku in block.skus)
    return f"[{calls}]"


def coupon_name(block) -> str:
    return "coupon_" + re.sub(r"[^A-Za-z0-9]", "_", block.id)
