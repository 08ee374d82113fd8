"""Block emails compile to HTML and text that render like any template (engine/blocks)."""

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from engine.blocks import BlockDocument, BrandKit, Place, insert_block, new_block, update_block
from engine.blocks.compile import compile_blocks
from engine.messaging.render import render_email
from engine.messaging.sample import SAMPLE_CONTACT, SAMPLE_SHOP, sample_context
from engine.templating.templates import RenderError
from tests.blocks_samples import block_template, every_kind_document

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
SNAPSHOT = Path(__file__).parent / "snapshots" / "blocks_every_kind.txt"


def one(kind, **fields):
    doc = BlockDocument.new()
    return insert_block(doc, new_block(doc, kind, **fields), Place(0))


def render(template, **context):
    return render_email(template, sample_context(NOW, **context))


def test_the_text_part_matches_its_snapshot():
    email = render(block_template())
    assert email.text == SNAPSHOT.read_text(encoding="utf-8")
    assert email.subject == "Hi Alex, for you"
    assert email.preheader == "Picked for you, Alex."


def test_chips_show_the_field_or_their_fallback():
    template = block_template(one("text", text='Hi [[contact.first_name|"friend" & co]]!'))
    named = render(template)
    assert "Hi Alex!" in named.text and "Hi Alex!" in named.html
    anonymous = render(template, contact=replace(SAMPLE_CONTACT, first_name=""))
    assert 'Hi "friend" & co!' in anonymous.text
    assert "Hi &#34;friend&#34; &amp; co!" in anonymous.html or "Hi &quot;friend&quot; &amp; co!" in anonymous.html


def test_what_a_marketer_types_is_never_template_code():
    typed = "{{ 7 * 7 }} {% for x in cart %}x{% endfor %} {# note #} <b>bold</b> trellisj0x"
    template = block_template(one("text", text=typed), subject="{{ 7 * 7 }}")
    email = render(template)
    assert "{{ 7 * 7 }} {% for x in cart %}x{% endfor %} {# note #} <b>bold</b> trellisj0x" in email.text
    assert "49" not in email.text and email.subject == "{{ 7 * 7 }}"
    assert "&lt;b&gt;bold&lt;/b&gt;" in email.html and "<b>bold</b>" not in email.html
    assert "&#123;&#123; 7 * 7 }}" in email.html  # shown by a browser as typed


def test_product_grids_read_the_cart_recommendations_and_chosen_skus():
    cart = render(block_template(one("products", source="cart", count=12)))
    assert "Stoneware mug" in cart.text
    template = block_template(one("products", source="skus", skus=["POT-03", "NOPE"]))
    context = sample_context(NOW)

    class Shelf(type(context.data)):
        def product(self, sku):  # a SKU the catalog lacks shows nothing
            return super().product(sku) if sku == "POT-03" else None

    context.data = Shelf(NOW)
    chosen = render_email(template, context)
    assert "Cast-iron teapot" in chosen.text and chosen.text.count("\n- ") == 1
    plain = render(block_template(one("products", show_price=False, show_button=False)))
    assert "$" not in plain.text.split("Unsubscribe")[0]


def test_coupons_show_their_code_and_expiry():
    email = render(block_template(one("coupon", percent=20, valid_days=3)))
    assert "SAVE20-" in email.text and "Valid until 5 Mar 2026" in email.text
    assert "SAVE20-" in email.html


def test_the_brand_kit_draws_every_email_and_a_change_shows_at_once():
    template = block_template(one("button", url="https://shop.test"))
    before = render(template)
    assert "#1d4ed8" in before.html.lower()
    brand = BrandKit(button_color="#7c2d12", font_stack="Georgia, serif",
                     footer_address="9 Brand Road, Oslo", logo_url="https://shop.test/logo.png")
    after = render(template, shop=replace(SAMPLE_SHOP, brand=brand))
    assert "#7c2d12" in after.html and "#1d4ed8" not in after.html.lower()
    assert "Georgia, serif" in after.html and "https://shop.test/logo.png" in after.html
    assert "9 Brand Road, Oslo" in after.text and SAMPLE_SHOP.postal_address not in after.text


