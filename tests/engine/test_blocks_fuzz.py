"""Whatever a marketer types into blocks, the email compiles and renders, and what they
typed shows as typed: never template code, never HTML (property test, small and fast)."""

from datetime import datetime, timezone
import re
from html import unescape

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from engine.blocks.inline import parse_line
from engine.blocks import BlockDocument, BlockEditError, Place, insert_block, new_block
from engine.messaging.render import render_email
from engine.messaging.sample import sample_context
from tests.blocks_samples import block_template

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
PIECES = st.sampled_from(["{{", "}}", "{%", "%}", "{#", "#}", "{", "*", "**", "[", "]", "(",
                          ")", "<b>", "</mj-text>", '"', "'", "&amp;", "\\", "trellisj0x",
                          "| default", "7*7", "\n", "\n\n", "- ", "1. ", " ", "word", "é😀",
                          "[[contact.first_name|x]]", "[[", "]]", "|", "[l](https://a.test)"])
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
    assert "<b>" not in email.html and "</mj-text>" not in email.html
    # the heading reads as typed, less its marks, chips filled in (a link adds its address
    # in the text part)
    runs = parse_line(heading)
    shown = "".join("Alex" if run.chip else run.text for run in runs).strip()
    assert shown in unescape(re.sub(r"<[^>]*>", "", email.html))
    if not any(run.href for run in runs):
        assert shown in email.text
