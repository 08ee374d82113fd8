"""The links in emails over real HTTP: open pixel, click redirect, unsubscribe page and
RFC 8058 one-click, view in browser; forged and altered tokens change nothing."""

from __future__ import annotations

import base64
import html as html_lib
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from engine.credentials.link_secret import get_or_create_secret
from engine.db.models import Consent, Contact, Event
from engine.http.link_routes import PIXEL
from engine.messaging.tokens import CLICK, OPEN, UNSUBSCRIBE, VIEW, sign
from tests.engine.http_harness import live_server
from tests.engine.mail_harness import email_journey, mail_harness, queue_emails

ONE_CLICK = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def setup(db, clock):
    h = mail_harness(db, clock)
    h.publish(email_journey("welcome", "hello"))
    queue_emails(h, "welcome", ["ana@example.com"], first_name="Ana")
    [message] = h.messages()
    with live_server(db, clock) as server:
        yield server, message


def path(url: str) -> str:
    return urlsplit(url).path


TEA = "https://shop.example/tea?x=1&y=2"


def _payload(token: str) -> str:
    body = token.partition(".")[0]
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()


def links(message) -> dict[str, str]:
    hrefs = [html_lib.unescape(u) for u in re.findall(r'(?:href|src)="([^"]+)"', message.html)]
    found = {"unsubscribe": path(message.headers["list_unsubscribe"])}
    for url in hrefs:
        kind = path(url)[:3]
        if kind == "/c/" and TEA in _payload(path(url)[3:]):
            found["click"] = path(url)
        elif kind in ("/o/", "/v/"):
            found[{"/o/": "open", "/v/": "view"}[kind]] = path(url)
    return found


def state(db) -> tuple:
    """Everything a link could change: events, consent records, contact statuses."""
    with db.session() as session:
        return (session.scalar(select(func.count()).select_from(Event)),
                session.scalar(select(func.count()).select_from(Consent)),
                tuple(session.scalars(select(Contact.status).order_by(Contact.id))))


def events(db, name: str) -> list[Event]:
    with db.session() as session:
        return list(session.scalars(select(Event).where(Event.name == name)))


def test_open_pixel_records_an_open(setup, db):
    server, message = setup
    response = server.client.get(links(message)["open"])
    assert response.status_code == 200 and response.content == PIXEL
    assert response.headers["content-type"] == "image/gif"
    assert "no-store" in response.headers["cache-control"]
    [opened] = events(db, "email_opened")
    assert opened.properties["message_key"] == message.idempotency_key
    assert opened.properties["node_id"] == "email0" and opened.source == "tracking"
    assert server.woken


def test_click_redirects_to_the_link_in_the_email(setup, db):
    server, message = setup
    response = server.client.get(links(message)["click"])
    assert response.status_code == 302
    assert response.headers["location"] == TEA
    [clicked] = events(db, "email_clicked")
    assert clicked.properties["url"] == "https://shop.example/tea?x=1&y=2"
    assert clicked.properties["message_key"] == message.idempotency_key


def test_view_in_browser_shows_the_stored_email(setup):
    server, message = setup
    response = server.client.get(links(message)["view"])
    assert response.status_code == 200 and response.text == message.html
    assert "script-src" not in response.headers["content-security-policy"]


def test_unsubscribe_page_asks_and_changes_nothing(setup, db):
    server, message = setup
    before = state(db)
    response = server.client.get(links(message)["unsubscribe"])
    assert response.status_code == 200
    assert '<form method="post">' in response.text and "<button" in response.text
    assert "a•••a@example.com" in response.text  # the address, masked
    assert "set-cookie" not in response.headers
    assert state(db) == before


def test_one_click_post_unsubscribes_with_evidence(setup, db):
    server, message = setup
    response = server.client.post(links(message)["unsubscribe"], content="List-Unsubscribe=One-Click",
                                  headers={**ONE_CLICK, "User-Agent": "MailClient/1.0"})
    assert response.status_code == 200 and "You are unsubscribed" in response.text
    assert "set-cookie" not in response.headers and "location" not in response.headers
    with db.session() as session:
        contact = session.scalar(select(Contact))
        [consent] = session.scalars(select(Consent)).all()
    assert contact.status == "unsubscribed"
    assert (consent.granted, consent.source) == (False, "one_click")
    assert consent.evidence["message_key"] == message.idempotency_key
    assert consent.evidence["ip"] == "127.0.0.1"
    assert consent.evidence["user_agent"] == "MailClient/1.0"
    assert len(events(db, "unsubscribed")) == 1

    again = server.client.post(links(message)["unsubscribe"], content="List-Unsubscribe=One-Click",
                               headers=ONE_CLICK)
    assert again.status_code == 200 and "already unsubscribed" in again.text
    assert len(events(db, "unsubscribed")) == 1  # no second record
    page = server.client.get(links(message)["unsubscribe"])
    assert "already unsubscribed" in page.text


