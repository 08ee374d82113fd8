"""The six starter journeys, walked through the simulation on scripted contacts and events.

Each test runs the real engine (`engine.simulation.simulate`) and compares the whole timeline, step by
step, at exact times: who gets which email when, who leaves when and why. Times are UTC;
the simulation starts on Monday 2 March 2026 at 09:00, and events before that are history
(they count, but trigger nothing). Frequency cap and quiet hours are off (the app's
defaults), so the timings are the journeys' own.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from engine.db.models import Contact, ContactList, ListMembership, Message
from engine.journey.file_format import read_journey_file
from engine.messaging.coupons import ALPHABET
from engine.messaging.lint import lint_template
from engine.simulation.simulate import SimulationSetup, simulate
from tests.engine.harness import Harness

ROOT = Path(__file__).resolve().parents[2]
JOURNEYS = ROOT / "resources" / "journeys"
PRODUCTS = ROOT / "resources" / "demo" / "products.csv"
START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)

CONTACTS = """\
email,first_name,last_name,timezone,status
ana@example.com,Ana,Lopez,Europe/Madrid,active
ben@example.com,Ben,Okafor,America/New_York,active
cleo@example.com,,,,active
dan@example.com,Dan,Weber,Europe/Berlin,unsubscribed
eve@example.com,Eve,Martin,Europe/Paris,active
"""


def run(tmp_path, journey: str, events: list[dict], days: int) -> list[dict]:
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(CONTACTS)
    scripted = tmp_path / "events.jsonl"
    scripted.write_text("".join(json.dumps(e) + "\n" for e in events))
    return simulate(SimulationSetup(
        journeys=[JOURNEYS / f"{journey}.journey.json"], contacts=contacts, events=scripted,
        products=PRODUCTS, start=START, until=START + timedelta(days=days),
        lint_template=lint_template,
    ))


def event(at: str, who: str, event_name: str, **properties) -> dict:
    """An event at "MM-DD HH:MM" in 2026 (or "YYYY-MM-DD HH:MM"), UTC, for who@example.com."""
    day = at if at.count("-") == 2 else f"2026-{at}"
    return {"at": f"{day.replace(' ', 'T')}:00Z", "contact": f"{who}@example.com",
            "name": event_name, "properties": properties}


def brief(timeline: list[dict]) -> list[tuple]:
    """(MM-DD HH:MM, who, node, kind, what) per line: the email's subject, the branch's
    port, the exit's or skip's reason, the action's name; None for entries and waits."""
    lines = []
    for line in timeline:
        at = datetime.fromisoformat(line["at"])
        assert at.utcoffset() == timedelta(0) and at.year == 2026 and at.second == 0
        what = {"email": line.get("subject"), "branch": line.get("port"),
                "exit": line.get("reason"), "skip": line.get("reason"),
                "hold": line.get("reason"), "action": line.get("action")}.get(line["kind"])
        lines.append((at.strftime("%m-%d %H:%M"), line["contact"].split("@")[0], line["node"],
                      line["kind"], what))
    return lines


def emails(timeline: list[dict], who: str) -> dict[str, dict]:
    return {line["node"]: line for line in timeline
            if line["kind"] == "email" and line["contact"].startswith(who)}


def test_every_starter_journey_is_valid_and_laid_out_left_to_right():
    files = sorted(JOURNEYS.glob("*.journey.json"))
    assert [f.name for f in files] == [
        "abandoned-cart.journey.json", "post-purchase.journey.json",
        "pricing-follow-up.journey.json", "product-interest.journey.json",
        "re-engagement.journey.json", "welcome-series.journey.json",
    ]
    for path in files:
        result = read_journey_file(path, lint_template=lint_template)
        assert result.ok and result.problems == [], (path.name, result.problems)
        journey = result.journey
        for source, _port, target in journey.edges():
            assert journey.node(target)["pos"][0] > journey.node(source)["pos"][0], (path, target)
        spots = [tuple(journey.node(n)["pos"]) for n in journey.node_ids()]
        assert len(set(spots)) == len(spots), path.name


