"""Checks of block emails, each with its place, in lint, `validate` and publishing."""

from engine.blocks import BlockDocument, BrandKit, Place, insert_block, new_block, update_block
from engine.blocks.checks import check_blocks, contrast
from engine.messaging.lint import lint_template
from tests.blocks_samples import block_template, every_kind_document


def doc_of(*blocks):
    doc = BlockDocument.new()
    for n, (kind, fields) in enumerate(blocks):
        doc = insert_block(doc, new_block(doc, kind, **fields), Place(n))
    return doc


def messages(template, **kw):
    return [str(p) for p in check_blocks(template, **kw)]


def test_a_well_made_email_passes_every_check():
    template = block_template()
    assert check_blocks(template) == []
    assert lint_template(template) == []


def test_contrast_is_the_wcag_ratio():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48  # just under AA
    assert contrast("#ffffff", "#ffffff") == 1.0


def test_images_buttons_and_links_with_their_places(tmp_path):
    big = tmp_path / "big.png"
    big.write_bytes(b"\0" * (1024 * 1024 + 1))
    doc = doc_of(("heading", {"text": "Hi"}),
                 ("image", {"src": "https://shop.test/a.png"}),
                 ("image", {"src": str(big), "alt": "Big"}),
                 ("button", {"url": "http://shop.test"}),
                 ("button", {"url": "https://shop.test", "color": "#ffff00"}),
                 ("columns", {}),
                 ("text", {"text": "See [this](http://shop.test/x)"}))
    doc = insert_block(doc, new_block(doc, "button"), Place(0, "columns-1", 1))
    found = messages(block_template(doc))
    assert "Block 2 (Image): the image has no alt text: screen readers, and inboxes that hide " \
           "images, show nothing in its place" in found
    assert any(m.startswith("Block 3 (Image): the picture is a file on this computer") for m in found)
    assert "Block 3 (Image): the picture is 1.0 MB: over 1 MB, emails load slowly on phones; make it smaller" in found
    assert any(m.startswith("Block 4 (Button): the link http://shop.test is not https") for m in found)
    assert any(m.startswith("Block 5 (Button): the button text colour has a contrast of 1.1:1") for m in found)
    assert "Block 6 (Columns), column 2, block 1 (Button): the button has no link" in found
    assert any(m.startswith("Block 7 (Text): the link http://shop.test/x is not https") for m in found)
    severities = {str(p): p.severity for p in check_blocks(block_template(doc))}
    assert severities["Block 6 (Columns), column 2, block 1 (Button): the button has no link"] == "error"


def test_brand_contrast_image_only_lengths_and_fallbacks():
    doc = doc_of(("image", {"src": "https://shop.test/a.png", "alt": "Sale"}))
    template = block_template(doc, subject="A" * 90, preheader="",
                              from_name="[[contact.first_name]] at the shop")
    found = messages(template, brand=BrandKit(text_color="#aaaaaa", logo_url="http://shop.test/logo.png"))
    assert "Brand kit: the logo http://shop.test/logo.png is not https: many inboxes will not show it" in found
    assert any(m.startswith("Brand kit: the text colour has a contrast of 2.3:1") for m in found)
    assert any(m.startswith("Email: this email is only images") for m in found)
    assert "Subject: 90 characters: inboxes cut it off around 78, so put what matters first" in found
    assert any(m.startswith("Preheader: there is no preheader") for m in found)
    assert any(m.startswith("From name: the personalisation contact.first_name has no fallback")
               for m in found)
    long = messages(block_template(doc, preheader="B" * 150))
    assert "Preheader: 150 characters: inboxes show about 140 at most" in long


def test_chips_of_unknown_fields():
    doc = doc_of(("text", {"text": "Your plan: [[contact.plan|Free]] at [[shop.nope]] "
                                    "[[contact.email]]"}))
    found = messages(block_template(doc), known_fields={"tier"})
    assert "Block 1 (Text): no contact has the field 'plan': everyone will see the fallback 'Free'" in found
    assert any(m.startswith("Block 1 (Text): the shop has no field 'nope'") for m in found)
    assert not any("contact.email" in m for m in found)  # every contact has an email


def test_lint_adds_the_sample_render_and_gmail_clip():
    doc = every_kind_document()
    for n in range(60):  # a very long email
        doc = insert_block(doc, new_block(doc, "text", text="Words " * 300), Place(0))
    found = lint_template(block_template(doc))
    assert any("Gmail clips" in message for _, message in found)
    bad = update_block(doc_of(("text", {"text": "Hi"})), "text-1", {"text": "[[contact.plan]]"})
    found = lint_template(block_template(bad))
    assert ("warning", "Block 1 (Text): the personalisation contact.plan has no fallback: "
            "contacts without it see nothing there; give it one, like [[contact.plan|there]]") in found


def test_every_starter_design_is_a_whole_email_without_problems():
    from engine.messaging.render import render_email
    from engine.messaging.sample import sample_context
    from engine.messaging.starter_emails import ORDER, starter_design, starter_designs
    from datetime import datetime, timezone

    assert [d.key for d in starter_designs()] == list(ORDER)
    for design in starter_designs():
        assert design.format == "blocks"
        assert lint_template(design) == [], design.key
        email = render_email(design, sample_context(datetime(2026, 3, 2, tzinfo=timezone.utc)))
        assert "Unsubscribe" in email.text and email.subject
    assert "SAVE10-" in render_email(starter_design("discount"), sample_context(
        datetime(2026, 3, 2, tzinfo=timezone.utc))).text
    import pytest
    with pytest.raises(KeyError, match="there are: welcome"):
        starter_design("birthday")


def test_an_empty_email_is_an_error_not_an_image_only_one():
    found = check_blocks(block_template(BlockDocument.new()))
    assert [(p.severity, str(p)) for p in found if p.where == "Email"] == [
        ("error", "Email: the email says nothing yet: add a heading, some text or a product grid")]
