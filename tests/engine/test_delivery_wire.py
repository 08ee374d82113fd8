"""The fast MIME path gives the message `compose.build_mime(...).as_bytes()` gives: the
same header bytes, the same structure and part headers, parts that decode to the same
text; only the boundary (from the key) and the quoted-printable wrapping (76) differ."""

from __future__ import annotations

import email
import email.policy
import random
import re
from datetime import datetime, timezone

import pytest

from engine.delivery.wire import boundary_for, mime_bytes
from engine.messaging.compose import RenderedEmail, build_mime

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
LONG = "word " * 40
SUBJECTS = [
    "Welcome", "Ça va, José ?", "Your cart: 3 items — 10 % off", LONG.strip(), "  spaced  out  ",
    "=?utf-8?q?looks_encoded?=", "emoji 🎉 party", "tab\tinside", "a" * 90, "", "x: y (z) \"q\"",
]
NAMES = ["", "Trellis Shop", "Théière & Co", "Dr. Who, Esq.", "Zoë", "quote \" inside", "a" * 80]
TEXTS = [
    "", "Hi Ana\n", "line one\nline two \n.leading dot\n\ttabbed\t\n", LONG * 3,
    "é" * 100, "=" * 100 + "\n=3D\n", "trailing space " + "\n", "no newline at end",
    "crlf\r\nlines\r\n", "mixed\rcr\n", "\u2028 separator \x0b vt \x0c ff \x85 nel",
]


def reference(rendered: RenderedEmail, **arguments) -> bytes:
    raw = build_mime(rendered, **arguments).as_bytes()
    boundary = re.search(rb'boundary="([^"]+)"', raw).group(1)
    return raw.replace(boundary, boundary_for(arguments["message_id_key"]).encode())


def assert_same_message(rendered: RenderedEmail, **arguments) -> None:
    fast, slow = mime_bytes(rendered, **arguments), reference(rendered, **arguments)
    assert fast.split(b"\r\n\r\n", 1)[0] == slow.split(b"\r\n\r\n", 1)[0]  # headers, bytes
    body = fast.split(b"\r\n\r\n", 1)[1]
    assert max(len(line) for line in body.split(b"\r\n")) <= 76  # RFC 2045
    parsed = [email.message_from_bytes(raw, policy=email.policy.default) for raw in (fast, slow)]
    parts = [list(message.iter_parts()) for message in parsed]
    assert len(parts[0]) == len(parts[1]) == 2
    for ours, theirs in zip(*parts):
        assert list(ours.items()) == list(theirs.items())
        assert ours.get_content() == theirs.get_content()
    assert fast.endswith(f"--{boundary_for(arguments['message_id_key'])}--\r\n".encode())


def arguments(index: int, **changes) -> dict:
    return {
        "to": f"c{index}@example.com", "from_addr": "hello@shop.example", "from_name": "Trellis",
        "message_id_key": f"enrollment:{index}:email:1",
        "unsubscribe_https": f"https://mail.example/u/tok{index}.sig",
        "unsubscribe_mailto": f"mailto:hello@shop.example?subject=unsubscribe%20tok{index}.sig",
        "domain": "shop.example", "date": NOW, **changes,
    }


@pytest.mark.parametrize("subject", SUBJECTS)
@pytest.mark.parametrize("name", NAMES)
def test_headers_match_build_mime(subject, name):
    rendered = RenderedEmail(subject, "", name, "<p>Hi</p>", "Hi\n")
    args = arguments(1, from_name=name)
    assert mime_bytes(rendered, **args) == reference(rendered, **args)  # bodies short: same bytes


@pytest.mark.parametrize("index, text", list(enumerate(TEXTS)))
def test_bodies_match_build_mime(index, text):
    rendered = RenderedEmail("Hello", "", "Shop", f"<html><body>{text}</body></html>", text)
    assert_same_message(rendered, **arguments(index))


def test_unusual_addresses_and_reply_to_match_build_mime():
    rendered = RenderedEmail("Hello", "", "Shop", "<p>x</p>", "x")
    for to in ("o'brien+tag@example.com",
               "very.long.local.part.that.goes.on.and.on@sub.domain.example.com"):
        assert_same_message(rendered, **arguments(3, to=to, reply_to="replies@shop.example"))
    assert_same_message(rendered, **arguments(4, unsubscribe_https="https://mail.example/u/" + "t" * 300))


def test_random_texts_match_build_mime():
    rng = random.Random(7)
    alphabet = "abc XYZ=.\t\n\r-é—🎉\u00a0\x85"
    for index in range(60):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 400)))
        assert_same_message(RenderedEmail("S", "", "N", text, text), **arguments(index))


def test_a_rendered_email_matches_build_mime():
    from engine.messaging.render import render_email
    from engine.messaging.sample import sample_context
    from tests.benchmarks.render import template

    assert_same_message(render_email(template(), sample_context(NOW)), **arguments(9))


def test_boundary_is_stable_per_message():
    assert boundary_for("enrollment:1:a:1") == boundary_for("enrollment:1:a:1")
    assert boundary_for("enrollment:1:a:1") != boundary_for("enrollment:1:a:2")
    assert re.fullmatch(r"={15}\d{19}==", boundary_for("x"))


def test_overlong_quoted_printable_lines_are_rewrapped_without_splitting_escapes():
    from engine.delivery.wire import _rewrap

    line = b"a" * 73 + b"=C3=A9" + b"b" * 10 + b"=20"
    pieces = _rewrap(line)
    assert all(len(piece) <= 76 for piece in pieces)
    assert b"".join(piece[:-1] for piece in pieces[:-1]) + pieces[-1] == line
    assert all(not re.search(rb"=.?$", piece[:-1]) for piece in pieces[:-1])