def test_the_footer_needs_an_unsubscribe_link_and_an_address():
    template = block_template(one("text", text="Hi"))
    with pytest.raises(RenderError, match="postal address"):
        render(template, shop=replace(SAMPLE_SHOP, postal_address=""))
    # an address in the brand kit is enough
    shop = replace(SAMPLE_SHOP, postal_address="", brand=BrandKit(footer_address="1 Road"))
    assert "1 Road" in render(template, shop=shop).html
    email = render(template)
    assert "https://example.com/u/sample" in email.html and "Unsubscribe" in email.html


def test_compiled_pages_are_cached_per_content_and_brand():
    doc = every_kind_document()
    first = compile_blocks(doc, BrandKit(), "")
    assert compile_blocks(BlockDocument.model_validate(doc.model_dump()), BrandKit(), "") is first
    assert compile_blocks(doc, BrandKit(button_color="#000000"), "") is not first
    edited = update_block(doc, "heading-1", {"text": "Changed"})
    assert "Changed" in compile_blocks(edited, BrandKit(), "").html


def test_an_edited_email_renders_its_new_blocks_and_lines():
    template = block_template()
    assert "Hello Alex" in render(template).text
    edited = template.model_copy(update={
        "blocks": update_block(template.blocks, "heading-1", {"text": "Fresh words"}),
        "subject": "New subject"})
    email = render(edited)
    assert "Fresh words" in email.text and "Hello Alex" not in email.text
    assert email.subject == "New subject"
    assert "Hello Alex" in render(template).text  # the original is still itself


def test_links_may_start_with_the_shop_address_and_carry_chips():
    doc = one("button", label="Go", url="[[shop.website]]/cart?plan=[[contact.plan|free plan]]")
    email = render(block_template(doc))
    assert "Go: https://example.com/cart?plan=free%20plan" in email.text
    assert 'href="https://example.com/cart?plan=free%20plan"' in email.html
    with pytest.raises(Exception, match="must start with https://"):
        one("button", url="shop.test/[[shop.website]]")


def test_a_stored_contact_previews_every_product_source(db, clock):
    from engine.messaging.preview import render_preview
    from tests.engine.harness import Harness

    Harness(db, clock).contact("ana@example.com", first_name="Ana")
    doc = BlockDocument.new()
    for n, source in enumerate(("cart", "recommendations", "alternatives", "skus")):
        doc = insert_block(doc, new_block(doc, "products", source=source, skus=["X-1"]), Place(n))
    with db.session() as session:
        from engine.db.models import Contact
        from sqlalchemy import select

        ana = session.scalar(select(Contact.id))
        email = render_preview(block_template(doc), now=NOW, session=session, contact_id=ana)
    assert "Hi Ana, for you" == email.subject  # no catalog: the grids are empty, not errors


def test_social_links_go_to_the_profiles_and_no_web_font_is_loaded():
    html = render(block_template()).html
    assert 'href="https://facebook.com/shop"' in html and "sharer" not in html
    assert "googleapis" not in html and "<link" not in html


def test_the_page_title_is_the_subject():
    assert "<title>Hi Alex, for you</title>" in render(block_template()).html


def test_a_link_shows_its_address_once_in_the_text_part():
    email = render(block_template(one("text", text="See [the **new** range](https://shop.test/new) now")))
    assert "See the new range (https://shop.test/new) now" in email.text


def test_product_grids_sit_in_a_ghost_table_for_outlook():
    html = render(block_template(one("products", count=3, per_row=2))).html
    start = html.index('<!--[if mso]><table role="presentation"')
    grid = html[start:html.index("<!--[if mso]></tr></table><![endif]-->", start)]
    assert grid.count('<!--[if mso]><td width="276" valign="top"><![endif]-->') == 3
    assert grid.count("<!--[if mso]></tr><tr><![endif]-->") == 1  # two, then one
