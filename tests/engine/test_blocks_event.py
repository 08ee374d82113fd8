"""Block emails show the trigger event's data: `event.NAME` and `product.NAME` chips, and
product grids of the event's items or of its product — with their fallbacks when there is
no event (a preview, a test send, a campaign)."""

import json
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from engine.blocks import (
    BlockDocument, BlockEditError, Place, ProductsBlock, insert_block, new_block,
)
from engine.blocks.checks import check_blocks, event_properties
from engine.blocks.inline import check_markup
from engine.blocks.to_code import to_code
from engine.journey.model import Journey
from engine.journey.validation import WARNING, validate_journey
from engine.messaging.chip_fields import COMMON_EVENT_KEYS, field_choices
from engine.messaging.lint import lint_template
from engine.messaging.preview import render_preview
from engine.messaging.render import render_email
from engine.messaging.sample import SampleData, sample_context
from engine.templating.values import ProductItem
from tests.blocks_samples import block_template

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
TEAPOT = ProductItem("POT-9", "Cast-iron teapot", Decimal("64.00"), "USD", "kitchen",
                     "https://shop.test/p/teapot", "https://shop.test/img/teapot.jpg")
ORDER = {"order_id": "#1001", "revenue": 82.5, "items": [
    {"sku": "BEANS", "name": "House blend, 500 g", "quantity": 1, "price": 16.5},
    {"sku": "MUG", "name": "Stoneware mug", "quantity": 2, "price": 33},
    {"sku": "NO-NAME"},  # an order line without name, quantity or price
]}


class Catalogue(SampleData):
    """A shop that knows one product: any other sku is no product (unlike the sample)."""

    def product(self, sku):
        return TEAPOT if sku == TEAPOT.sku else None


def doc_of(*blocks):
    doc = BlockDocument.new()
    for kind, fields in blocks:
        doc = insert_block(doc, new_block(doc, kind, **fields), Place(len(doc.blocks) - 1))
    return doc


def render(template, event=None):
    context = sample_context(NOW, event=event)
    context.data = Catalogue(NOW)
    return render_email(template, context)


GUIDE = block_template(doc_of(
    ("text", {"text": "You came back to **[[product.name|what caught your eye]]**, now "
                      "[[product.price|on sale]]. [See it]([[product.url]])."}),
    ("products", {"source": "event_product", "per_row": 1, "label": "View"}),
), subject="A closer look at [[product.name|what caught your eye]]")
CONFIRMATION = block_template(doc_of(
    ("heading", {"text": "Your order [[event.order_id|summary]]"}),
    ("products", {"source": "event_items", "count": 12, "per_row": 1, "show_image": False,
                  "show_button": False}),
), subject="Thanks for order [[event.order_id|with us]]")


def test_product_chips_and_grid_show_the_events_product():
    email = render(GUIDE, {"sku": "POT-9"})
    assert email.subject == "A closer look at Cast-iron teapot"
    assert "You came back to Cast-iron teapot, now $64.00. See it (https://shop.test/p/teapot)." \
        in email.text
    assert "- Cast-iron teapot — $64.00\n  https://shop.test/p/teapot" in email.text
    assert "<strong>Cast-iron teapot</strong>" in email.html
    assert 'src="https://shop.test/img/teapot.jpg"' in email.html


@pytest.mark.parametrize("event", [None, {"sku": "UNKNOWN"}, {"sku": ""}, {"sku": 12}],
                         ids=["no event", "unknown sku", "empty sku", "number sku"])
def test_without_the_events_product_the_fallbacks_show_and_the_grid_is_empty(event):
    email = render(GUIDE, event)
    assert email.subject == "A closer look at what caught your eye"
    # the link starting with the product's page goes to the shop instead
    assert "You came back to what caught your eye, now on sale. See it (https://example.com)." \
        in email.text
    assert "teapot" not in email.html.lower() and "\n- " not in email.text


def test_a_grid_of_the_events_items_lists_the_order():
    email = render(CONFIRMATION, ORDER)
    assert email.subject == "Thanks for order #1001"
    text = email.text
    assert ("Your order #1001\n\n- House blend, 500 g × 1 — $16.50\n"
            "- Stoneware mug × 2 — $33.00 each\n- NO-NAME × 1\nTotal: $82.50\n") in text
    assert "House blend, 500 g" in email.html and "Total: $82.50" in email.html


@pytest.mark.parametrize("event", [None, {"items": "three mugs"}, {"items": None},
                                   {"items": 3}, {"items": []}],
                         ids=["no event", "text", "null", "number", "no items"])
def test_a_grid_of_the_events_items_is_empty_without_an_order(event):
    email = render(CONFIRMATION, event)
    assert "Your order summary" in email.text and "Total" not in email.text
    assert "×" not in email.text and "×" not in email.html


def test_a_preview_without_an_event_shows_sample_data_and_so_does_the_lint_render():
    preview = render_preview(CONFIRMATION, now=NOW)
    assert "- Stoneware mug × 2 — $18.00 each" in preview.text and "Total: $48.50" in preview.text
    guide = render_preview(GUIDE, now=NOW)  # the sample catalogue has a product for any sku
    assert guide.subject == "A closer look at Stoneware mug"
    assert not [p for p in lint_template(CONFIRMATION) if p[0] == "error"]
    assert not [p for p in lint_template(GUIDE) if p[0] == "error"]