# --- 1. Welcome series -------------------------------------------------------------------

def test_welcome_series(tmp_path):
    timeline = run(tmp_path, "welcome-series", [
        event("02-20 10:00", "cleo", "signed_up"),  # history: no welcome now
        event("03-02 10:00", "ana", "signed_up"),
        event("03-02 11:00", "dan", "signed_up"),  # unsubscribed: marketing emails skipped
        event("03-03 15:30", "ben", "signed_up"),
        # a first order does not end the welcome: its emails still help a new customer
        event("03-05 12:00", "ben", "order_completed", revenue=18,
              items=[{"sku": "KIT-001", "quantity": 1, "price": 18}]),
    ], days=14)
    day_1, day_3, day_7 = ("Welcome to Trellis Shop!", "The favourites our customers come back for",
                           "What our happiest customers have in common")
    assert brief(timeline) == [
        ("03-02 10:00", "ana", "signed_up", "enter", None),
        ("03-02 10:00", "ana", "day_1", "email", day_1),
        ("03-02 10:00", "ana", "wait_2d", "wait", None),
        ("03-02 11:00", "dan", "signed_up", "enter", None),
        ("03-02 11:00", "dan", "day_1", "skip", "unsubscribed"),
        ("03-02 11:00", "dan", "wait_2d", "wait", None),
        ("03-03 15:30", "ben", "signed_up", "enter", None),
        ("03-03 15:30", "ben", "day_1", "email", day_1),
        ("03-03 15:30", "ben", "wait_2d", "wait", None),
        ("03-04 10:00", "ana", "day_3", "email", day_3),
        ("03-04 10:00", "ana", "wait_4d", "wait", None),
        ("03-04 11:00", "dan", "day_3", "skip", "unsubscribed"),
        ("03-04 11:00", "dan", "wait_4d", "wait", None),
        ("03-05 15:30", "ben", "day_3", "email", day_3),
        ("03-05 15:30", "ben", "wait_4d", "wait", None),
        ("03-08 10:00", "ana", "day_7", "email", day_7),
        ("03-08 10:00", "ana", "day_7", "exit", "completed"),
        ("03-08 11:00", "dan", "day_7", "skip", "unsubscribed"),
        ("03-08 11:00", "dan", "day_7", "exit", "completed"),
        ("03-09 15:30", "ben", "day_7", "email", day_7),
        ("03-09 15:30", "ben", "day_7", "exit", "completed"),
    ]
    ana, ben = emails(timeline, "ana"), emails(timeline, "ben")
    assert "Welcome, Ana!" in ana["day_1"]["text"] and "Explore what's new" in ana["day_1"]["text"]
    # popular picks: best sellers, never what Ben has just bought (the mug, KIT-001)
    assert "Stoneware Mug, 350 ml" not in ben["day_3"]["text"]
    assert ben["day_3"]["text"].count("juniper-and-oak.example/products/") == 3


# --- 2. Abandoned cart -------------------------------------------------------------------

GRINDER = {"sku": "COF-008", "name": "Burr Coffee Grinder", "price": 89, "quantity": 1}
FILTERS = {"sku": "COF-010", "name": "Paper Filters, pack of 100", "price": 6.5, "quantity": 2}
TEAPOT = {"sku": "TEA-007", "name": "Cast-Iron Teapot, 0.8 L", "price": 64, "quantity": 1}
CODE = re.compile(rf"SAVE(\d+)-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}")


