"""The template code blocks compile to: chips, product sources, coupons, literal text.

Contract: every piece of Jinja a block email ever contains is written here, from checked
block fields, so what a marketer types can never become template code:
- `chip(field, fallback)`   `{{ contact.first_name | default("there") }}` (a `product.NAME`
                            chip: the event's product's, or the fallback); the fallback is
                            a string literal with every character outside [A-Za-z0-9 ]
                            escaped, so no quote or brace can end it
- `literal(text)`           text in which no `{` can open a tag (each is printed by code)
- `product_source(block)`   the loop's iterable (`cart[:3]`, `recommendations(3)`,
                            alternatives falling back to recommendations, the trigger
                            event's order lines `event.items` or its product
                            `product(event.sku)` — nothing when there is no event)
- `product_lines(block)`    a grid item's name, price and link (a cart item: with its
                            quantity and subtotal)
- `coupon_name(block)`      the variable a coupon block's `{% set %}` fills
- `url(link, literal_text)`  a link's pieces: `[[shop.website]]` at its start as it is,
                            other chips URL-encoded
The chips and commerce calls are those of the existing sandbox (engine/messaging), so a
block email renders exactly like a hand-written template.
"""

from __future__ import annotations

import re

from engine.blocks.inline import Chip, url_parts

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


#: the catalogue product whose sku the trigger event carries (None: no event, no such sku)
EVENT_PRODUCT = 'product(event.sku | default(""))'
#: the trigger event's order lines, or nothing when the event has none (a preview)
EVENT_ITEMS = ("(event.items[:{count}] if event.items is defined and event.items is not none "
               "and event.items is not string and event.items is not number else ())")


def chip_expression(value: Chip) -> str:
    """The Jinja expression a chip prints: the value, or the fallback when there is none."""
    fallback = string_literal(value.fallback)
    root, name = value.field.split(".", 1)
    if root != "product":
        return f"{value.field} | default({fallback})"
    # the event's product: looked up by sku (cached per email), absent without an event
    if name == "price":
        return (f"({EVENT_PRODUCT}.price | money({EVENT_PRODUCT}.currency)) "
                f"if {EVENT_PRODUCT} else {fallback}")
    return f"({EVENT_PRODUCT}.{name} or {fallback}) if {EVENT_PRODUCT} else {fallback}"


def chip(value: Chip) -> str:
    return f"{{{{ {chip_expression(value)} }}}}"


def literal(text: str) -> str:
    """Text that renders as itself in a Jinja template: every `{` is written as code that
    prints one, so no `{` can open a tag — not even with a chip's `{{` right after it."""
    return text.replace("{", _OPEN_BRACE)


#: how every use of the cart in a block email begins (render.py looks for it)
CART_CODE = "cart["


def product_source(block) -> str:
    if block.source == "cart":
        return f"{CART_CODE}:{block.count}]"
    if block.source == "alternatives":  # none in the cart's categories: best sellers
        return f"alternatives({block.count}) or recommendations({block.count})"
    if block.source == "recommendations":
        return f"recommendations({block.count})"
    if block.source == "event_items":
        return EVENT_ITEMS.format(count=block.count)
    if block.source == "event_product":
        return f"[{EVENT_PRODUCT}]"
    calls = ", ".join(f"product({string_literal(sku)})" for sku in block.skus)
    return f"[{calls}]"


def coupon_name(block) -> str:
    return "coupon_" + re.sub(r"[^A-Za-z0-9]", "_", block.id)


def url(value: str, literal_text=literal, code=str) -> str:
    """A link as Jinja: `literal_text(piece)` for typed text, `code(jinja)` for the chips —
    the shop's address as it is at the start, any other value URL-encoded."""
    pieces = []
    for n, part in enumerate(url_parts(value)):
        if isinstance(part, str):
            pieces.append(literal_text(part))
        elif n == 0 and part.field == "shop.website":
            pieces.append(code("{{ shop.website }}"))
        elif n == 0 and part.field == "product.url":
            pieces.append(code(f"{{{{ ({EVENT_PRODUCT}.url if {EVENT_PRODUCT} else none) "
                               "or shop.website }}"))
        else:
            pieces.append(code(f"{{{{ ({chip_expression(part)}) | urlencode }}}}"))
    return "".join(pieces)


def product_lines(block) -> tuple[str, str, str]:
    """(name, price, link) of one grid item `item`, as Jinja."""
    if block.source == "cart":
        return ("{{ item.name }} × {{ item.quantity }}",
                "{{ item.subtotal | money(item.currency) }}", "{{ item.url or shop.website }}")
    if block.source == "event_items":
        # an order line as the event carries it: any field may be missing
        return ('{{ item.name | default(item.sku | default("Item")) }} × '
                "{{ item.quantity | default(1) }}",
                EVENT_ITEM_PRICE, "{{ item.url | default(shop.website) }}")
    return "{{ item.name }}", "{{ item.price | money(item.currency) }}", "{{ item.url or shop.website }}"


CART_TOTAL = "{% if cart %}Total: {{ cart.total | money }}{% endif %}"
#: an order line's price, "each" when it is for more than one; nothing when it has none
EVENT_ITEM_PRICE = ("{% if item.price is number %}{{ item.price | money(item.currency "
                    "| default(none)) }}"
                    "{% if item.quantity | default(1) is number and item.quantity | default(1) > 1 %}"
                    " each{% endif %}{% endif %}")
#: the order's total, when the event carries one (in the shop's currency)
EVENT_TOTAL = "{% if event.revenue is number %}Total: {{ event.revenue | money }}{% endif %}"


def price_separator(block) -> str:
    """What goes between a grid item's name and price in text: " — ", or for an order line
    of the event only when it has a price."""
    if block.source == "event_items":
        return "{% if item.price is number %} — {% endif %}"
    return " — "


def total(block) -> str:
    """The total under a grid of the cart or of the event's items ("" for other sources)."""
    if not block.show_price:
        return ""
    return {"cart": CART_TOTAL, "event_items": EVENT_TOTAL}.get(block.source, "")


def coupon_expiry(block) -> str:
    style = '("datetime")' if block.show_time else ""
    return f"{{{{ {coupon_name(block)}.expires_at | date{style} }}}}"
