"""Benchmark: rendering emails, against a naive compile-per-message baseline.

Run `python -m tests.benchmarks.render [--emails N] [--baseline-emails M] [--db-emails K]`.
It prints ONE JSON line:
- `renders_per_s`: `render_email` of a typical abandoned-cart template (Markdown body,
  cart loop, coupon, three recommendations, basic layout, click tracking, CSS inlined,
  text part) for N different contacts, data from memory, one process; and
  `renders_per_cpu_s`, the same per second of that process's CPU time (what one core
  does when the machine is shared: `load_average` says how busy it was);
- `renders_per_s_2_processes`: the same split over two worker processes (the engine's
  target machine has two cores);
- `db_renders_per_s`: the same with the data from SQLite (cart events, coupon issued and
  stored, a shared Catalog and CommerceHistory per batch), batches of 500 in one
  transaction, as the engine does;
- `baseline_renders_per_s`: the obvious way, per message: a fresh sandboxed Environment,
  Markdown converted, body and layout compiled, rendered, CSS inlined, text by inscriptis;
- `speedup`: renders_per_s / baseline_renders_per_s.
Not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
BODY = """# Hi {{ contact.first_name | default("there") }}, you left something behind

Your cart still holds **{{ cart.quantity }} items**:

{% for item in cart %}
- [{{ item.name }}]({{ item.url }}) × {{ item.quantity }} — {{ item.subtotal | money }}
{% endfor %}

Total: **{{ cart.total | money }}**

Use code **{{ coupon(10, 7) }}** for 10 % off, until {{ coupon(10, 7).expires_at | date }}.

