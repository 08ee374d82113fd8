"""The data behind an email, from the database.

Contract: `build_render_context(session, contact, ...)` returns the `RenderContext` for one
email to one contact: the shop from the app settings, signed unsubscribe and view links,
and a `DatabaseData` provider that looks up the cart, recommendations and coupon only when
the template asks, once per email. Events after `now` are ignored (a virtual clock may
stand before events a simulation already holds). Pass one `Catalog` for a whole batch:
without it each email builds its own, which reads every order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import Event, Product
from engine.messaging.cart import COMMERCE_EVENTS, current_cart, lines, purchased_skus, sku_of
from engine.messaging.context import RenderContext
from engine.messaging.coupons import issue_coupon
from engine.messaging.recommendations import Catalog, product_item, recommend
from engine.messaging.tokens import LinkBuilder
from engine.messaging.values import Cart, ContactInfo, CouponView, ProductItem, ShopInfo
from engine.settings import load_settings


def load_shop(session: Session) -> ShopInfo:
    settings = load_settings(session)
    return ShopInfo(settings.sender_name, settings.postal_address, settings.website)


class DatabaseData:
    """`DataProvider` for one contact and one email step, answers memoised per email."""

    def __init__(self, session: Session, contact_id: int, *, journey_id: int | None,
                 node_id: str, now: datetime, currency: str, catalog: Catalog | None = None):
        self.session = session
        self.contact_id = contact_id
        self.journey_id = journey_id
        self.node_id = node_id
        self.now = now
        self.currency = currency
        self._catalog = catalog
        self._events: list[tuple[str, Mapping[str, Any]]] | None = None
        self._cart: Cart | None = None
        self._coupons: dict[tuple[int, int], CouponView] = {}

    def events(self) -> list[tuple[str, Mapping[str, Any]]]:
        if self._events is None:
            rows = self.session.execute(
                select(Event.name, Event.properties)
                .where(Event.contact_id == self.contact_id, Event.name.in_(COMMERCE_EVENTS),
                       Event.occurred_at <= self.now)
                .order_by(Event.occurred_at, Event.id)
            )
            self._events = [(name, props or {}) for name, props in rows]
        return self._events

    def cart(self) -> Cart:
        if self._cart is None:
            events = self.events()
            skus = {sku_of(line) for _, props in events for line in lines(props)}
            products = (
                self._catalog.products if self._catalog is not None
                else {p.sku: product_item(p) for p in self.session.scalars(
                    select(Product).where(Product.sku.in_(skus)))}
            )
            self._cart = current_cart(events, products, self.currency)
        return self._cart

    def recommendations(self, n: int) -> Sequence[ProductItem]:
        if self._catalog is None:
            self._catalog = Catalog.load(self.session)
        in_cart = [item.sku for item in self.cart()]
        return recommend(self._catalog, purchased_skus(self.events()), in_cart, n)

    def coupon(self, percent: int, valid_days: int) -> CouponView:
        key = (percent, valid_days)
        if key not in self._coupons:
            self._coupons[key] = issue_coupon(
                self.session, contact_id=self.contact_id, journey_id=self.journey_id,
                node_id=self.node_id, percent=percent, valid_days=valid_days, now=self.now,
            )
        return self._coupons[key]


def build_render_context(
    session: Session,
    contact: Any,
    *,
    now: datetime,
    links: LinkBuilder,
    message_key: str,
    journey_id: int | None = None,
    node_id: str = "",
    event: Mapping[str, Any] | None = None,
    catalog: Catalog | None = None,
    shop: ShopInfo | None = None,
    track: bool = True,
) -> RenderContext:
    """The context of one email; `contact` is a `Contact` row or the engine's mapping."""
    info = ContactInfo.of(contact)
    if info.id is None:
        raise ValueError("build_render_context needs a stored contact (with an id)")
    shop = shop or load_shop(session)
    return RenderContext(
        contact=info,
        shop=shop,
        data=DatabaseData(session, info.id, journey_id=journey_id, node_id=node_id, now=now,
                          currency=shop.currency, catalog=catalog),
        now=now,
        unsubscribe_url=links.unsubscribe_url(message_key, info.id),
        view_in_browser_url=links.view_url(message_key),
        event=event or {},
        message_key=message_key,
        links=links if track else None,
    )
