"""Recommendations, alternatives and product lookups: the rules, checked against a naive
reference on random shops, and the order counts kept up to date as orders arrive."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import delete, insert

from engine.db.models import Contact, Event, Product
from engine.messaging.order_index import order_counts
from engine.messaging.providers import build_render_context
from engine.messaging.recommendations import Catalog, alternatives, recommend
from engine.messaging.tokens import LinkBuilder
from engine.templating.templates import RenderError
from engine.templating.values import ProductItem, ShopInfo
from tests.benchmarks.recommendations import naive_recommend

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def item(sku: str, category: str) -> ProductItem:
    return ProductItem(sku, sku.title(), Decimal("10"), "USD", category)


def skus(products) -> list[str]:
    return [p.sku for p in products]


# A small shop: coffee things, tea things, one home thing
PRODUCTS = [item("beans", "coffee"), item("filters", "coffee"), item("grinder", "coffee"),
            item("dripper", "coffee"), item("sencha", "tea"), item("teapot", "tea"),
            item("infuser", "tea"), item("candle", "home")]
ORDERS = [["beans", "filters"], ["beans", "filters"], ["beans", "grinder"],
          ["sencha", "teapot"], ["sencha"], ["sencha"], ["candle"], ["candle"], ["candle"],
          ["candle"], ["dripper", "retired-sku"]]
SHOP = Catalog.from_orders(PRODUCTS, ORDERS)


def test_bought_together_first_then_the_category_then_everything():
    # beans were bought with filters twice and with the grinder once; then coffee's best
    # seller not yet chosen (dripper), then the best sellers overall (candle, sencha)
    assert skus(recommend(SHOP, ["beans"], [], 5)) == [
        "filters", "grinder", "dripper", "candle", "sencha"]


def test_never_what_was_bought_or_is_in_the_cart_and_never_twice():
    picks = skus(recommend(SHOP, ["beans", "sencha"], ["filters", "candle"], 8))
    assert picks == ["grinder", "teapot", "dripper", "infuser"]
    assert len(picks) == len(set(picks))


def test_a_product_no_longer_sold_is_never_recommended():
    assert "retired-sku" not in skus(recommend(SHOP, ["dripper"], [], 8))
    assert len(recommend(SHOP, [], [], 20)) == len(PRODUCTS)  # fewer than asked: all there is


def test_a_new_contact_gets_the_best_sellers():
    assert skus(recommend(SHOP, [], [], 3)) == ["candle", "beans", "sencha"]


@pytest.mark.parametrize("seed", range(5))
def test_the_index_answers_what_scanning_every_order_answers(seed):
    rng = random.Random(seed)
    products = [item(f"p{i:03d}", f"c{i % 6}") for i in range(120)]
    catalogue = {p.sku: p for p in products}
    names = [p.sku for p in products] + ["gone-1", "gone-2"]  # skus no longer in the catalogue
    weights = [1 / (rank + 1) for rank in range(len(names))]
    orders = [list(dict.fromkeys(rng.choices(names, weights, k=rng.randint(1, 5))))
              for _ in range(600)]
    catalog = Catalog.from_orders(products, orders)
    for _ in range(60):
        purchased = set(rng.sample(names, rng.randint(0, 6)))
        cart = set(rng.sample(names, rng.randint(0, 2)))
        n = rng.randint(1, 12)
        picks = skus(recommend(catalog, sorted(purchased), sorted(cart), n))
        assert picks == naive_recommend(catalogue, orders, purchased, cart, n)
        assert len(picks) == len(set(picks)) and not (purchased | cart) & set(picks)


def test_alternatives_are_the_carts_categories_without_the_cart_or_purchases():
    assert skus(alternatives(SHOP, ["grinder"], [], 5)) == ["beans", "filters", "dripper"]
    assert skus(alternatives(SHOP, ["grinder"], ["beans"], 2)) == ["filters", "dripper"]
    # two categories in the cart: their best sellers, merged by sales
    assert skus(alternatives(SHOP, ["grinder", "teapot"], [], 3)) == ["beans", "sencha",
                                                                      "filters"]
    assert alternatives(SHOP, [], ["beans"], 3) == []  # nothing in the cart: no alternatives


# --- through the database -----------------------------------------------------------------

def add_orders(session, orders: list[list[str]], contact_id: int = 1, start: int = 0) -> None:
    session.execute(insert(Event), [
        {"contact_id": contact_id, "name": "order_completed", "received_at": NOW,
         "properties": {"items": [{"sku": sku, "quantity": 1} for sku in order]},
         "occurred_at": NOW - timedelta(days=30, minutes=start + i)}
        for i, order in enumerate(orders)])


@pytest.fixture
def stocked(db):
    with db.session() as session:
        session.execute(insert(Contact), [
            {"id": i, "email": f"c{i}@example.com", "first_name": "Cleo", "created_at": NOW,
             "updated_at": NOW} for i in (1, 2, 3)])
        session.execute(insert(Product), [
            {"sku": p.sku, "name": p.name, "price": p.price, "category": p.category,
             "url": f"https://shop.example/{p.sku}", "created_at": NOW} for p in PRODUCTS])
        add_orders(session, ORDERS)
    return db


def test_order_counts_grow_with_new_orders_and_start_over_when_some_are_gone(stocked):
    with stocked.session() as session:
        together, sales = order_counts(session)
        assert (together, sales) == (SHOP.together, SHOP.sales)
    with stocked.session() as session:
        add_orders(session, [["beans", "grinder"], ["teapot", "infuser"]], contact_id=2,
                   start=100)
    with stocked.session() as session:
        grown = order_counts(session)
    expected = Catalog.from_orders(PRODUCTS, ORDERS + [["beans", "grinder"],
                                                       ["teapot", "infuser"]])
    assert grown == (expected.together, expected.sales)
    # what was handed out before is never changed afterwards (readers may hold it)
    assert (together, sales) == (SHOP.together, SHOP.sales)
    with stocked.session() as session:  # a contact is deleted with their events
        session.execute(delete(Event).where(Event.contact_id == 2))
    with stocked.session() as session:
        assert order_counts(session) == (SHOP.together, SHOP.sales)


def context(session, contact_id=3, events=()):
    for name, properties in events:
        session.add(Event(contact_id=contact_id, name=name, properties=properties,
                          occurred_at=NOW - timedelta(hours=1), received_at=NOW))
    session.flush()
    return build_render_context(
        session, session.get(Contact, contact_id), now=NOW,
        links=LinkBuilder("https://trellis.example", b"k" * 32), message_key="e:1:1",
        journey_id=None, node_id="alternatives", shop=ShopInfo("Shop", "1 Road"),
    ).variables(with_cart=True)


def test_templates_look_up_a_product_by_sku(stocked):
    with stocked.session() as session:
        variables = context(session)
        grinder = variables["product"]("grinder")
        assert (grinder.name, grinder.category, grinder.url) == (
            "Grinder", "coffee", "https://shop.example/grinder")
        # unknown, empty or missing skus give None, for the template's {% if %}
        assert variables["product"]("nope") is None and variables["product"]("") is None
        assert variables["product"](None) is None


def test_templates_get_alternatives_to_the_cart(stocked):
    with stocked.session() as session:
        variables = context(session, events=[
            ("added_to_cart", {"sku": "grinder"}),
            ("order_completed", {"items": [{"sku": "filters"}]}),
            ("added_to_cart", {"sku": "teapot"}),
        ])
        assert [i.sku for i in variables["cart"]] == ["teapot"]  # the order emptied the cart
        assert skus(variables["alternatives"](2)) == ["sencha", "infuser"]
        with pytest.raises(RenderError, match="alternatives\\(n\\): n must be a whole number"):
            variables["alternatives"](0)
