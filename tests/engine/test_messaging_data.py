"""The data behind emails: cart maths, recommendations, coupons, the database context."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from engine.db.models import Contact, Coupon, Event, JourneyRow, Product
from engine.messaging.cart import current_cart, purchased_skus
from engine.messaging.coupons import ALPHABET, issue_coupon, new_code
from engine.messaging.providers import CommerceHistory, build_render_context
from engine.messaging.recommendations import Catalog, recommend
from engine.messaging.tokens import LinkBuilder
from engine.templating.values import ProductItem, ShopInfo

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def product(sku: str, category: str = "", price: str = "10.00") -> ProductItem:
    return ProductItem(sku, f"Product {sku}", Decimal(price), "USD", category,
                       f"https://shop.example.com/{sku}", f"https://shop.example.com/{sku}.jpg")


# --- cart -------------------------------------------------------------------------------

def test_cart_adds_removes_and_empties_on_order():
    products = {"A": product("A", price="5.00"), "B": product("B", price="7.50")}
    events = [
        ("added_to_cart", {"sku": "A", "quantity": 2}),
        ("order_completed", {"items": [{"sku": "A"}]}),  # what came before is bought
        ("added_to_cart", {"sku": "A"}),
        ("added_to_cart", {"sku": "B", "quantity": 3}),
        ("added_to_cart", {"sku": "A", "quantity": 2}),
        ("removed_from_cart", {"sku": "B", "quantity": 1}),
        ("removed_from_cart", {"sku": "X"}),  # never added: ignored
    ]
    cart = current_cart(events, products, "USD")
    assert [(item.sku, item.quantity) for item in cart] == [("A", 3), ("B", 2)]
    assert cart.total == Decimal("30.00")  # 3 × 5.00 + 2 × 7.50
    assert cart.quantity == 5
    assert cart[0].name == "Product A" and cart[0].url == "https://shop.example.com/A"


def test_removing_without_a_quantity_removes_the_line_and_negative_lines_vanish():
    events = [
        ("added_to_cart", {"sku": "A", "quantity": 2}),
        ("added_to_cart", {"sku": "B"}),
        ("removed_from_cart", {"sku": "A"}),
        ("removed_from_cart", {"sku": "B", "quantity": 5}),
    ]
    assert current_cart(events, {}, "USD") == ()


def test_the_price_the_contact_saw_wins_over_the_catalogue():
    events = [("added_to_cart", {"sku": "A", "price": "4.25", "name": "Blue mug", "currency": "EUR"})]
    (item,) = current_cart(events, {"A": product("A", price="5.00")}, "USD")
    assert (item.name, item.price, item.currency, item.subtotal) == (
        "Blue mug", Decimal("4.25"), "EUR", Decimal("4.25"))


def test_an_unknown_product_still_shows_with_its_sku():
    (item,) = current_cart([("added_to_cart", {"sku": 42, "quantity": "2"})], {}, "GBP")
    assert (item.sku, item.name, item.quantity, item.price, item.currency) == ("42", "42", 2, 0, "GBP")


def test_purchased_skus_in_first_purchase_order():
    events = [("order_completed", {"items": [{"sku": "B"}, {"sku": "A"}]}),
              ("added_to_cart", {"sku": "C"}),
              ("order_completed", {"sku": "A"}),
              ("order_completed", {"items": [{"sku": "D"}]})]
    assert purchased_skus(events) == ["B", "A", "D"]


# --- recommendations ------------------------------------------------------------------

def catalog() -> Catalog:
    products = [product("mug", "kitchen"), product("tea", "tea"), product("pot", "kitchen"),
                product("spoon", "kitchen"), product("tin", "tea"), product("bag", "bags"),
                product("cup", "kitchen")]
    orders = [
        ["mug", "tea", "pot"],
        ["mug", "tea"],
        ["mug", "spoon"],
        ["tea", "tin"],
        ["bag"], ["bag"], ["bag"], ["bag"],  # the best seller overall, bought alone
        ["cup"],
    ]
    return Catalog.from_orders(products, orders)


def skus(items) -> list[str]:
    return [item.sku for item in items]


def test_bought_together_ranks_by_co_occurrence():
    # mug: tea ×2, pot ×1, spoon ×1 — pot and spoon tie, the better seller (same: 1) then sku
    assert skus(recommend(catalog(), ["mug"], [], 3)) == ["tea", "pot", "spoon"]


def test_scores_add_up_over_every_purchase():
    # mug → tea 2, pot 1, spoon 1; tin → tea 1: pot and spoon stay behind
    assert skus(recommend(catalog(), ["mug", "tin"], [], 2)) == ["tea", "pot"]


def test_never_recommends_what_was_bought_or_is_in_the_cart():
    assert skus(recommend(catalog(), ["mug"], ["tea"], 2)) == ["pot", "spoon"]


def test_falls_back_to_best_sellers_in_the_same_categories_then_overall():
    # everything bought with mug or spoon is theirs already; their categories (kitchen, tea)
    # still hold cup and tin; then comes bag, the best seller overall though it sells more
    assert skus(recommend(catalog(), ["mug", "spoon"], ["tea", "pot"], 4)) == ["cup", "tin", "bag"]


def test_a_new_contact_gets_best_sellers():
    assert skus(recommend(catalog(), [], [], 2)) == ["bag", "mug"]


def test_a_cart_alone_gives_its_categories_best_sellers():
    assert skus(recommend(catalog(), [], ["tin"], 2)) == ["tea", "bag"]


# --- coupons --------------------------------------------------------------------------

CODE = re.compile(rf"^SAVE15-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")


def test_codes_are_random_and_readable():
    codes = {new_code(15) for _ in range(2000)}
    assert len(codes) == 2000
    assert all(CODE.match(code) for code in codes)
    assert not set("01IO") & set("".join(codes).replace("SAVE15-", "").replace("-", ""))


@pytest.fixture
def people(db):
    with db.session() as session:
        session.add_all([
            Contact(id=1, email="ann@example.com", first_name="Ann", created_at=NOW, updated_at=NOW),
            Contact(id=2, email="bob@example.com", first_name="Bob", created_at=NOW, updated_at=NOW),
            JourneyRow(id=1, name="Cart", draft={}, created_at=NOW, updated_at=NOW),
        ])
    return db


def issue(session, contact_id=1, node_id="n1", percent=15, valid_days=7, now=NOW, journey_id=1):
    return issue_coupon(session, contact_id=contact_id, journey_id=journey_id, node_id=node_id,
                        percent=percent, valid_days=valid_days, now=now)


def test_a_coupon_is_issued_once_and_reused(people):
    with people.session() as session:
        first = issue(session)
        assert CODE.match(first.code)
        assert first.expires_at == NOW + timedelta(days=7)
    with people.session() as session:
        again = issue(session, now=NOW + timedelta(days=1))
        assert again == first  # a retry or a second render: the same code, the same expiry
        others = {issue(session, contact_id=2).code, issue(session, node_id="n2").code}
        assert first.code not in others and len(others) == 2
        assert session.scalar(select(func.count()).select_from(Coupon)) == 3


def test_an_expired_coupon_is_replaced(people):
    with people.session() as session:
        old = issue(session, valid_days=3)
    with people.session() as session:
        later = NOW + timedelta(days=30)
        new = issue(session, now=later, valid_days=3)
        assert new.code != old.code and new.expires_at == later + timedelta(days=3)
        stored = session.scalars(select(Coupon)).all()
        assert [(c.code, c.created_at) for c in stored] == [(new.code, later)]


def test_outside_a_journey_a_coupon_is_reused_too(people):
    with people.session() as session:
        first = issue(session, journey_id=None, node_id="")
        assert issue(session, journey_id=None, node_id="") == first


# --- the context from the database ----------------------------------------------------

def test_build_render_context_reads_cart_recommendations_and_coupon(people):
    with people.session() as session:
        for p in catalog().products.values():
            session.add(Product(sku=p.sku, name=p.name, price=p.price, category=p.category,
                                url=p.url, image_url=p.image_url, created_at=NOW))
        events = [
            (2, "order_completed", {"items": [{"sku": "mug"}, {"sku": "tea"}]}, -11),
            (2, "order_completed", {"items": [{"sku": "mug"}, {"sku": "tea"}]}, -10),
            (2, "order_completed", {"items": [{"sku": "mug"}, {"sku": "pot"}]}, -9),
            (1, "order_completed", {"items": [{"sku": "mug"}]}, -5),
            (1, "added_to_cart", {"sku": "spoon", "quantity": 2}, -2),
            (1, "added_to_cart", {"sku": "bag"}, 1),  # after now: not seen yet
        ]
        for contact_id, name, props, days in events:
            session.add(Event(contact_id=contact_id, name=name, properties=props,
                              occurred_at=NOW + timedelta(days=days), received_at=NOW))
    links = LinkBuilder("https://trellis.example.com", b"k" * 32)
    with people.session() as session:
        contact = session.get(Contact, 1)
        context = build_render_context(
            session, contact, now=NOW, links=links, message_key="e1:n1:1", journey_id=1,
            node_id="n1", event={"source": "web"}, shop=ShopInfo("Shop", "1 Road"),
        )
        variables = context.variables(with_cart=True)
        assert [(i.sku, i.quantity) for i in variables["cart"]] == [("spoon", 2)]
        assert skus(variables["recommendations"](2)) == ["tea", "pot"]
        code = variables["coupon"](10, 3).code
        assert variables["coupon"](10, 3).code == code
        assert context.unsubscribe_url.startswith("https://trellis.example.com/u/")
        assert variables["event"]["source"] == "web"

        # a batch reads every contact's events at once, and sees the same
        history = CommerceHistory.load(session, [1, 2], NOW)
        batched = build_render_context(
            session, contact, now=NOW, links=links, message_key="e1:n1:1", journey_id=1,
            node_id="n1", history=history, catalog=Catalog.load(session), shop=ShopInfo("Shop", "1 Road"),
        ).variables(with_cart=True)
        assert batched["cart"] == variables["cart"]
        assert skus(batched["recommendations"](2)) == ["tea", "pot"]
        assert batched["coupon"](10, 3).code == code
