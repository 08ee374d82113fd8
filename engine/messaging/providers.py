"""The data behind an email, from the database.

Contract: `build_render_context(session, contact, ...)` returns the `RenderContext` for one
email to one contact: the shop from the app settings, signed unsubscribe and view links,
and a `DatabaseData` provider that looks up the cart, recommendations, alternatives,
products and coupon only when the template asks, once per email. Events after `now` are
ignored (a virtual clock may stand before events a simulation already holds).

For a batch of emails, pass what can be shared: one `Catalog` (without it each email
builds its own, which reads every order) and one `CommerceHistory` of the batch's contacts
(one query instead of one per email).
"""

from __future__ import annotations

from datetime import datetime
from collections import defaultdict
from functools import partial
from typing import Any, Callable, Iterable, Mapping, Sequence, TypeVar

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from engine.db.models import Event, Product
from engine.messaging.cart import COMMERCE_EVENTS, current_cart, lines, purchased_skus, sku_of
from engine.messaging.context import RenderContext
from engine.messaging.coupons import issue_coupon
from engine.messaging.recommendations import Catalog, alternatives, product_item, recommend
from engine.messaging.tokens import LinkBuilder
from engine.settings import load_settings
from engine.templating.values import Cart, ContactInfo, CouponView, ProductItem, ShopInfo

T = TypeVar("T")


# built once: constructing a statement costs more than running this one
_COMMERCE = (
    select(Event.name, Event.properties)
    .where(Event.contact_id == bindparam("contact_id"), Event.name.in_(COMMERCE_EVENTS),
           Event.occurred_at <= bindparam("now"))
    .order_by(Event.occurred_at, Event.id)
)


Events = list[tuple[str, Mapping[str, Any]]]


class CommerceHistory:
    """The commerce events of many contacts, oldest first, read in one query."""

    def __init__(self, events: Mapping[int, Events]):
        self._events = events

    @classmethod
    def load(cls, session: Session, contact_ids: Iterable[int], now: datetime) -> "CommerceHistory":
        events: dict[int, Events] = defaultdict(list)
        rows = session.execute(
            select(Event.contact_id, Event.name, Event.properties)
            .where(Event.contact_id.in_(list(contact_ids)), Event.name.in_(COMMERCE_EVENTS),
                   Event.occurred_at <= now)
            .order_by(Event.contact_id, Event.occurred_at, Event.id)
        )
        for contact_id, name, properties in rows:
            events[contact_id].append((name, properties or {}))
        return cls(events)

    def of(self, contact_id: int) -> Events:
        return self._events.get(contact_id, [])


def in_own_transaction(session: Session, work: Callable[[Session], T]) -> T:
    """`work(other)` in a session of its own on the same database, committed at once."""
    bind = session.get_bind()
    if isinstance(bind, Connection):  # bound to one connection: no second one to use
        return work(session)
    with Session(bind) as own, own.begin():
        return work(own)


def load_shop(session: Session) -> ShopInfo:
    settings = load_settings(session)
    return ShopInfo(settings.sender_name, settings.postal_address, settings.website,
                    brand=settings.brand)


class DatabaseData:
    """`DataProvider` for one contact and one email step, answers memoised per email."""

    def __init__(self, session: Session, contact_id: int, *, journey_id: int | None,
                 node_id: str, now: datetime, currency: str, catalog: Catalog | None = None,
                 history: CommerceHistory | None = None, separate_writes: bool = False):
        self.session = session
        #: store coupons in their own short transaction (see build_render_context)
        self.separate_writes = separate_writes
        self.contact_id = contact_id
        self.journey_id = journey_id
        self.node_id = node_id
        self.now = now
        self.currency = currency
        self._catalog = catalog
        self._events = history.of(contact_id) if history is not None else None
        self._cart: Cart | None = None
        self._coupons: dict[tuple[int, int], CouponView] = {}
        self._products: dict[str, ProductItem | None] = {}

    def events(self) -> Events:
        if self._events is None:
            rows = self.session.execute(_COMMERCE, {"contact_id": self.contact_id, "now": self.now})
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

    def alternatives(self, n: int) -> Sequence[ProductItem]:
        if self._catalog is None:
            self._catalog = Catalog.load(self.session)
        in_cart = [item.sku for item in self.cart()]
        return alternatives(self._catalog, in_cart, purchased_skus(self.events()), n)

    def product(self, sku: str) -> ProductItem | None:
        if sku not in self._products:
            if self._catalog is not None:
                found = self._catalog.products.get(sku)
            else:  # one product needs no catalogue (building one reads every order)
                row = self.session.scalar(select(Product).where(Product.sku == sku))
                found = product_item(row) if row is not None else None
            self._products[sku] = found
        return self._products[sku]

    def in_segment(self, name: str) -> bool:
        from engine.segments.membership import is_member
        from engine.segments.store import SegmentNotFound
        from engine.templating.templates import RenderError

        try:
            return is_member(self.session, self.contact_id, name, self.now)
        except SegmentNotFound as error:
            raise RenderError(f"in_segment: {error.args[0]}") from None

    def coupon(self, percent: int, valid_days: int) -> CouponView:
        key = (percent, valid_days)
        if key not in self._coupons:
            issue = partial(issue_coupon, contact_id=self.contact_id, journey_id=self.journey_id,
                            node_id=self.node_id, percent=percent, valid_days=valid_days,
                            now=self.now)
            self._coupons[key] = (in_own_transaction(self.session, issue) if self.separate_writes
                                  else issue(self.session))
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
    history: CommerceHistory | None = None,
    shop: ShopInfo | None = None,
    track: bool = True,
    separate_writes: bool = False,
) -> RenderContext:
    """The context of one email; `contact` is a `Contact` row or the engine's mapping.

    `separate_writes` (the engine's batches): a coupon the email issues is stored and
    committed in its own short transaction, so the batch's transaction takes no write lock
    while it renders (on SQLite the lock is taken at the first write and blocks every other
    writer until the commit). A batch that is rolled back and run again finds the stored
    coupon and shows the same code.
    """
    info = ContactInfo.of(contact)
    if info.id is None:
        raise ValueError("build_render_context needs a stored contact (with an id)")
    shop = shop or load_shop(session)
    return RenderContext(
        contact=info,
        shop=shop,
        data=DatabaseData(session, info.id, journey_id=journey_id, node_id=node_id, now=now,
                          currency=shop.currency, catalog=catalog, history=history,
                          separate_writes=separate_writes),
        now=now,
        unsubscribe_url=links.unsubscribe_url(message_key, info.id),
        view_in_browser_url=links.view_url(message_key),
        event=event or {},
        message_key=message_key,
        links=links if track and links.tracked else None,
    )