def test_abandoned_cart(tmp_path):
    timeline = run(tmp_path, "abandoned-cart", [
        event("03-02 10:00", "ana", "added_to_cart", **GRINDER),
        event("03-02 10:30", "ana", "added_to_cart", **FILTERS),  # already in: same series
        event("03-02 11:00", "ben", "added_to_cart", **TEAPOT),
        event("03-03 18:00", "ben", "order_completed", revenue=64, items=[TEAPOT]),
        event("03-02 12:00", "cleo", "added_to_cart", **TEAPOT),
        event("03-02 13:15", "cleo", "order_completed", revenue=64, items=[TEAPOT]),
    ], days=10)
    reminder, discount, alternatives = ("You left something in your cart",
                                        "10% off your cart, just for you",
                                        "Still looking? These might be a better fit")
    assert brief(timeline) == [
        ("03-02 10:00", "ana", "added_to_cart", "enter", None),
        ("03-02 10:00", "ana", "wait_4h", "wait", None),
        ("03-02 11:00", "ben", "added_to_cart", "enter", None),
        ("03-02 11:00", "ben", "wait_4h", "wait", None),
        ("03-02 12:00", "cleo", "added_to_cart", "enter", None),
        ("03-02 12:00", "cleo", "wait_4h", "wait", None),
        ("03-02 13:15", "cleo", "wait_4h", "exit", "goal"),  # bought within 4 hours
        ("03-02 14:00", "ana", "wait_4h", "branch", "timeout"),
        ("03-02 14:00", "ana", "reminder", "email", reminder),
        ("03-02 14:00", "ana", "wait_24h", "wait", None),
        ("03-02 15:00", "ben", "wait_4h", "branch", "timeout"),
        ("03-02 15:00", "ben", "reminder", "email", reminder),
        ("03-02 15:00", "ben", "wait_24h", "wait", None),
        ("03-03 14:00", "ana", "discount", "email", discount),
        ("03-03 14:00", "ana", "wait_3d", "wait", None),
        ("03-03 15:00", "ben", "discount", "email", discount),
        ("03-03 15:00", "ben", "wait_3d", "wait", None),
        ("03-03 18:00", "ben", "wait_3d", "exit", "goal"),  # bought after the discount
        ("03-06 14:00", "ana", "alternatives", "email", alternatives),
        ("03-06 14:00", "ana", "alternatives", "exit", "completed"),
    ]
    ana, ben = emails(timeline, "ana"), emails(timeline, "ben")
    text = ana["reminder"]["text"]
    assert "Burr Coffee Grinder × 1 — $89.00" in text
    assert "Paper Filters, pack of 100 × 2 — $13.00" in text and "Total: $102.00" in text
    codes = [CODE.search(m["discount"]["text"]) for m in (ana, ben)]
    assert all(code and code.group(1) == "10" for code in codes)
    assert codes[0].group(0) != codes[1].group(0)  # unique to the contact
    # valid 2 days, shown in Ana's time zone (Madrid, UTC+1)
    assert "before 5 Mar 2026, 15:00" in ana["discount"]["text"]
    # alternatives: the cart's category (Coffee), not what is in the cart
    picks = re.findall(r"products/([a-z0-9-]+)", ana["alternatives"]["text"])
    assert picks == ["house-blend-coffee-beans-500-g", "ethiopia-yirgacheffe-single-origin-250-g",
                     "colombia-huila-single-origin-250-g"]


# --- 3. Post-purchase --------------------------------------------------------------------

BEANS = {"sku": "COF-001", "name": "House Blend Coffee Beans, 500 g", "quantity": 1, "price": 16.5}
FILTERS_1 = {"sku": "COF-010", "name": "Paper Filters, pack of 100", "quantity": 1, "price": 6.5}
EARL_GREY = {"sku": "TEA-001", "name": "Earl Grey Loose Leaf, 100 g", "quantity": 2, "price": 9.5}
MUG = {"sku": "KIT-001", "name": "Stoneware Mug, 350 ml", "quantity": 1, "price": 18}


