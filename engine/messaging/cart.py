"""A contact's cart and purchases, worked out from their events.

Contract: `current_cart(events, products, currency)` takes the contact's commerce events
(name, properties) oldest first and returns what is still in the cart: `added_to_cart`
adds `quantity` (default 1) of a `sku`, `removed_from_cart` takes away `quantity`, or
the whole line when no quantity is given, and `order_completed` empties the cart (what was
ordered is no longer abandoned). Each event names one `sku` in its properties, or several
in an `items` list of objects with `sku` and `quantity`. An item's name, price, URL and
image come from the event when it has them (the price the contact saw), else from the
product catalogue. `purchased_skus(events)` lists the skus of every completed order.
Pure functions: the database queries are in providers.py.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable, Iterator, Mapping

from engine.templating.values import Cart, CartItem, ProductItem, to_amount

ADDED_TO_CART = "added_to_cart"
REMOVED_FROM_CART = "removed_from_cart"
ORDER_COMPLETED = "order_completed"
COMMERCE_EVENTS = (ADDED_TO_CART, REMOVED_FROM_CART, ORDER_COMPLETED)

Events = Iterable[tuple[str, Mapping[str, Any]]]


def lines(properties: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """The item lines of one event: its `items` list, or the event itself."""
    items = properties.get("items")
    if isinstance(items, list):
        yield from (item for item in items if isinstance(item, Mapping) and sku_of(item))
    elif sku_of(properties):
        yield properties


def sku_of(line: Mapping[str, Any]) -> str:
    sku = line.get("sku")
    return str(sku).strip() if isinstance(sku, (str, int)) and not isinstance(sku, bool) else ""


def _quantity(line: Mapping[str, Any], default: int | None) -> int | None:
    value = line.get("quantity")
    if isinstance(value, bool):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def current_cart(events: Events, products: Mapping[str, ProductItem], currency: str) -> Cart:
    quantities: dict[str, int] = {}
    details: dict[str, Mapping[str, Any]] = {}
    for name, properties in events:
        if name == ORDER_COMPLETED:
            quantities.clear()
            continue
        for line in lines(properties):
            sku = sku_of(line)
            if name == ADDED_TO_CART:
                quantities[sku] = quantities.get(sku, 0) + max(_quantity(line, 1) or 0, 0)
                details[sku] = line
            elif name == REMOVED_FROM_CART and sku in quantities:
                removed = _quantity(line, None)
                quantities[sku] = 0 if removed is None else quantities[sku] - removed
            if quantities.get(sku, 1) <= 0:
                del quantities[sku]
    return Cart(_item(sku, qty, details[sku], products.get(sku), currency) for sku, qty in quantities.items())


def _item(sku: str, quantity: int, line: Mapping[str, Any], product: ProductItem | None,
          currency: str) -> CartItem:
    def text(key: str) -> str:
        value = line.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        return getattr(product, key, "") if product else ""

    price = to_amount(line.get("price"))
    if price is None:
        price = product.price if product else Decimal("0")
    return CartItem(
        sku=sku,
        name=text("name") or sku,
        price=price,
        quantity=quantity,
        currency=text("currency") or currency,
        url=text("url"),
        image_url=text("image_url"),
    )


def purchased_skus(events: Events) -> list[str]:
    """Skus of every completed order, first purchase first, without repeats."""
    seen: dict[str, None] = {}
    for name, properties in events:
        if name == ORDER_COMPLETED:
            seen.update((sku_of(line), None) for line in lines(properties))
    return list(seen)
