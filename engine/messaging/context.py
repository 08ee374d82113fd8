"""What one email may show: `RenderContext`, and the variables a template sees.

Contract: a `RenderContext` is plain data plus a `DataProvider` for what needs looking up
(the cart, recommendations, coupons), so rendering is testable without a database:
`providers.build_render_context` makes one from a Session, `sample.sample_context` makes
one for previews and lint. `variables(with_cart)` is the template namespace:

    contact              email, first_name, last_name, full_name, timezone, country,
                         locale, lead_score, attributes.<x>, and custom fields flat: <x>
    event                the trigger event's properties
    cart                 items (sku, name, price, quantity, subtotal, url, image_url,
                         currency), plus cart.total and cart.quantity
    recommendations(n)   up to n products (1–12): sku, name, price, currency, category,
                         url, image_url
    alternatives(n)      up to n best sellers of the cart's categories, neither in the cart
                         nor bought (may be fewer, or none)
    product(sku)         the catalogue product with that sku, or None (an empty or unknown
                         sku), e.g. `product(event.sku | default(''))`
    coupon(percent, valid_days)   code, percent, expires_at; prints as the code
    in_segment(name)     True when the contact is in that saved segment now (content per
                         segment: `{% if in_segment('VIP') %}`); an unknown name fails
    unsubscribe_url, view_in_browser_url
    shop                 name, postal_address, website, currency
    now                  the engine's clock, for date filters

The cart is only looked up when a template mentions it (`with_cart`). Providers may be
called more than once per email (the HTML and the text are rendered from the same
template) and must answer the same each time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping, Protocol, Sequence

from engine.messaging.tokens import LinkBuilder
from engine.templating.templates import RenderError
from engine.templating.values import Cart, ContactInfo, CouponView, ProductItem, Record, ShopInfo

MAX_RECOMMENDATIONS = 12
#: the names a template may use without defining them
VARIABLES = frozenset(
    {"contact", "event", "cart", "recommendations", "alternatives", "product", "coupon",
     "unsubscribe_url", "view_in_browser_url", "shop", "now", "in_segment"}
)


class DataProvider(Protocol):
    def cart(self) -> Cart: ...

    def recommendations(self, n: int) -> Sequence[ProductItem]: ...

    def alternatives(self, n: int) -> Sequence[ProductItem]: ...

    def product(self, sku: str) -> ProductItem | None: ...

    def coupon(self, percent: int, valid_days: int) -> CouponView: ...


@dataclass
class RenderContext:
    contact: ContactInfo
    shop: ShopInfo
    data: DataProvider
    now: datetime
    unsubscribe_url: str
    view_in_browser_url: str
    event: Mapping[str, Any] = field(default_factory=dict)
    #: the message's idempotency key: it goes into tracking and unsubscribe tokens
    message_key: str = ""
    #: set to track opens and clicks (links are rewritten after rendering)
    links: LinkBuilder | None = None

    def variables(self, with_cart: bool) -> dict[str, Any]:
        names: dict[str, Any] = {
            "contact": self.contact.as_record(),
            "event": Record(self.event, "event"),
            "shop": self.shop.as_record(),
            "now": self.now,
            "unsubscribe_url": self.unsubscribe_url,
            "view_in_browser_url": self.view_in_browser_url,
            "recommendations": self._recommendations,
            "alternatives": self._alternatives,
            "product": self._product,
            "coupon": self._coupon,
            "in_segment": self._in_segment,
        }
        if with_cart:
            names["cart"] = self.data.cart()
        return names

    def _recommendations(self, n: int = 3) -> Sequence[ProductItem]:
        _check_whole("recommendations(n)", "n", n, 1, MAX_RECOMMENDATIONS)
        return tuple(self.data.recommendations(n))

    def _alternatives(self, n: int = 3) -> Sequence[ProductItem]:
        _check_whole("alternatives(n)", "n", n, 1, MAX_RECOMMENDATIONS)
        return tuple(self.data.alternatives(n))

    def _product(self, sku: Any) -> ProductItem | None:
        # An absent sku is an answer, not an error: the template's `{% if %}` handles it.
        if isinstance(sku, bool) or not isinstance(sku, (str, int)) or not str(sku).strip():
            return None
        return self.data.product(str(sku).strip())

    def _coupon(self, percent: int, valid_days: int = 7) -> CouponView:
        _check_whole("coupon(percent, valid_days)", "percent", percent, 1, 100)
        _check_whole("coupon(percent, valid_days)", "valid_days", valid_days, 1, 365)
        return self.data.coupon(percent, valid_days)


    def _in_segment(self, name: Any) -> bool:
        if not isinstance(name, str) or not name.strip():
            raise RenderError("in_segment(name): name the saved segment, e.g. in_segment('VIP')")
        answer = getattr(self.data, "in_segment", None)  # providers without segments: no
        return bool(answer(name.strip())) if answer is not None else False


def _check_whole(call: str, name: str, value: Any, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RenderError(f"{call}: {name} must be a whole number from {low} to {high}")