def test_post_purchase(tmp_path):
    timeline = run(tmp_path, "post-purchase", [
        # history: what customers bought together, for the recommendations
        event("02-01 11:00", "cleo", "order_completed", revenue=41, items=[BEANS, FILTERS_1, MUG]),
        event("02-02 11:00", "cleo", "order_completed", revenue=23, items=[BEANS, FILTERS_1]),
        event("03-02 10:00", "ana", "order_completed", order_id="#1001", revenue=16.5,
              items=[BEANS]),
        event("03-02 11:00", "ben", "order_completed", order_id="#1002", revenue=64,
              items=[TEAPOT]),
        # a second order midway starts the series again, with its own confirmation
        event("03-06 16:00", "ben", "order_completed", order_id="#1003", revenue=19,
              items=[EARL_GREY]),
        event("03-02 12:00", "dan", "order_completed", order_id="#1004", revenue=18, items=[MUG]),
    ], days=30)
    thanks, tips, picks, feedback = ("Thank you for your order!",
                                     "Getting the most out of your purchase",
                                     "Picked for you: goes well with your order",
                                     "How are you getting on with your order?")
    assert brief(timeline) == [
        ("03-02 10:00", "ana", "order_completed", "enter", None),
        ("03-02 10:00", "ana", "confirmation", "email", thanks),
        ("03-02 10:00", "ana", "wait_3d", "wait", None),
        ("03-02 11:00", "ben", "order_completed", "enter", None),
        ("03-02 11:00", "ben", "confirmation", "email", thanks),
        ("03-02 11:00", "ben", "wait_3d", "wait", None),
        # Dan unsubscribed from marketing, but the confirmation is transactional
        ("03-02 12:00", "dan", "order_completed", "enter", None),
        ("03-02 12:00", "dan", "confirmation", "email", thanks),
        ("03-02 12:00", "dan", "wait_3d", "wait", None),
        ("03-05 10:00", "ana", "tips", "email", tips),
        ("03-05 10:00", "ana", "wait_4d", "wait", None),
        ("03-05 11:00", "ben", "tips", "email", tips),
        ("03-05 11:00", "ben", "wait_4d", "wait", None),
        ("03-05 12:00", "dan", "tips", "skip", "unsubscribed"),
        ("03-05 12:00", "dan", "wait_4d", "wait", None),
        ("03-06 16:00", "ben", "wait_4d", "exit", "exit_event"),
        ("03-06 16:00", "ben", "order_completed", "enter", None),
        ("03-06 16:00", "ben", "confirmation", "email", thanks),
        ("03-06 16:00", "ben", "wait_3d", "wait", None),
        ("03-09 10:00", "ana", "recommendations", "email", picks),
        ("03-09 10:00", "ana", "wait_7d", "wait", None),
        ("03-09 12:00", "dan", "recommendations", "skip", "unsubscribed"),
        ("03-09 12:00", "dan", "wait_7d", "wait", None),
        ("03-09 16:00", "ben", "tips", "email", tips),
        ("03-09 16:00", "ben", "wait_4d", "wait", None),
        ("03-13 16:00", "ben", "recommendations", "email", picks),
        ("03-13 16:00", "ben", "wait_7d", "wait", None),
        ("03-16 10:00", "ana", "feedback", "email", feedback),
        ("03-16 10:00", "ana", "feedback", "exit", "completed"),
        ("03-16 12:00", "dan", "feedback", "skip", "unsubscribed"),
        ("03-16 12:00", "dan", "feedback", "exit", "completed"),
        ("03-20 16:00", "ben", "feedback", "email", feedback),
        ("03-20 16:00", "ben", "feedback", "exit", "completed"),
    ]
    ana = emails(timeline, "ana")
    text = ana["confirmation"]["text"]
    assert "#1001" in text and "House Blend Coffee Beans, 500 g × 1 — $16.50" in text
    assert "Total: $16.50" in text
    # bought together by other customers first, then best sellers of the same category
    picked = re.findall(r"products/([a-z0-9-]+)", ana["recommendations"]["text"])
    assert picked == ["paper-filters-pack-of-100", "stoneware-mug-350-ml",
                      "ethiopia-yirgacheffe-single-origin-250-g"]


# --- 4. Product interest -----------------------------------------------------------------

