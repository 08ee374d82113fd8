"""Signed link tokens, tracked links and the link secret."""

from __future__ import annotations

import base64
import json
from urllib.parse import unquote

import pytest

from engine.credentials.link_secret import get_or_create_secret
from engine.messaging.tokens import (
    CLICK,
    OPEN,
    UNSUBSCRIBE,
    VIEW,
    LinkBuilder,
    find_unsubscribe_token,
    rewrite_links,
    sign,
    verify,
)

SECRET = b"s" * 32
PUBLIC = "https://trellis.example.com"


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_round_trip():
    payload = {"m": "enrollment:12:send:3", "u": "https://shop.example.com/é?x=1&y=2"}
    token = sign(CLICK, payload, SECRET)
    assert verify(CLICK, token, SECRET) == payload
    assert all(c.isalnum() or c in "-_." for c in token)  # URL-safe as it is


def test_tampering_returns_none():
    token = sign(UNSUBSCRIBE, {"m": "k", "c": 7}, SECRET)
    body, mac = token.split(".")
    forged_body = base64.urlsafe_b64encode(json.dumps({"m": "k", "c": 8}).encode()).rstrip(b"=").decode()
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    for bad in (f"{forged_body}.{mac}", f"{body}.{flipped}", body, f"{body}.", "", "..",
                f"{body}.{mac}x", f"{body[:-2]}.{mac}", "é.é", token + "." + mac):
        assert verify(UNSUBSCRIBE, bad, SECRET) is None, bad
    assert verify(UNSUBSCRIBE, token, b"another secret") is None


def test_a_token_for_one_kind_is_refused_for_another():
    token = sign(OPEN, {"m": "k"}, SECRET)
    assert verify(OPEN, token, SECRET) == {"m": "k"}
    for kind in (CLICK, UNSUBSCRIBE, VIEW):
        assert verify(kind, token, SECRET) is None


def test_link_builder_urls_carry_what_the_server_needs():
    links = LinkBuilder(PUBLIC + "/", SECRET)
    click = links.click_url("e1:n1:1", "https://shop.example.com/cart?a=1")
    assert click.startswith(f"{PUBLIC}/c/")
    assert verify(CLICK, token_of(click), SECRET) == {"m": "e1:n1:1", "u": "https://shop.example.com/cart?a=1"}
    assert verify(OPEN, token_of(links.open_url("e1:n1:1")), SECRET) == {"m": "e1:n1:1"}
    assert verify(VIEW, token_of(links.view_url("e1:n1:1")), SECRET) == {"m": "e1:n1:1"}
    assert verify(UNSUBSCRIBE, token_of(links.unsubscribe_url("e1:n1:1", 42)), SECRET) == {"m": "e1:n1:1", "c": 42}
    mailto = links.unsubscribe_mailto("unsubscribe@example.com", "e1:n1:1", 42)
    assert mailto.startswith("mailto:unsubscribe@example.com?subject=unsubscribe%20")
    token = find_unsubscribe_token(unquote(mailto))
    assert verify(UNSUBSCRIBE, token, SECRET) == {"m": "e1:n1:1", "c": 42}


def test_rewrite_links_tracks_web_links_only_and_adds_the_pixel():
    links = LinkBuilder(PUBLIC, SECRET)
    unsubscribe = links.unsubscribe_url("k", 1)
    html = (
        '<html><body><a href="https://shop.example.com/a?x=1&amp;y=2">Shop</a>'
        '<a href="mailto:hi@example.com">Mail</a><a href="tel:+100">Call</a>'
        f'<a style="color: red;" href="{unsubscribe}">Unsubscribe</a>'
        '<a href="http://old.example.com/">Old</a></body></html>'
    )
    out = rewrite_links(html, "k", links)
    hrefs = [part.split('"', 1)[0] for part in out.split('href="')[1:]]
    assert verify(CLICK, token_of(hrefs[0]), SECRET) == {"m": "k", "u": "https://shop.example.com/a?x=1&y=2"}
    assert hrefs[1:4] == ["mailto:hi@example.com", "tel:+100", unsubscribe]
    assert verify(CLICK, token_of(hrefs[4]), SECRET)["u"] == "http://old.example.com/"
    pixel = out[out.index("<img"):out.index("</body>")]
    assert f'src="{PUBLIC}/o/' in pixel and 'width="1"' in pixel and 'alt=""' in pixel


def test_the_secret_is_made_once_and_kept(db):
    with db.session() as session:
        first = get_or_create_secret(session)
    with db.session() as session:
        assert get_or_create_secret(session) == first
    assert len(first) == 32


def test_an_untracked_link_builder_makes_no_web_link():
    links = LinkBuilder(None, SECRET, mailbox="replies@shop.example")
    assert not links.tracked
    assert links.view_url("e1:n1:1") == ""
    url = links.unsubscribe_url("e1:n1:1", 7)
    assert url.startswith("mailto:replies@shop.example?subject=unsubscribe%20")
    assert verify(UNSUBSCRIBE, find_unsubscribe_token(unquote(url)), SECRET) == {"m": "e1:n1:1", "c": 7}
    assert not links.is_own("https://shop.example/x")
    with pytest.raises(ValueError):
        rewrite_links("<html><body></body></html>", "e1:n1:1", links)


def test_a_token_is_found_in_a_reply_subject_but_not_in_plain_words():
    token = sign(UNSUBSCRIBE, {"m": "k", "c": 1}, SECRET)
    assert find_unsubscribe_token(f"Re: unsubscribe {token}") == token
    assert find_unsubscribe_token("please unsubscribe me now") is None