def test_the_pages_form_and_multipart_one_click_also_unsubscribe(setup, db):
    server, message = setup
    form = server.client.post(links(message)["unsubscribe"],
                              data={"List-Unsubscribe": "One-Click", "via": "page"})
    assert form.status_code == 200
    with db.session() as session:
        assert session.scalar(select(Consent.source)) == "unsubscribe_link"


def test_multipart_one_click(setup, db):
    server, message = setup
    response = server.client.post(links(message)["unsubscribe"],
                                  files={"List-Unsubscribe": (None, "One-Click")})
    assert response.status_code == 200
    assert state(db)[2] == ("unsubscribed",)


def test_a_post_without_the_one_click_body_changes_nothing(setup, db):
    server, message = setup
    before = state(db)
    response = server.client.post(links(message)["unsubscribe"], content="hello", headers=ONE_CLICK)
    assert response.status_code == 400 and state(db) == before


def _alter(token: str) -> list[str]:
    body, _, mac = token.partition(".")
    flip = lambda text, i: text[:i] + ("A" if text[i] != "A" else "B") + text[i + 1:]  # noqa: E731
    return [flip(body, 3) + "." + mac, body + "." + flip(mac, 5), body, body + ".", "." + mac,
            token + "x", "garbage", "a.b.c", "%00"]


def test_forged_or_altered_tokens_get_404_and_change_nothing(setup, db):
    server, message = setup
    before = state(db)
    for kind, link in links(message).items():
        prefix, token = link[:3], link[3:]
        for bad in _alter(token):
            assert server.client.get(prefix + bad).status_code == 404, (kind, bad)
            if kind == "unsubscribe":
                assert server.client.post(prefix + bad, content="List-Unsubscribe=One-Click",
                                          headers=ONE_CLICK).status_code == 404
    # a genuine token of one kind is refused by the others
    for prefix, other in (("/c/", "open"), ("/u/", "view"), ("/o/", "unsubscribe"), ("/v/", "click")):
        token = links(message)[other][3:]
        assert server.client.get(prefix + token).status_code == 404
        if other != "unsubscribe":
            assert server.client.post("/u/" + token, content="List-Unsubscribe=One-Click",
                                      headers=ONE_CLICK).status_code == 404
    assert state(db) == before
    assert server.client.get("/c/x").status_code == 404
    assert server.woken == []


def test_gets_never_change_consent(setup, db):
    server, message = setup
    for link in links(message).values():
        for _ in range(2):
            server.client.get(link)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Consent)) == 0
        assert session.scalar(select(Contact.status)) == "active"


def test_click_tokens_only_redirect_to_web_links(setup, db):
    server, _ = setup
    with db.session() as session:
        secret = get_or_create_secret(session)
    for target in ("javascript:alert(1)", "data:text/html,hi", "//evil.example", 42):
        token = sign(CLICK, {"m": "enrollment:1:email0:1", "u": target}, secret)
        assert server.client.get(f"/c/{token}").status_code == 404


def test_links_in_test_emails_record_nothing(setup, db):
    server, message = setup
    with db.session() as session:
        secret = get_or_create_secret(session)
        contact_id = session.scalar(select(Contact.id))
    before = state(db)
    key = "test:0123abcd"
    assert server.client.get(f"/o/{sign(OPEN, {'m': key}, secret)}").status_code == 200
    click = server.client.get(f"/c/{sign(CLICK, {'m': key, 'u': 'https://shop.example/'}, secret)}")
    assert click.status_code == 302
    unsubscribe = f"/u/{sign(UNSUBSCRIBE, {'m': key, 'c': contact_id}, secret)}"
    assert "test email" in server.client.get(unsubscribe).text
    posted = server.client.post(unsubscribe, content="List-Unsubscribe=One-Click", headers=ONE_CLICK)
    assert posted.status_code == 200 and "test email" in posted.text
    assert server.client.get(f"/v/{sign(VIEW, {'m': key}, secret)}").status_code == 404
    assert state(db) == before


@pytest.mark.parametrize("body", [
    "x=Not-List-Unsubscribe&y=Not-One-Clickable",
    "List-Unsubscribe=One-Clicks",
    "List-Unsubscribe-X=One-Click",
    "note=List-Unsubscribe%3DOne-Click",
    "List-Unsubscribe=one-click",
])
def test_only_the_exact_one_click_field_unsubscribes(setup, db, body):
    server, message = setup
    before = state(db)
    response = server.client.post(links(message)["unsubscribe"], content=body, headers=ONE_CLICK)
    assert response.status_code == 400 and state(db) == before


def test_multipart_with_the_words_in_another_field_changes_nothing(setup, db):
    server, message = setup
    before = state(db)
    response = server.client.post(links(message)["unsubscribe"],
                                  files={"comment": (None, "List-Unsubscribe One-Click")})
    assert response.status_code == 400 and state(db) == before