def test_product_interest(tmp_path):
    timeline = run(tmp_path, "product-interest", [
        event("02-27 10:00", "ana", "product_viewed", sku="COF-008"),  # history counts
        event("03-02 10:00", "ana", "product_viewed", sku="COF-009"),  # another product
        event("03-03 10:00", "ana", "product_viewed", sku="COF-008"),
        event("03-04 12:00", "ana", "product_viewed", sku="COF-008"),  # third view in 7 days
        event("03-02 11:00", "ben", "product_viewed", sku="TEA-007"),
        event("03-02 12:00", "ben", "product_viewed", sku="TEA-007"),
        event("03-02 13:00", "ben", "product_viewed", sku="TEA-007"),
        event("03-05 09:30", "ben", "demo_booked"),
        event("03-02 10:00", "cleo", "product_viewed", sku="HOM-001"),
        event("03-05 10:00", "cleo", "product_viewed", sku="HOM-001"),
        event("03-10 10:00", "cleo", "product_viewed", sku="HOM-001"),  # 3 views in 8 days
    ], days=14)
    assert brief(timeline) == [
        ("03-02 13:00", "ben", "viewed_3x", "enter", None),
        ("03-02 13:00", "ben", "guide", "email", "A closer look at Cast-Iron Teapot, 0.8 L"),
        ("03-02 13:00", "ben", "wait_demo", "wait", None),
        ("03-04 12:00", "ana", "viewed_3x", "enter", None),
        ("03-04 12:00", "ana", "guide", "email", "A closer look at Burr Coffee Grinder"),
        ("03-04 12:00", "ana", "wait_demo", "wait", None),
        ("03-05 09:30", "ben", "wait_demo", "branch", "event"),
        ("03-05 09:30", "ben", "demo_booked", "exit", "goal"),  # converted
        ("03-09 12:00", "ana", "wait_demo", "branch", "timeout"),
        ("03-09 12:00", "ana", "follow_up", "email", "Any questions about Burr Coffee Grinder?"),
        ("03-09 12:00", "ana", "follow_up", "exit", "completed"),
    ]
    ana = emails(timeline, "ana")
    assert "come back to Burr Coffee Grinder a few times" in ana["guide"]["text"]
    assert "products/burr-coffee-grinder" in ana["follow_up"]["text"]


def test_product_interest_ends_on_a_purchase(tmp_path):
    timeline = run(tmp_path, "product-interest", [
        event("03-02 10:00", "ana", "product_viewed", sku="COF-008"),
        event("03-02 11:00", "ana", "product_viewed", sku="COF-008"),
        event("03-02 12:00", "ana", "product_viewed", sku="COF-008"),
        event("03-03 08:00", "ana", "order_completed", revenue=89, items=[GRINDER]),
    ], days=7)
    assert brief(timeline)[-1] == ("03-03 08:00", "ana", "wait_demo", "exit", "goal")
    assert [line["kind"] for line in timeline].count("email") == 1


# --- 5. Pricing page follow-up and lead scoring ---------------------------------------------

def pricing_view(at: str, who: str, path: str = "/pricing") -> dict:
    return event(at, who, "page_viewed", url=f"https://juniper-and-oak.example{path}")


def scored(at: str, who: str, hot: str, *then: tuple) -> list[tuple]:
    """A pricing view: enter, +10, the hot-lead branch going `hot` ('yes'/'no'), then…"""
    return [(at, who, "viewed_pricing", "enter", None),
            (at, who, "score", "action", "adjust_score"),
            (at, who, "hot_lead", "branch", hot), *then]


def waits_a_day(at: str, who: str) -> list[tuple]:
    return [(at, who, "asked", "branch", "no"), (at, who, "wait_1d", "wait", None)]


def asked_before(at: str, who: str) -> list[tuple]:
    return [(at, who, "asked", "branch", "yes"), (at, who, "done", "exit", "exit")]