[Back to your cart](https://shop.example.com/cart?utm_source=trellis)

## You may also like

{% for product in recommendations(3) %}
- [{{ product.name }}]({{ product.url }}) — {{ product.price | money }}
{% endfor %}
"""


def template():
    from engine.journey.data import EmailTemplate

    return EmailTemplate(
        key="abandoned-cart", name="Abandoned cart",
        subject="{{ contact.first_name | default('Hey') }}, your cart is waiting",
        preheader="10 % off what you left behind", body=BODY,
    )


class MemoryData:
    """Per-contact data held in memory: what a provider returns, without the queries."""

    def __init__(self, i: int):
        from engine.messaging.sample import SAMPLE_PRODUCTS
        from engine.templating.values import Cart, CartItem, CouponView

        products = SAMPLE_PRODUCTS
        a, b = products[i % 3], products[3 + i % 2]
        self._cart = Cart(CartItem(p.sku, p.name, p.price, 1 + i % 3, p.currency, p.url, p.image_url)
                          for p in (a, b))
        self._recommendations = products[5:] + products[:1]
        self._coupon = CouponView(f"SAVE10-AB{i % 10}D-EFGH-JK{i % 7}M", 10, NOW + timedelta(days=7))

    def cart(self):
        return self._cart

    def recommendations(self, n):
        return self._recommendations[:n]

    def alternatives(self, n):
        return self._recommendations[-n:]

    def product(self, sku):
        return next((p for p in self._recommendations if p.sku == sku), None)

    def coupon(self, percent, valid_days):
        return self._coupon


def contexts(n: int):
    from engine.messaging.context import RenderContext
    from engine.messaging.sample import SAMPLE_SHOP
    from engine.messaging.tokens import LinkBuilder
    from engine.templating.values import ContactInfo

    links = LinkBuilder("https://trellis.example.com", b"s" * 32)
    for i in range(n):
        key = f"enrollment:{i}:send_cart:1"
        yield RenderContext(
            contact=ContactInfo(i, f"user{i}@example.com", f"First{i}" if i % 5 else "",
                                f"Last{i}", "Europe/Paris"),
            shop=SAMPLE_SHOP, data=MemoryData(i), now=NOW,
            unsubscribe_url=links.unsubscribe_url(key, i), view_in_browser_url=links.view_url(key),
            message_key=key, links=links,
        )


def _ours(n: int) -> tuple[float, float]:
    """Wall and CPU seconds for n renders."""
    from engine.messaging.render import render_email

    email, items = template(), list(contexts(n))
    render_email(email, items[0])  # compile once, as a running engine has
    start, cpu = time.perf_counter(), time.process_time()
    for context in items:
        render_email(email, context)
    return time.perf_counter() - start, time.process_time() - cpu


def _two_processes(n: int) -> float:
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_ours, [10, 10])  # start-up and first compile, not measured
        start = time.perf_counter()
        pool.map(_ours, [n // 2, n - n // 2])
        return time.perf_counter() - start


def _baseline(n: int) -> float:
    """Compile everything for every message, convert the text with inscriptis each time."""
    import markdown
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    from markupsafe import Markup

    from engine.messaging.compose import inline_css
    from engine.messaging.layouts import layout_source
    from engine.messaging.text import html_to_text
    from engine.messaging.tokens import rewrite_links
    from engine.templating.templates import HTML

    email, layout = template(), layout_source("basic")
    start = time.perf_counter()
    for context in contexts(n):
        env = ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
        env.filters.update(HTML.filters)
        variables = context.variables(with_cart=True)
        body = env.from_string(markdown.markdown(email.body)).render(variables)
        subject = env.from_string(email.subject).render(variables)
        html = env.from_string(layout).render(
            {**variables, "subject": subject, "preheader": email.preheader, "body": Markup(body)}
        )
        html_to_text(html)
        rewrite_links(inline_css(html), context.message_key, context.links)
    return time.perf_counter() - start


def _database(n: int, folder: Path) -> float:
    from engine.db import open_database
    from engine.db.models import Contact, Event, JourneyRow, Product
    from engine.messaging.providers import CommerceHistory, build_render_context
    from engine.messaging.recommendations import Catalog
    from engine.messaging.render import render_email
    from engine.messaging.sample import SAMPLE_PRODUCTS, SAMPLE_SHOP
    from engine.messaging.tokens import LinkBuilder

    db = open_database(f"sqlite:///{folder / 'render.db'}")
    with db.session() as session:
        session.add(JourneyRow(id=1, name="Abandoned cart", draft={}, created_at=NOW, updated_at=NOW))
        session.add_all(
            Product(sku=p.sku, name=p.name, price=p.price, currency=p.currency,
                    category=p.category, url=p.url, image_url=p.image_url, created_at=NOW)
            for p in SAMPLE_PRODUCTS
        )
        session.add_all(Contact(id=i + 1, email=f"user{i}@example.com", first_name=f"First{i}",
                                last_name="", attributes={}, created_at=NOW, updated_at=NOW)
                        for i in range(n))
        session.flush()
        for i in range(n):
            for sku in (SAMPLE_PRODUCTS[i % 3].sku, SAMPLE_PRODUCTS[3 + i % 2].sku):
                session.add(Event(contact_id=i + 1, name="added_to_cart",
                                  properties={"sku": sku, "quantity": 1 + i % 3},
                                  occurred_at=NOW - timedelta(hours=2), received_at=NOW))
            if i % 4 == 0:
                session.add(Event(contact_id=i + 1, name="order_completed",
                                  properties={"items": [{"sku": SAMPLE_PRODUCTS[5].sku},
                                                        {"sku": SAMPLE_PRODUCTS[i % 7].sku}]},
                                  occurred_at=NOW - timedelta(days=30), received_at=NOW))
    email, links = template(), LinkBuilder("https://trellis.example.com", b"s" * 32)
    start = time.perf_counter()
    for batch in range(0, n, 500):
        with db.session() as session:
            catalog = Catalog.load(session)
            contacts = session.query(Contact).filter(Contact.id.between(batch + 1, batch + 500)).all()
            history = CommerceHistory.load(session, [c.id for c in contacts], NOW)
            for contact in contacts:
                context = build_render_context(
                    session, contact, now=NOW, links=links, journey_id=1,
                    node_id="send_cart", message_key=f"enrollment:{contact.id}:send_cart:1",
                    catalog=catalog, history=history, shop=SAMPLE_SHOP,
                )
                render_email(email, context)
    seconds = time.perf_counter() - start
    db.dispose()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=20_000)
    parser.add_argument("--baseline-emails", type=int, default=1_000)
    parser.add_argument("--db-emails", type=int, default=5_000)
    args = parser.parse_args()
    wall, cpu = _ours(args.emails)
    two = args.emails / _two_processes(args.emails)
    baseline = args.baseline_emails / _baseline(args.baseline_emails)
    with tempfile.TemporaryDirectory() as folder:
        database = args.db_emails / _database(args.db_emails, Path(folder))
    print(json.dumps({
        "emails": args.emails,
        "renders_per_s": round(args.emails / wall),
        "renders_per_cpu_s": round(args.emails / cpu),
        "renders_per_s_2_processes": round(two),
        "db_renders_per_s": round(database),
        "baseline_renders_per_s": round(baseline),
        "speedup": round(args.emails / wall / baseline, 1),
        "load_average": round(os.getloadavg()[0], 2),
    }))


if __name__ == "__main__":
    main()
