"""Three months of the demo shop's history: what each fictional customer did.

Contract: `Shop.load(rng)` is the catalogue the history draws on (the bundled products and
what goes with what); `history(rng, person, shop, now)` returns one person's events as
`EventInput`s, oldest first, all before `now`:
- the sign-up visit: `page_viewed` of the home page, `signed_up`, and `list_joined`
  Newsletter for those who opted in;
- later visits in their local daytime, as many as their habit brings: a collection page,
  `product_viewed` of one to four products (mostly from their favourite categories, the
  popular ones more often, and often the one product they keep coming back to), now and
  then the subscription `/pricing` page, `added_to_cart` of something they viewed
  (sometimes `removed_from_cart` again), about half the carts ending in `order_completed`
  with `items` and `revenue` (often with something that goes with it, as bundles.csv
  says: that is what recommendations learn from), and rarely `demo_booked` (a tasting
  call) after a pricing visit;
- `email_opened` and `email_clicked` of the Tuesday newsletter, for subscribers, at rates
  that follow their habit;
- for a few, `unsubscribed` or a hard `email_bounced` (the intake applies what they mean).
The properties follow the formats of docs/journey-format.md and the issue: carts carry
one product (`sku`, `name`, `price`, `quantity`), orders `items` and `revenue`, views `sku`
or `url`. Deterministic for a given rng.
"""

from __future__ import annotations

import csv
import itertools
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from engine.demo.people import DEMO_DIR, Person, daytime
from engine.intake.events import EventInput

SITE = "https://juniper-and-oak.example"
PRODUCTS_CSV = DEMO_DIR / "products.csv"
NEWSLETTER = "Newsletter"
NEWSLETTER_DAY, NEWSLETTER_HOUR = 1, 15  # Tuesdays, 15:00 UTC


@dataclass(frozen=True)
class Habit:
    visits: tuple[int, int]
    open_rate: float
    click_rate: float  # of opens
    pricing: float  # chance that a visit includes the pricing page


HABITS = {
    "engaged": Habit(visits=(4, 12), open_rate=0.55, click_rate=0.35, pricing=0.25),
    "casual": Habit(visits=(1, 4), open_rate=0.25, click_rate=0.2, pricing=0.1),
    "dormant": Habit(visits=(0, 0), open_rate=0.03, click_rate=0.1, pricing=0.05),
}
CART_RATE, ORDER_RATE, REMOVE_RATE, COMPANION_RATE, DEMO_RATE = 0.35, 0.5, 0.1, 0.45, 0.08
UNSUBSCRIBE_RATE, BOUNCE_RATE = 0.04, 0.015


@dataclass
class Shop:
    products: dict[str, dict]
    by_category: dict[str, list[str]]
    #: how often each product is looked at, relative to the others of its category
    popularity: dict[str, float]
    goes_with: dict[str, list[str]]
    order_numbers: itertools.count = field(default_factory=lambda: itertools.count(1001))

    @classmethod
    def load(cls, rng: random.Random) -> "Shop":
        with PRODUCTS_CSV.open(encoding="utf-8", newline="") as file:
            products = {row["sku"]: row | {"price": float(row["price"])}
                        for row in csv.DictReader(file)}
        by_category: dict[str, list[str]] = {}
        for sku, product in products.items():
            by_category.setdefault(product["category"], []).append(sku)
        popularity = {}
        for skus in by_category.values():
            ranked = rng.sample(skus, len(skus))
            popularity.update({sku: 1 / (rank + 1) ** 0.8 for rank, sku in enumerate(ranked)})
        with (DEMO_DIR / "bundles.csv").open(encoding="utf-8", newline="") as file:
            goes_with = {row["sku"]: row["goes_with"].split() for row in csv.DictReader(file)}
        return cls(products, by_category, popularity, goes_with)

    @property
    def categories(self) -> list[str]:
        return list(self.by_category)

    def pick(self, rng: random.Random, categories: tuple[str, ...]) -> str:
        pool = [s for c in categories for s in self.by_category[c]] if rng.random() < 0.8 \
            else list(self.products)
        return rng.choices(pool, [self.popularity[s] for s in pool])[0]

    def line(self, sku: str, quantity: int) -> dict:
        product = self.products[sku]
        return {"sku": sku, "name": product["name"], "price": product["price"],
                "quantity": quantity}


class _Diary:
    """One person's events as they are written down."""

    def __init__(self, person: Person):
        self.person = person
        self.events: list[EventInput] = []

    def add(self, at: datetime, event_name: str, /, **properties) -> None:
        self.events.append(EventInput(self.person.email, event_name, properties, at))