def test_pricing_follow_up_and_lead_scoring(tmp_path):
    timeline = run(tmp_path, "pricing-follow-up", [
        pricing_view("03-02 10:00", "ana"),
        pricing_view("03-02 10:05", "ana", "/about"),  # not pricing: nothing
        pricing_view("03-02 15:00", "ana", "/pricing?plan=team"),
        pricing_view("03-04 09:00", "ana"),
        pricing_view("03-05 09:00", "ana"),
        pricing_view("03-06 09:00", "ana"),
        pricing_view("03-07 09:00", "ana"),
        pricing_view("03-02 11:00", "ben"),
        event("03-02 20:00", "ben", "order_completed", revenue=64, items=[TEAPOT]),
    ], days=8)
    questions = "Questions about pricing? We're happy to help"
    assert brief(timeline) == [
        *scored("03-02 10:00", "ana", "no", *waits_a_day("03-02 10:00", "ana")),
        *scored("03-02 11:00", "ben", "no", *waits_a_day("03-02 11:00", "ben")),
        # another pricing view restarts the journey: it scores, and the day starts again
        ("03-02 15:00", "ana", "wait_1d", "exit", "exit_event"),
        *scored("03-02 15:00", "ana", "no", *waits_a_day("03-02 15:00", "ana")),
        ("03-02 20:00", "ben", "wait_1d", "exit", "goal"),  # bought within the day
        ("03-03 15:00", "ana", "wait_1d", "branch", "timeout"),
        ("03-03 15:00", "ana", "questions", "email", questions),
        ("03-03 15:00", "ana", "mark_asked", "action", "update_field"),
        ("03-03 15:00", "ana", "mark_asked", "exit", "completed"),
        *scored("03-04 09:00", "ana", "no", *asked_before("03-04 09:00", "ana")),
        *scored("03-05 09:00", "ana", "no", *asked_before("03-05 09:00", "ana")),
        *scored("03-06 09:00", "ana", "yes",
                ("03-06 09:00", "ana", "notify_sales", "action", "notify"),
                ("03-06 09:00", "ana", "mark_notified", "action", "update_field"),
                *asked_before("03-06 09:00", "ana")),
        *scored("03-07 09:00", "ana", "no", *asked_before("03-07 09:00", "ana")),  # told sales once
    ]
    scores = [line["lead_score"] for line in timeline
              if line["node"] == "score" and line["contact"] == "ana@example.com"]
    assert scores == [10, 20, 30, 40, 50, 60]
    alert = next(line for line in timeline if line["node"] == "notify_sales")
    assert alert["to"] == "sales@example.com"
    assert alert["subject"] == "Hot lead: Ana Lopez <ana@example.com>, score 50"


def test_pricing_alert_carries_the_summary_and_recent_activity(db, clock):
    harness = Harness(db, clock)
    journey = read_journey_file(JOURNEYS / "pricing-follow-up.journey.json").journey
    harness.publish(journey)
    harness.contact("ana@example.com", first_name="Ana", last_name="Lopez", country="ES",
                    timezone="Europe/Madrid")
    for hour in range(5):
        harness.clock.set(START + timedelta(hours=hour + 1))
        harness.event("ana@example.com", "page_viewed",
                      {"url": f"https://juniper-and-oak.example/pricing?visit={hour + 1}"})
    with db.session() as session:
        alert = session.scalars(select(Message).where(Message.category == "internal")).one()
    assert alert.to_address == "sales@example.com" and alert.status == "queued"
    text = alert.text
    assert "Ana Lopez just reached a lead score of 50" in text
    assert "Email:         ana@example.com" in text and "Country:       ES" in text
    assert "Timezone:      Europe/Madrid" in text
    activity = text[text.index("Recent activity"):].splitlines()
    assert activity[1:6] == [
        f"  2 Mar 2026, {10 + 4 - n:02d}:00  page_viewed  "
        f"https://juniper-and-oak.example/pricing?visit={5 - n}"
        for n in range(5)
    ]


# --- 6. Re-engagement --------------------------------------------------------------------

