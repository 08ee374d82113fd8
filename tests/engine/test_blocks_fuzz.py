"""Whatever a marketer types into blocks, the email compiles and renders (as blocks, and
converted to Markdown or HTML), and what they typed shows as typed: never template code,
never HTML (a property test, small and fast)."""

from datetime import datetime, timezone
import re
from html import unescape
from html.parser import HTMLParser

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from engine.blocks.inline import parse_line
from engine.blocks.to_code import to_code
from engine.blocks import BlockDocument, BlockEditError, Place, insert_block, new_block
from engine.messaging.render import render_email
from engine.messaging.sample import sample_context
from tests.blocks_samples import block_template

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def tags(html: str) -> set[str]:
    """The elements of a page (a `<b>` inside an attribute's quotes is text, not one)."""
    found = set()

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.add(tag)

        def handle_endtag(self, tag):
            found.add(tag)

    Tags().feed(html)
    return found
PIECES = st.sampled_from(["{{", "}}", "{%", "%}", "{#", "#}", "{", "*", "**", "[", "]", "(",
                          ")", "<b>", "</mj-text>", '"', "'", "&amp;", "\\", "trellisj0x",
                          "| default", "7*7", "\n", "\n\n", "- ", "1. ", " ", "word", "é😀",
                          "[[contact.first_name|x]]", "[[product.name|x]]", "[[event.order_id|x]]",
                          "[[", "]]", "|", "[l](https://a.test)"])
TYPED = st.lists(PIECES, max_size=12).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(heading=TYPED, text=TYPED, label=TYPED, alt=TYPED, note=TYPED, subject=TYPED)
def test_any_typed_text_compiles_renders_and_stays_text(heading, text, label, alt, note, subject):
    doc = BlockDocument.new()
    for kind, fields in (("heading", {"text": heading}), ("text", {"text": text}),
                         ("button", {"label": label, "url": "https://shop.test"}),
                         ("image", {"src": "https://shop.test/a.png", "alt": alt}),
                         ("coupon", {"text": note, "expiry_label": note[:200]})):
        try:
            block = new_block(doc, kind, **fields)
        except BlockEditError as exc:  # `[[ ]]` that names no field is refused, in words
            assert "is not a field" in str(exc)
            assume(False)
        doc = insert_block(doc, block, Place(len(doc.blocks) - 1))
    try:
        template = block_template(doc, subject=subject or "x", preheader=note[:500])
    except ValidationError as exc:
        assert "is not a field" in str(exc)
        assume(False)
    email = render_email(template, sample_context(NOW))
    # typed template code never ran: `7*7` is never 49, typed tags are never elements
    assert "49" not in email.text and "49" not in email.html
    assert not {"b", "mj-text"} & tags(email.html)
    # the heading reads as typed, less its marks, chips filled in (a link adds its address
    # in the text part)
    runs = parse_line(heading)
    # (no trigger event here: event and product chips show their fallbacks)
    shown = "".join(("Alex" if run.chip.field == "contact.first_name" else run.chip.fallback)
                    if run.chip else run.text for run in runs).strip()
    assert shown in unescape(re.sub(r"<[^>]*>", "", email.html))
    if not any(run.href for run in runs):
        assert shown in email.text
    # and converted to code, the email still renders, its typed text still text
    for code_format in ("markdown", "html"):
        code = render_email(to_code(template, code_format), sample_context(NOW))
        assert "49" not in code.text and "b" not in tags(code.html)
