"""Benchmark: "often bought together" recommendations on 100,000 orders, against a naive
baseline. Run `python -m tests.benchmarks.recommendations [--orders N] [--contacts N]`.

It prints ONE JSON line:
- `build_s`: `Catalog.from_orders` over N orders held in memory (the co-occurrence index);
- `load_s`: `Catalog.load` from an SQLite file holding N `order_completed` events (reading
  and decoding them included), the first time on that database;
- `reload_new_orders_s`: `Catalog.load` again after 1,000 more orders arrived (only those
  are read: `engine.messaging.order_index`), and `reload_unchanged_s` with none;
- `per_contact_ms`: `recommend` for a contact (their purchases, a cart item, 3 products);
- `naive_per_contact_ms`: the obvious way, per contact: scan every order to score what was
  bought with their purchases and to rank best sellers; `speedup` = naive / indexed;
- `same_answers`: both give the same products to every contact the baseline was run for.
`load_average` says how busy the machine was. Not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

from engine.db import open_database
from engine.db.fastbulk import insert_rows
from engine.db.models import Contact, Event, Product
from engine.messaging.recommendations import Catalog, recommend
from engine.templating.values import ProductItem

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
PRODUCTS, CATEGORIES, BASELINE_CONTACTS, LATE_ORDERS = 2000, 20, 40, 1000


def make_products() -> list[ProductItem]:
    return [ProductItem(f"SKU-{i:05d}", f"Product {i}", Decimal("12.50"), "USD",
                        f"Category {i % CATEGORIES}") for i in range(PRODUCTS)]


def make_orders(rng: random.Random, count: int, skus: list[str]) -> list[list[str]]:
    """Orders of 1–6 items: popular products more often, and products bought in pairs."""
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(skus))]
    partner = {sku: rng.choice(skus) for sku in skus}
    orders = []
    for _ in range(count):
        order = rng.choices(skus, weights, k=rng.choice((1, 1, 2, 2, 3, 4, 6)))
        if rng.random() < 0.4:
            order.append(partner[order[0]])
        orders.append(list(dict.fromkeys(order)))
    return orders


def store(db, products: list[ProductItem], orders: list[list[str]], contacts: int,
          first_id: int = 0) -> None:
    def event(index: int, order: list[str]) -> dict:
        items = [{"sku": sku, "name": sku, "quantity": 1, "price": 12.5} for sku in order]
        return {"contact_id": 1 + index % contacts, "name": "order_completed",
                "properties": {"items": items, "revenue": 12.5 * len(items)},
                "occurred_at": NOW - timedelta(minutes=index), "received_at": NOW,
                "source": "benchmark", "processed_at": NOW}

    with db.session() as session:
        if first_id == 0:
            session.execute(insert(Product), [
                {"sku": p.sku, "name": p.name, "price": p.price, "currency": "USD",
                 "category": p.category, "url": "", "image_url": "", "created_at": NOW}
                for p in products])
            insert_rows(session, Contact.__table__, [
                {"email": f"c{i}@example.com", "first_name": "", "last_name": "",
                 "status": "active", "lead_score": 0, "attributes": {}, "created_at": NOW,
                 "updated_at": NOW} for i in range(contacts)])
        rows = [event(first_id + i, order) for i, order in enumerate(orders)]
        for start in range(0, len(rows), 20_000):
            insert_rows(session, Event.__table__, rows[start:start + 20_000])


def naive_recommend(products: dict[str, ProductItem], orders: list[list[str]],
                    purchased: set[str], in_cart: set[str], n: int) -> list[str]:
    """Everything from the orders, for one contact: what a first version would do."""
    sales, scores = Counter(), Counter()
    for order in orders:
        skus = set(order)
        sales.update(skus)
        bought_here = skus & purchased
        if bought_here:
            for sku in skus:
                scores[sku] += len(bought_here - {sku})
    excluded = purchased | in_cart
    ranked = [s for s in sorted(scores, key=lambda s: (-scores[s], -sales[s], s)) if scores[s]]
    categories = {products[s].category for s in excluded if s in products}
    by_sales = sorted(products, key=lambda s: (-sales[s], s))
    chosen: list[str] = []
    for sku in ranked + [s for s in by_sales if products[s].category in categories] + by_sales:
        if len(chosen) < n and sku in products and sku not in excluded and sku not in chosen:
            chosen.append(sku)
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=20_000)
    args = parser.parse_args()
    rng = random.Random(2026)
    products = make_products()
    skus = [p.sku for p in products]
    orders = make_orders(rng, args.orders, skus)
    by_sku = {p.sku: p for p in products}
    bought: dict[int, set[str]] = {}
    for index, order in enumerate(orders):
        bought.setdefault(index % args.contacts, set()).update(order)

    started = time.perf_counter()
    catalog = Catalog.from_orders(products, orders)
    build_s = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as folder:
        db = open_database(f"sqlite:///{Path(folder) / 'bench.db'}")
        store(db, products, orders, args.contacts)
        with db.session() as session:
            started = time.perf_counter()
            loaded = Catalog.load(session)
            load_s = time.perf_counter() - started
        store(db, products, make_orders(rng, LATE_ORDERS, skus), args.contacts,
              first_id=args.orders)
        with db.session() as session:
            started = time.perf_counter()
            Catalog.load(session)
            reload_new_s = time.perf_counter() - started
            started = time.perf_counter()
            Catalog.load(session)
            reload_unchanged_s = time.perf_counter() - started
        db.dispose()
    assert loaded.together == catalog.together and loaded.sales == catalog.sales

    contacts = sorted(bought)
    cases = [(sorted(bought[c]), [rng.choice(skus)]) for c in contacts[:2000]]
    started = time.perf_counter()
    answers = [[p.sku for p in recommend(catalog, purchased, cart, 3)] for purchased, cart in cases]
    per_contact_ms = (time.perf_counter() - started) * 1000 / len(cases)

    sample = cases[:BASELINE_CONTACTS]
    started = time.perf_counter()
    naive = [naive_recommend(by_sku, orders, set(purchased), set(cart), 3)
             for purchased, cart in sample]
    naive_ms = (time.perf_counter() - started) * 1000 / len(sample)

    print(json.dumps({
        "benchmark": "recommendations",
        "orders": args.orders,
        "products": PRODUCTS,
        "contacts": args.contacts,
        "build_s": round(build_s, 3),
        "load_s": round(load_s, 3),
        "reload_new_orders_s": round(reload_new_s, 3),
        "reload_unchanged_s": round(reload_unchanged_s, 4),
        "per_contact_ms": round(per_contact_ms, 3),
        "naive_per_contact_ms": round(naive_ms, 1),
        "speedup": round(naive_ms / per_contact_ms),
        "same_answers": naive == answers[:BASELINE_CONTACTS],
        "load_average": round(os.getloadavg()[0], 2),
    }))


if __name__ == "__main__":
    main()