def test_re_engagement(tmp_path):
    timeline = run(tmp_path, "re-engagement", [
        # history: each contact's last activity before the start
        event("2025-12-20 10:00", "ana", "page_viewed", url="/"),
        event("2025-12-25 12:00", "ben", "product_viewed", sku="TEA-001"),
        event("2026-02-20 12:00", "cleo", "page_viewed", url="/"),  # active: stays out
        event("2025-11-02 12:00", "dan", "page_viewed", url="/"),  # unsubscribed: stays out
        event("2026-01-05 09:02", "eve", "page_viewed", url="/"),  # 60 days on 03-06 09:02
        # what happens after the start
        event("03-05 08:00", "ben", "email_opened"),
        event("03-08 17:00", "eve", "order_completed", revenue=28,
              items=[{"sku": "HOM-001", "quantity": 1, "price": 28}]),
    ], days=15)
    assert brief(timeline) == [
        ("03-02 09:00", "ana", "inactive_60d", "enter", None),
        ("03-02 09:00", "ana", "miss_you", "email", "We miss you, Ana! Here's 15% off"),
        ("03-02 09:00", "ana", "wait_7d", "wait", None),
        ("03-02 09:00", "ben", "inactive_60d", "enter", None),
        ("03-02 09:00", "ben", "miss_you", "email", "We miss you, Ben! Here's 15% off"),
        ("03-02 09:00", "ben", "wait_7d", "wait", None),
        # the moment her 60th day is up (scans enroll ahead, due at that moment)
        ("03-06 09:02", "eve", "inactive_60d", "enter", None),
        ("03-06 09:02", "eve", "miss_you", "email", "We miss you, Eve! Here's 15% off"),
        ("03-06 09:02", "eve", "wait_7d", "wait", None),
        ("03-08 17:00", "eve", "wait_7d", "exit", "goal"),  # came back and bought
        ("03-09 09:00", "ana", "engaged", "branch", "no"),
        ("03-09 09:00", "ana", "check_in", "email", "Should we stay in touch?"),
        ("03-09 09:00", "ana", "wait_7d_again", "wait", None),
        ("03-09 09:00", "ben", "engaged", "branch", "yes"),  # opened the email
        ("03-09 09:00", "ben", "back", "exit", "goal"),
        ("03-16 09:00", "ana", "engaged_again", "branch", "no"),
        ("03-16 09:00", "ana", "unsubscribe_list", "action", "list_remove"),
        ("03-16 09:00", "ana", "mark_inactive", "action", "update_field"),
        ("03-16 09:00", "ana", "mark_inactive", "exit", "completed"),
    ]
    actions = [(line["node"], line.get("list"), line.get("field"), line.get("value"))
               for line in timeline if line["kind"] == "action"]
    assert actions == [("unsubscribe_list", "Newsletter", None, None),
                       ("mark_inactive", None, "status", "inactive")]
    offer = emails(timeline, "ana")["miss_you"]["text"]
    assert CODE.search(offer).group(1) == "15" and "Valid until 16 Mar 2026." in offer


def test_re_engagement_cleans_the_list_and_marks_the_contact(db, clock):
    """The last step's effects, in the database: off the Newsletter list, status inactive."""
    harness = Harness(db, clock)
    harness.publish(read_journey_file(JOURNEYS / "re-engagement.journey.json").journey)
    with db.session() as session:
        session.add(ContactList(name="Newsletter", created_at=START))
    harness.event("ana@example.com", "page_viewed", {"url": "/"}, at=START - timedelta(days=61))
    with db.session() as session:
        ana = session.scalars(select(Contact)).one()
        newsletter = session.scalars(select(ContactList)).one()
        session.add(ListMembership(list_id=newsletter.id, contact_id=ana.id, added_at=START))
    harness.run_for(timedelta(days=15))
    with db.session() as session:
        assert session.scalars(select(Contact.status)).one() == "inactive"
        assert session.scalars(select(ListMembership)).all() == []
