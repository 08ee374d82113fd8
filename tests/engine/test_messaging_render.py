"""render_email end to end: layouts, Markdown, text, tracking, errors, and the fast paths."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from markupsafe import Markup

from engine.journey.data import EmailTemplate
from engine.messaging.compose import inline_css
from engine.messaging.layouts import NO_LAYOUT, layout_names
from engine.messaging.render import compile_email, render_email
from engine.messaging.sample import SAMPLE_SHOP, sample_context
from engine.templating.templates import HTML, RenderError, compile_template, render
from engine.messaging.body import body_html_source
from engine.messaging.layouts import layout_source
from engine.messaging.text import html_to_text
from engine.messaging.tokens import CLICK, LinkBuilder, verify

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
CART_BODY = """# Hi {{ contact.first_name | default("there") }}!

You left **{{ cart.quantity }} items** behind:

{% for item in cart %}
- [{{ item.name }}]({{ item.url }}) × {{ item.quantity }} — {{ item.subtotal | money }}
{% endfor %}

{% if cart.total > 40 %}
Shipping is on us.
{% endif %}

Use **{{ coupon(10, 7) }}** before {{ coupon(10, 7).expires_at | date }}.

[Back to your cart](https://shop.example.com/cart?from=email&x=1)
"""
LAYOUTS = [name for name in layout_names() if name != NO_LAYOUT]


def email(**fields) -> EmailTemplate:
    defaults = dict(key="cart", name="Cart", subject="{{ contact.first_name }}, still thinking?",
                    preheader="Your cart is saved", body=CART_BODY)
    return EmailTemplate(**{**defaults, **fields})


def context(**changes):
    return replace(sample_context(NOW), **changes)


def test_a_typical_email():
    out = render_email(email(), context())
    assert out.subject == "Alex, still thinking?"
    assert out.preheader == "Your cart is saved"
    assert out.from_name == SAMPLE_SHOP.name  # the template has none: the shop's name
    assert '<h1 style="' in out.html  # CSS inlined
    assert "Stoneware mug</a> × 2 — $36.00" in out.html
    assert out.html.count("<ul") == 1  # the loop repeats list items, not lists
    assert "Shipping is on us." in out.html
    assert "SAVE10-SAMP-LE7K-Q2M9" in out.html and "9 Mar 2026" in out.html
    assert re.search(r'<span[^>]*display:none[^>]*>Your cart is saved', out.html)
    assert "Stoneware mug (https://example.com/p/MUG-01) × 2 — $36.00" in out.text
    assert "Back to your cart (https://shop.example.com/cart?from=email&x=1)" in out.text
    assert "Your cart is saved" not in out.text  # the preheader is hidden in HTML only
    assert "\n\n\n" not in out.text


def test_markdown_never_touches_what_tags_print():
    body = "A {{ '*star* and <b>' }} and {{ contact.first_name | default('_x_') }}\n\n**bold**"
    out = render_email(email(body=body), context())
    assert "A *star* and &lt;b&gt; and Alex" in out.html
    assert "<strong" in out.html


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_adds_the_unsubscribe_link_and_postal_address(layout):
    out = render_email(email(layout=layout, body="Just **one** line, no footer of its own."), context())
    for part in (out.html, out.text):
        assert "https://example.com/u/sample" in part
        assert SAMPLE_SHOP.postal_address in part
    assert re.search(r'<a [^>]*href="https://example.com/u/sample"[^>]*>Unsubscribe</a>', out.html)
    assert '<meta name="viewport"' in out.html and "max-width" in out.html


@pytest.mark.parametrize("layout", LAYOUTS)
def test_shipped_layouts_take_the_fast_paths(layout):
    compiled = compile_email(email(layout=layout))
    assert not compiled.inline_each  # CSS inlined once, when compiled
    assert compiled.layout_text is not None and compiled.body_text is not None


def test_basic_layout_is_responsive_and_table_based():
    html = render_email(email(layout="basic"), context()).html
    assert "@media only screen and (max-width: 620px)" in html
    assert 'role="presentation"' in html and "max-width: 600px" in html
    assert ">Your Shop</a>" in html  # the header


def test_no_layout_sends_the_body_as_it_is():
    body = ('<html><body><p>Hi</p><a href="{{ unsubscribe_url }}">Leave</a>'
            "<p>{{ shop.postal_address }}</p></body></html>")
    out = render_email(email(layout=NO_LAYOUT, body=body, format="html"), context())
    assert out.html.count("https://example.com/u/sample") == 1
    assert "You are receiving" not in out.html


def test_a_hand_written_text_part_wins():
    out = render_email(email(text="Hi {{ contact.first_name }}\n\n\n\nCode {{ coupon(10, 7) }}"), context())
    assert out.text == "Hi Alex\n\nCode SAVE10-SAMP-LE7K-Q2M9\n"


def test_tracking_rewrites_links_and_adds_the_pixel():
    links = LinkBuilder("https://trellis.example.com", b"k" * 32)
    unsubscribe = links.unsubscribe_url("e1:n1:1", 1)
    out = render_email(email(), context(links=links, message_key="e1:n1:1", unsubscribe_url=unsubscribe))
    clicks = re.findall(r'href="https://trellis.example.com/c/([^"]+)"', out.html)
    targets = [verify(CLICK, token, b"k" * 32)["u"] for token in clicks]
    assert "https://shop.example.com/cart?from=email&x=1" in targets
    assert "https://example.com/p/MUG-01" in targets
    assert f'href="{unsubscribe}"' in out.html
    assert 'src="https://trellis.example.com/o/' in out.html
    assert "https://shop.example.com/cart?from=email&x=1" in out.text  # text links stay readable


def test_a_failure_names_the_part_and_the_line_the_marketer_wrote():
    body = "# Hello\n\nSome text.\n\n* one\n* two\n\nYour plan: {{ contact.plan }}\n"
    with pytest.raises(RenderError) as caught:
        render_email(email(body=body), context())
    assert caught.value.reason == "the body, line 8: contact.plan is not defined"
    with pytest.raises(RenderError, match=r"^the subject, line 1: contact\.nick is not defined$"):
        render_email(email(subject="{{ contact.nick }}"), context())


@pytest.mark.parametrize("call, reason", [
    ("coupon(0)", "coupon(percent, valid_days): percent must be a whole number from 1 to 100"),
    ("coupon(10, 'soon')", "coupon(percent, valid_days): valid_days must be a whole number from 1 to 365"),
    ("recommendations(50)", "recommendations(n): n must be a whole number from 1 to 12"),
])
def test_function_arguments_are_checked(call, reason):
    with pytest.raises(RenderError) as caught:
        render_email(email(body=f"Hi\n\n{{{{ {call} }}}}"), context())
    assert caught.value.reason == f"the body, line 3: {reason}"


def test_a_missing_postal_address_fails_the_email():
    with pytest.raises(RenderError, match="postal address is not set"):
        render_email(email(), context(shop=replace(SAMPLE_SHOP, postal_address=" ")))


def test_an_unknown_layout_fails_the_email():
    with pytest.raises(RenderError, match="the layout 'fancy' does not exist"):
        render_email(email(layout="fancy"), context())


def test_compiled_once_per_content():
    assert compile_email(email()) is compile_email(email())
    assert compile_email(email(body=CART_BODY + "\nP.S.")) is not compile_email(email())


def slow_path(template: EmailTemplate, ctx) -> tuple[str, str]:
    """Inline and convert each rendered email: what the fast paths must be equal to."""
    variables = ctx.variables(with_cart=True)
    body = render(compile_template(body_html_source(template.body, template.format), HTML, "b"),
                  variables, "b")
    page = {**variables, "subject": "s", "preheader": template.preheader, "body": Markup(body)}
    html = render(compile_template(layout_source(template.layout), HTML, "l"), page, "l")
    return inline_css(html), html_to_text(html)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("body", [
    CART_BODY,
    "Plain words, a [link](https://example.com/x) and a {% if contact.vip %}vip{% endif %} maybe.",
    "| Item | Price |\n|---|---|\n| Mug | {{ 18 | money }} |\n\n> quoted {{ contact.email }}",
])
def test_fast_paths_give_what_converting_each_email_gives(layout, body):
    template = email(layout=layout, body=body, subject="s")
    compiled = compile_email(template)
    assert not compiled.inline_each and compiled.body_text is not None
    html, text = slow_path(template, context())
    out = render_email(template, context())
    assert out.html == html
    assert lines(out.text) == lines(text)


def lines(text: str) -> list[list[str]]:
    """The text's lines and words: blank lines and runs of spaces may differ."""
    return [line.split() for line in text.splitlines() if line.strip()]


def test_html_with_a_loop_between_table_rows_falls_back_to_inlining_each_email():
    body = ("<table>{% for item in cart %}<tr><td>{{ item.name }}</td>"
            "<td>{{ item.price | money }}</td></tr>{% endfor %}</table>")
    template = email(body=body, format="html", subject="s")
    compiled = compile_email(template)
    assert compiled.inline_each and compiled.body_text is None
    html, text = slow_path(template, context())
    out = render_email(template, context())
    assert (out.html, out.text) == (html, text)
    assert "Stoneware mug" in out.text and "$12.50" in out.text
