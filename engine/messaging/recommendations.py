"""Product recommendations: "often bought together", then best sellers.

Contract:
- `Catalog.from_orders(products, orders)` indexes the catalogue and every completed
  order's skus: how many orders hold each pair of products (item-to-item co-occurrence)
  and how many orders hold each product (sales). `Catalog.load(session)` builds it from the
  `product` table and all `order_completed` events; the order counts come from
  `order_index`, which reads every order once per database and then only the new ones.
  The engine still builds one Catalog per batch and shares it across the batch's emails.
- `recommend(catalog, purchased, in_cart, n)` returns up to n catalogue products, never
  one the contact bought or has in the cart: first the products most often bought together
  with what they bought (score = sum over their purchases of the orders holding both),
  then best sellers in the categories of what they bought or have in the cart, then best
  sellers overall. Ties go to the better seller, then to the sku, so results are stable.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from decimal import Decimal
from itertools import islice
from typing import Collection, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import Product
from engine.messaging.order_index import count_orders, order_counts
from engine.templating.values import ProductItem


class Catalog:
    """Products, what sells, and what sells together; read-only once built."""

    def __init__(self, products: dict[str, ProductItem], together: dict[str, Counter[str]],
                 sales: Counter[str]):
        self.products = products
        self.together = together
        self.sales = sales
        # ranked once here, not per email
        self.best_sellers = sorted(products, key=lambda sku: (-sales[sku], sku))
        self.best_sellers_by_category: dict[str, list[str]] = defaultdict(list)
        for sku in self.best_sellers:
            self.best_sellers_by_category[products[sku].category].append(sku)

    @classmethod
    def from_orders(cls, products: Iterable[ProductItem], orders: Iterable[Iterable[str]]) -> "Catalog":
        return cls({p.sku: p for p in products}, *count_orders(orders))

    @classmethod
    def load(cls, session: Session) -> "Catalog":
        products = [product_item(row) for row in session.scalars(select(Product))]
        return cls({p.sku: p for p in products}, *order_counts(session))


def product_item(row: Product) -> ProductItem:
    return ProductItem(
        sku=row.sku, name=row.name, price=row.price or Decimal("0"), currency=row.currency,
        category=row.category or "", url=row.url or "", image_url=row.image_url or "",
    )


def recommend(catalog: Catalog, purchased: Collection[str], in_cart: Collection[str], n: int) -> list[ProductItem]:
    excluded = set(purchased) | set(in_cart)
    chosen: list[str] = []

    def take(candidates: Iterable[str]) -> None:
        for sku in candidates:
            if len(chosen) == n:
                return
            if sku not in excluded and sku in catalog.products and sku not in chosen:
                chosen.append(sku)

    scores: Counter[str] = Counter()
    for sku in purchased:
        scores.update(catalog.together.get(sku, {}))
    # the n best of often thousands of candidates: a heap, not a full sort
    take(heapq.nsmallest(
        n, (sku for sku in scores if sku not in excluded and sku in catalog.products),
        key=lambda sku: (-scores[sku], -catalog.sales[sku], sku),
    ))

    categories = sorted(
        {catalog.products[sku].category for sku in excluded if sku in catalog.products} - {""}
    )
    take(heapq.merge(
        *(catalog.best_sellers_by_category.get(c, []) for c in categories),
        key=lambda sku: (-catalog.sales[sku], sku),
    ))
    take(catalog.best_sellers)
    return [catalog.products[sku] for sku in chosen]


def alternatives(catalog: Catalog, in_cart: Collection[str], purchased: Collection[str],
                 n: int) -> list[ProductItem]:
    excluded = set(in_cart) | set(purchased)
    categories = sorted(
        {catalog.products[sku].category for sku in in_cart if sku in catalog.products} - {""}
    )
    ranked = heapq.merge(
        *(catalog.best_sellers_by_category.get(c, []) for c in categories),
        key=lambda sku: (-catalog.sales[sku], sku),
    )
    return [catalog.products[sku] for sku in islice((sku for sku in ranked if sku not in excluded), n)]
