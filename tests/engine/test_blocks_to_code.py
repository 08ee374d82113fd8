"""Blocks → code (engine/blocks/to_code.py): the same email, one way, with its warning."""

from datetime import datetime, timezone

import pytest

from engine.blocks import BlockDocument, Place, insert_block, new_block
from engine.blocks.to_code import code_warning, to_code
from engine.messaging.lint import lint_template
from engine.messaging.render import render_email
from engine.messaging.sample import sample_context
from engine.templating.display import in_words
from tests.blocks_samples import block_template

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def render(template):
    return render_email(template, sample_context(NOW))


def test_html_is_the_same_email_with_the_same_text():
    blocks = block_template()
    code = to_code(blocks, "html")
    assert (code.format, code.layout, code.blocks) == ("html", "none", None)
    before, after = render(blocks), render(code)
    assert after.text == before.text and after.subject == before.subject
    assert "Hello Alex, your picks are in" in after.html and "SAVE15-" in after.html
    assert blocks.format == "blocks"  # the input is unchanged
    assert lint_template(code) == []  # its own unsubscribe link and address: no layout needed


def test_markdown_keeps_the_words_products_and_coupon():
    email = render(to_code(block_template(), "markdown"))
    for words in ("Hello Alex, your picks are in", "Free shipping over $50",
                  "Returns within 30 days", "Shop the collection", "Cast-iron teapot",
                  "SAVE15-", "Valid until 7 Mar 2026.", "Instagram", "Unsubscribe"):
        assert words in email.text, words
    assert "<strong>your favourites</strong>" in email.html
    assert lint_template(to_code(block_template(), "markdown")) == []


def test_typed_text_stays_text_in_markdown():
    doc = BlockDocument.new()
    doc = insert_block(doc, new_block(doc, "text", text="{{ 7 * 7 }} <b>x</b> 2 \\* 3 [[contact.first_name|you]]"),
                       Place(0))
    code = to_code(block_template(doc), "markdown")
    email = render(code)
    assert "{{ 7 * 7 }} <b>x</b> 2 * 3 Alex" in email.text
    assert "&lt;b&gt;x&lt;/b&gt;" in email.html


def test_the_warning_and_what_cannot_be_converted():
    assert "one way" in code_warning("markdown") and "Markdown" in code_warning("markdown")
    with pytest.raises(ValueError, match="already markdown"):
        to_code(to_code(block_template(), "markdown"), "html")
    with pytest.raises(ValueError, match="no code format"):
        to_code(block_template(), "pdf")


def test_step_summaries_name_the_chips():
    assert in_words("Hi [[contact.first_name|there]], from [[shop.name]]") == \
        "Hi «first name», from «shop name»"
    assert in_words("A closer look at [[product.name|what caught your eye]]") == \
        "A closer look at «product name»"


def test_a_brace_typed_before_a_chip_survives_conversion_to_html():
    doc = BlockDocument.new()
    doc = insert_block(doc, new_block(doc, "text", text="{[[contact.first_name|x]]} and {{"), Place(0))
    for code_format in ("html", "markdown"):
        email = render(to_code(block_template(doc), code_format))
        assert "{Alex} and {{" in email.text, code_format
