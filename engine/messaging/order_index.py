"""What sells together: the co-occurrence of all completed orders, kept per database.

Contract: `order_counts(session)` returns `(together, sales)` over every `order_completed`
event the session can see: `together[a][b]` is how many orders hold both skus a and b,
`sales[a]` how many orders hold a (an order counts each sku once). `count_orders(orders)`
does the same for skus given in memory.

Why a cache: recommendations need these counts, and reading 100,000 orders takes seconds,
while a live engine asks for them in every batch that sends a recommendation email. So the
first call on a database reads every order, and later calls read only the orders stored
since (events are never edited), then share everything that did not change. Each answer is
a fresh pair of dicts that is never changed afterwards, so readers in other threads are
safe. When the orders no longer add up (a contact was deleted with their events, or on
PostgreSQL a transaction committed an older id late), everything is read again.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.db.models import Event
from engine.messaging.cart import ORDER_COMPLETED, lines, sku_of

Together = dict[str, Counter[str]]


@dataclass(frozen=True)
class _Counts:
    last_id: int
    orders: int
    together: Together
    sales: Counter[str]


_CACHE: WeakKeyDictionary = WeakKeyDictionary()  # SQLAlchemy Engine → _Counts
_LOCK = threading.Lock()


def count_orders(orders: Iterable[Iterable[str]], together: Together | None = None,
                 sales: Counter[str] | None = None) -> tuple[Together, Counter[str]]:
    """Add `orders` to the counts given (changed in place), or to new ones."""
    together = {} if together is None else together
    sales = Counter() if sales is None else sales
    for order in orders:
        skus = set(order)
        sales.update(skus)
        for sku in skus:
            counts = together.get(sku)
            if counts is None:
                counts = together[sku] = Counter()
            counts.update(skus - {sku})
    return together, sales


def order_counts(session: Session) -> tuple[Together, Counter[str]]:
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    orders, last_id = session.execute(
        select(func.count(), func.coalesce(func.max(Event.id), 0))
        .where(Event.name == ORDER_COMPLETED)).one()
    with _LOCK:
        cached = _CACHE.get(engine)
    if cached is None or (cached.orders, cached.last_id) != (orders, last_id):
        cached = _refresh(session, cached, orders, last_id)
        with _LOCK:
            _CACHE[engine] = cached
    return cached.together, cached.sales


def _refresh(session: Session, cached: _Counts | None, orders: int, last_id: int) -> _Counts:
    if cached is not None and last_id > cached.last_id:
        new = _skus_of_orders(session, after=cached.last_id, up_to=last_id)
        if cached.orders + len(new) == orders:
            return _Counts(last_id, orders, *_grown(cached, new))
    everything = _skus_of_orders(session, after=0, up_to=last_id)
    return _Counts(last_id, len(everything), *count_orders(everything))


def _grown(cached: _Counts, new: list[list[str]]) -> tuple[Together, Counter[str]]:
    """The cached counts plus `new` orders, copying only the skus those orders touch."""
    together = dict(cached.together)
    for sku in {sku for order in new for sku in order}:
        together[sku] = Counter(together.get(sku, ()))
    return count_orders(new, together, cached.sales.copy())


def _skus_of_orders(session: Session, *, after: int, up_to: int) -> list[list[str]]:
    rows = session.scalars(
        select(Event.properties)
        .where(Event.name == ORDER_COMPLETED, Event.id > after, Event.id <= up_to))
    return [[sku_of(line) for line in lines(properties or {})] for properties in rows]