def test_the_chips_fields_are_checked():
    assert check_markup("[[product.name|a pick]]") is None
    problem = check_markup("[[product.colour|blue]]")
    assert "[[product.colour]] is not a field" in problem and "product.name" in problem
    with pytest.raises(BlockEditError, match=r"must start with .*\[\[product.url\]\]"):
        new_block(BlockDocument.new(), "button", url="[[product.name]]/x")
    # a product chip without fallback shows nothing without an event: a warning, with a fix
    template = block_template(doc_of(("text", {"text": "About [[product.name]]"})))
    messages = [p.message for p in check_blocks(template)]
    assert any("product.name has no fallback" in m for m in messages)


def test_documents_written_before_event_sources_load_unchanged():
    old = [{"id": "grid", "type": "products", "source": "cart", "count": 3},
           {"id": "footer", "type": "footer"}]
    doc = BlockDocument.model_validate(old)
    assert doc.blocks[0] == ProductsBlock(id="grid", source="cart", count=3)
    again = BlockDocument.model_validate(json.loads(json.dumps(doc.model_dump(mode="json"))))
    assert again == doc
    with pytest.raises(ValidationError):
        BlockDocument.model_validate([{"id": "g", "type": "products", "source": "event"},
                                      {"id": "footer", "type": "footer"}])


def test_event_properties_name_what_an_email_needs_from_its_event():
    assert event_properties(GUIDE) == {"sku"}
    assert event_properties(CONFIRMATION) == {"order_id", "items", "revenue"}
    plain = block_template(doc_of(("text", {"text": "Hi [[contact.first_name|there]]"})),
                           subject="Hello", preheader="")
    assert event_properties(plain) == set()
    linked = block_template(doc_of(("button", {"url": "https://shop.test/?o=[[event.order_id]]"})),
                            subject="Hello", preheader="")
    assert event_properties(linked) == {"order_id"}


def test_validation_warns_when_no_event_starts_a_journey_that_shows_event_data():
    def journey(trigger, config):
        made = Journey()
        start = made.add_node(trigger, config=config)
        email = made.add_node("action.send_email", config={"template": CONFIRMATION.key})
        made.connect(start, "next", email)
        made.set_template(CONFIRMATION)
        return made, email

    manual, email = journey("trigger.manual", {})
    found = [(p.node_id, p.severity, p.message) for p in validate_journey(manual)]
    assert (email, WARNING, "The email 'Your picks' shows the trigger event's items, order_id, "
            "revenue, but no event starts this journey: everyone will see the fallbacks, and "
            "its grids of the event's items or product stay empty") in found
    by_event, _ = journey("trigger.event", {"event": "order_completed"})
    assert not [p for p in validate_journey(by_event) if "trigger event's" in p.message]


def test_the_picker_offers_the_event_and_its_product():
    choices = field_choices(event_keys=COMMON_EVENT_KEYS, product=TEAPOT)
    by_field = {c.field: c for c in choices}
    assert by_field["product.name"].sample == "Cast-iron teapot"
    assert by_field["product.name"].group == "The event's product"
    assert by_field["product.price"].sample == "64.00 USD"
    assert by_field["event.order_id"].group == "Trigger event"
    assert all(check_markup(c.token()) is None for c in choices)
    groups = [c.group for c in choices]
    assert groups.index("Trigger event") < groups.index("The event's product") < groups.index("Shop")
    assert not [c for c in field_choices(event_product=False) if c.field.startswith("product.")]


@pytest.mark.parametrize("format", ["markdown", "html"])
def test_converted_to_code_the_event_grids_read_the_same(format):
    blocks = render(CONFIRMATION, ORDER)
    code = render(to_code(CONFIRMATION, format), ORDER)
    for line in ("House blend, 500 g × 1 — $16.50", "Stoneware mug × 2 — $33.00 each",
                 "Total: $82.50"):
        assert line in blocks.text and line in code.text
    guide = render(to_code(GUIDE, format), {"sku": "POT-9"})
    assert "Cast-iron teapot (https://shop.test/p/teapot) — $64.00" in guide.text \
        if format == "markdown" else "- Cast-iron teapot — $64.00" in guide.text


def test_the_starter_order_confirmation_reads_like_before():
    starter = Path(__file__).resolve().parents[2] / "resources" / "journeys"
    from engine.journey.file_format import read_journey_file

    templates = {t.key: t for t in read_journey_file(starter / "post-purchase.journey.json")
                 .document.templates}
    email = render(templates["order-confirmation"], ORDER)
    assert email.text.startswith("Your Shop\n\nHi Alex,\n\nThank you for your order!")
    assert "Your order #1001" in email.text and "Total: $82.50" in email.text
    assert "1. We pack your order with care." in email.text
    empty = render(templates["order-confirmation"])
    assert "Your order summary" in empty.text and "Total" not in empty.text