def history(rng: random.Random, person: Person, shop: Shop, now: datetime) -> list[EventInput]:
    diary = _Diary(person)
    habit = HABITS[person.habit]
    at = person.signed_up_at
    diary.add(at, "page_viewed", url=f"{SITE}/")
    diary.add(at + timedelta(minutes=2), "signed_up", source="newsletter form")
    if person.opted_in:
        diary.add(at + timedelta(minutes=2), "list_joined", list=NEWSLETTER)
    crush = shop.pick(rng, person.categories)
    for start in sorted(_visit_times(rng, person, habit, now)):
        _visit(rng, diary, shop, habit, start, crush, now)
    _newsletters(rng, diary, shop, habit, now)
    return sorted(diary.events, key=lambda e: e.at)


def _visit_times(rng: random.Random, person: Person, habit: Habit, now: datetime) -> list[datetime]:
    first, last = person.signed_up_at + timedelta(hours=1), now - timedelta(hours=2)
    times = []
    for _ in range(rng.randint(*habit.visits)):
        if last <= first:
            break
        when = daytime(rng, first + (last - first) * rng.random(), person.timezone)
        if first <= when <= last:  # the day's hour may fall outside the window's ends
            times.append(when)
    return times


def _visit(rng: random.Random, diary: _Diary, shop: Shop, habit: Habit, start: datetime,
           crush: str, now: datetime) -> None:
    clock = iter(start + timedelta(minutes=3 * n) for n in itertools.count())
    category = rng.choice(diary.person.categories).lower()
    diary.add(next(clock), "page_viewed", url=f"{SITE}/collections/{category}")
    viewed = [crush] if rng.random() < 0.5 else []
    viewed += [shop.pick(rng, diary.person.categories) for _ in range(rng.randint(1, 3))]
    for sku in viewed:
        diary.add(next(clock), "product_viewed", sku=sku, url=shop.products[sku]["url"])
    if rng.random() < habit.pricing:
        diary.add(next(clock), "page_viewed", url=f"{SITE}/pricing")
        if rng.random() < DEMO_RATE:
            diary.add(next(clock), "demo_booked", topic="coffee subscription tasting")
    if rng.random() >= CART_RATE:
        return
    cart = list(dict.fromkeys(rng.sample(viewed, min(len(viewed), rng.choice((1, 1, 2))))))
    lines = {sku: shop.line(sku, rng.choice((1, 1, 1, 2))) for sku in cart}
    for line in lines.values():
        diary.add(next(clock), "added_to_cart", **line)
    if len(lines) > 1 and rng.random() < REMOVE_RATE:
        sku = cart.pop()
        diary.add(next(clock), "removed_from_cart", **lines.pop(sku))
    if rng.random() >= ORDER_RATE:
        return  # an abandoned cart
    extras = [s for sku in lines for s in shop.goes_with.get(sku, []) if s not in lines]
    if extras and rng.random() < COMPANION_RATE:
        extra = rng.choice(extras)
        lines[extra] = shop.line(extra, 1)
    items = list(lines.values())
    revenue = round(sum(item["price"] * item["quantity"] for item in items), 2)
    diary.add(next(clock), "order_completed", order_id=f"#{next(shop.order_numbers)}",
              items=items, revenue=revenue, currency="USD")


def _newsletters(rng: random.Random, diary: _Diary, shop: Shop, habit: Habit,
                 now: datetime) -> None:
    person = diary.person
    if not person.opted_in:
        return
    leaves = rng.random()
    for send in _tuesdays(person.signed_up_at, now):
        campaign = f"Newsletter {send:%Y-%m-%d}"
        if leaves < BOUNCE_RATE:
            diary.add(send, "email_bounced", type="hard", campaign=campaign)
            return
        if leaves < BOUNCE_RATE + UNSUBSCRIBE_RATE and rng.random() < 0.3:
            left = send + timedelta(hours=rng.randint(1, 30))
            if left < now:
                diary.add(left, "unsubscribed", source="unsubscribe_link", campaign=campaign)
                return
        if rng.random() >= habit.open_rate:
            continue
        opened = send + timedelta(minutes=rng.randint(5, 36 * 60))
        if opened >= now:
            continue
        diary.add(opened, "email_opened", campaign=campaign)
        if rng.random() < habit.click_rate and opened + timedelta(minutes=1) < now:
            sku = shop.pick(rng, person.categories)
            diary.add(opened + timedelta(minutes=1), "email_clicked", campaign=campaign,
                      url=shop.products[sku]["url"])


def _tuesdays(after: datetime, now: datetime) -> list[datetime]:
    day = after.astimezone(timezone.utc).replace(hour=NEWSLETTER_HOUR, minute=0, second=0,
                                                 microsecond=0)
    day += timedelta(days=(NEWSLETTER_DAY - day.weekday()) % 7)
    if day <= after:
        day += timedelta(days=7)
    sends = []
    while day < now:
        sends.append(day)
        day += timedelta(days=7)
    return sends
