"""A sample contact, shop and data: for previews without a contact, and for lint.

Contract: `sample_context(now, ...)` renders any template the way a typical contact would
see it, without a database: a named contact with a cart of two items, a small catalogue
for recommendations and alternatives (`product(sku)` shows one of it for any sku), and a
fixed coupon code (nothing is stored). Custom fields and event properties a template
reads can be given sample values (`attributes`, `event`);
`sample_value(name)` guesses one from the name, so a `…url` is a URL, a `total` is a
number, `items` an order's lines (sku, name, quantity, price) and `order_id` "#1001".
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Mapping, Sequence

from engine.messaging.context import RenderContext
from engine.templating.values import Cart, CartItem, ContactInfo, CouponView, ProductItem, ShopInfo

SAMPLE_CONTACT = ContactInfo(
    id=None, email="alex.rivera@example.com", first_name="Alex", last_name="Rivera",
    timezone="America/New_York", country="US", locale="en-US", lead_score=42,
)
SAMPLE_SHOP = ShopInfo("Your Shop", "1 Example Street, Springfield", "https://example.com")
SAMPLE_PRODUCTS = tuple(
    ProductItem(sku, name, Decimal(price), "USD", category, f"https://example.com/p/{sku}",
                f"https://example.com/img/{sku}.jpg")
    for sku, name, price, category in (
        ("MUG-01", "Stoneware mug", "18.00", "kitchen"),
        ("TEA-02", "Loose-leaf green tea", "12.50", "tea"),
        ("POT-03", "Cast-iron teapot", "64.00", "kitchen"),
        ("BAG-04", "Canvas tote bag", "22.00", "accessories"),
        ("CUP-05", "Glass tea cup, set of 2", "24.00", "kitchen"),
        ("SPN-06", "Bamboo tea spoon", "6.00", "accessories"),
        ("TIN-07", "Airtight tea tin", "15.00", "tea"),
    )
)
SAMPLE_UNSUBSCRIBE_URL = "https://example.com/u/sample"
SAMPLE_VIEW_URL = "https://example.com/v/sample"
_NUMERIC_HINTS = ("total", "price", "amount", "value", "quantity", "count", "score",
                  "number", "discount", "percent")


class SampleData:
    """`DataProvider` with fixed answers; the coupon is never stored."""

    def __init__(self, now: datetime):
        self.now = now

    def cart(self) -> Cart:
        return Cart(
            CartItem(p.sku, p.name, p.price, qty, p.currency, p.url, p.image_url)
            for p, qty in ((SAMPLE_PRODUCTS[0], 2), (SAMPLE_PRODUCTS[1], 1))
        )

    def recommendations(self, n: int) -> Sequence[ProductItem]:
        return SAMPLE_PRODUCTS[2:2 + n]

    def alternatives(self, n: int) -> Sequence[ProductItem]:
        cart = self.cart()
        categories = {p.category for p in SAMPLE_PRODUCTS if p.sku in {i.sku for i in cart}}
        in_cart = {item.sku for item in cart}
        return tuple(p for p in SAMPLE_PRODUCTS
                     if p.category in categories and p.sku not in in_cart)[:n]

    def product(self, sku: str) -> ProductItem | None:
        # any sku shows a product, so a preview of `product(event.sku)` has one to show
        return next((p for p in SAMPLE_PRODUCTS if p.sku == sku), SAMPLE_PRODUCTS[0])

    def in_segment(self, name: str) -> bool:
        return True  # a sample shows the content meant for the segment

    def coupon(self, percent: int, valid_days: int) -> CouponView:
        return CouponView(f"SAVE{percent}-SAMP-LE7K-Q2M9", percent, self.now + timedelta(days=valid_days))


def sample_value(name: str) -> Any:
    lowered = name.lower()
    if lowered == "items":  # an order's lines, as order events carry them
        return [{"sku": p.sku, "name": p.name, "quantity": qty, "price": float(p.price)}
                for p, qty in ((SAMPLE_PRODUCTS[0], 2), (SAMPLE_PRODUCTS[1], 1))]
    if lowered == "revenue":  # those lines' total
        return 48.5
    if lowered in ("order_id", "order_number"):
        return "#1001"
    if lowered.endswith("url") or lowered in ("link", "href"):
        return f"https://example.com/{lowered}"
    if any(hint in lowered for hint in _NUMERIC_HINTS):
        return 42
    return f"Sample {name.replace('_', ' ')}"


def sample_context(
    now: datetime,
    *,
    shop: ShopInfo = SAMPLE_SHOP,
    contact: ContactInfo = SAMPLE_CONTACT,
    attributes: Mapping[str, Any] | None = None,
    event: Mapping[str, Any] | None = None,
) -> RenderContext:
    if attributes:
        contact = replace(contact, attributes={**contact.attributes, **attributes})
    return RenderContext(
        contact=contact, shop=shop, data=SampleData(now), now=now,
        unsubscribe_url=SAMPLE_UNSUBSCRIBE_URL, view_in_browser_url=SAMPLE_VIEW_URL,
        event=dict(event or {}),
    )
