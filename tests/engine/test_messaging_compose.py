"""The MIME message: parts, headers, encodings."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from email import policy
from email.parser import BytesParser

from engine.messaging.compose import RenderedEmail, build_mime, inline_css, message_id

HTTPS = ("https://trellis.example.com/u/eyJjIjo0MiwibSI6ImVucm9sbG1lbnQ6MTIzNDU2OnNlbmRfY2FydDoxIn0"
         ".pJ0b4nYpQGm2c0m3V0vWm8p3g6Dy0c8Yb2kQ1lT9N4o")
MAILTO = "mailto:unsubscribe@shop.example.com?subject=unsubscribe%20eyJjIjo0Mn0.abc"


def build(**overrides):
    rendered = RenderedEmail(
        subject="Zoë, your cart misses you — 10 % off inside, only this week for our best customers",
        preheader="pre", from_name="", html="<p>Hej Zoë</p>" * 200, text="Hej Zoë\n",
    )
    arguments = dict(to="zoe@example.com", from_addr="hello@shop.example.com",
                     from_name="Café Ørsted, Copenhagen", message_id_key="enrollment:123456:send_cart:1",
                     unsubscribe_https=HTTPS, unsubscribe_mailto=MAILTO, domain="shop.example.com")
    return build_mime(rendered, **{**arguments, **overrides})


def parsed(message):
    return BytesParser(policy=policy.default).parsebytes(message.as_bytes())


def test_headers_exactly():
    message = build(reply_to="help@shop.example.com",
                    date=datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
    raw = message.as_bytes().decode("ascii")  # every header and part is 7-bit on the wire
    header_block = raw.split("\r\n\r\n", 1)[0]
    assert f"List-Unsubscribe: <{HTTPS}>,\r\n <{MAILTO}>\r\n" in header_block + "\r\n"
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in header_block
    key_hash = hashlib.sha256(b"enrollment:123456:send_cart:1").hexdigest()[:32]
    assert f"Message-ID: <{key_hash}@shop.example.com>" in header_block
    assert "Date: Mon, 02 Mar 2026 09:00:00 +0000" in header_block
    assert "Reply-To: help@shop.example.com" in header_block
    assert all(len(line) <= 998 for line in raw.split("\r\n"))

    back = parsed(message)
    assert back["List-Unsubscribe"] == f"<{HTTPS}>, <{MAILTO}>"
    assert back["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert back["To"] == "zoe@example.com"


def test_message_id_is_deterministic():
    assert message_id("k1", "d.example") == message_id("k1", "d.example")
    assert message_id("k1", "d.example") != message_id("k2", "d.example")
    assert build()["Message-ID"] == build()["Message-ID"]


def test_non_ascii_subject_and_name_are_encoded_and_decode_back():
    message = build()
    raw = message.as_bytes().decode("ascii")
    assert "=?utf-8?" in raw.split("\r\n\r\n", 1)[0]
    back = parsed(message)
    assert back["Subject"] == "Zoë, your cart misses you — 10 % off inside, only this week for our best customers"
    (sender,) = back["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Café Ørsted, Copenhagen", "hello@shop.example.com")


def test_multipart_alternative_with_text_first():
    back = parsed(build())
    assert back.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in back.iter_parts()] == ["text/plain", "text/html"]
    assert back.get_body(("plain",)).get_content() == "Hej Zoë\r\n"  # CRLF: the wire form
    assert back.get_body(("html",)).get_content().startswith("<p>Hej Zoë</p><p>")


def test_inline_css_keeps_media_queries_and_loads_nothing_remote():
    html = ('<html><head><link rel="stylesheet" href="https://evil.example.com/x.css">'
            "<style>p { color: red; } @media (max-width: 600px) { p { color: blue; } }</style>"
            "</head><body><p>x</p></body></html>")
    out = inline_css(html)
    assert '<p style="color: red;">x</p>' in out
    assert "@media (max-width: 600px)" in out
