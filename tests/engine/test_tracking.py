"""Tracking on or off (engine.messaging.tracking) against real HTTP servers on loopback: the self-test
passes only when the URL answers as this Trellis (this database's proof for a fresh nonce),
and the decision never puts a non-public URL in emails unless it was given and passed."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from engine.credentials.link_secret import get_or_create_secret
from engine.db import open_database
from engine.messaging.tracking import (
    LOCAL,
    LOOPBACK,
    PRIVATE,
    PUBLIC,
    SelfTest,
    TrackingSettings,
    UrlError,
    address_kind,
    decide,
    load_tracking_settings,
    resolve,
    save_tracking_settings,
    self_test,
)
from tests.engine.http_harness import live_server
from tests.smtp_sink import free_port


@pytest.mark.parametrize("url, kind", [
    ("https://mail.shop.example", PUBLIC), ("http://93.184.216.34:8787", PUBLIC),
    ("http://127.0.0.1:8787", LOOPBACK), ("http://localhost:8787", LOOPBACK),
    ("http://[::1]:8787", LOOPBACK), ("http://192.168.1.20", PRIVATE), ("http://10.0.0.5", PRIVATE),
    ("http://172.20.1.1", PRIVATE), ("http://100.64.3.4", PRIVATE), ("http://[fd00::1]", PRIVATE),
    ("http://shop-pc.local", LOCAL), ("http://nas", LOCAL), ("http://box.home.arpa", LOCAL),
])
def test_address_kinds(url, kind):
    assert address_kind(url) == kind


@pytest.mark.parametrize("url", ["ftp://x.example", "mail.example.com", "https://x.example/?a=1", ""])
def test_a_url_that_is_not_http_is_refused_with_what_to_write(url):
    with pytest.raises(UrlError, match="https://mail.example.com|no '\\?'"):
        address_kind(url)


def test_the_self_test_passes_against_this_trellis_and_loopback_is_honoured_with_a_warning(db, clock):
    with db.session() as session:
        secret = get_or_create_secret(session)
    with live_server(db, clock) as server:
        test = self_test(server.url, secret)
    assert test.passed, test.answer
    mode = decide(server.url, test)
    assert mode.tracked and mode.public_url == server.url
    assert "loopback" in mode.warning and "testing" in mode.warning


def test_another_trellis_behind_the_url_does_not_pass(db, clock, tmp_path):
    other = open_database(f"sqlite:///{tmp_path / 'other.db'}")
    with other.session() as session:
        get_or_create_secret(session)
    with db.session() as session:
        secret = get_or_create_secret(session)
    try:
        with live_server(other, clock) as server:
            test = self_test(server.url, secret)
    finally:
        other.dispose()
    assert not test.passed and "different Trellis" in test.answer
    assert not decide(server.url, test).tracked


class _NotTrellis(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 — http.server's name
        body = b'{"status": "ok"}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_another_web_server_and_nothing_at_all_do_not_pass():
    server = HTTPServer(("127.0.0.1", 0), _NotTrellis)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        test = self_test(f"http://127.0.0.1:{server.server_port}", b"s" * 32)
    finally:
        server.shutdown()
        server.server_close()
    assert not test.passed and "not as Trellis" in test.answer
    dead = self_test(f"http://127.0.0.1:{free_port()}", b"s" * 32, timeout=5)
    assert not dead.passed and dead.answer.startswith("could not reach")


def test_the_decision_in_each_case():
    url = "https://mail.shop.example"
    assert not decide(None, None).tracked
    assert not decide(url, None).tracked
    failed = decide(url, SelfTest(url, False, "could not reach it"))
    assert not failed.tracked and "could not reach it" in failed.reason
    passed = decide(url, SelfTest(url, True, "reaches this Trellis"))
    assert passed.tracked and passed.warning is None and passed.public_url == url
    # a test of another URL proves nothing about this one
    assert not decide(url, SelfTest("https://other.example", True, "ok")).tracked
    assert not decide("not a url", None).tracked


def test_resolve_tests_the_stored_url_and_remembers_the_answer(db, clock):
    with db.session() as session:
        secret = get_or_create_secret(session)
    with live_server(db, clock) as server:
        with db.session() as session:
            save_tracking_settings(session, TrackingSettings(public_url=server.url + "/"))
        mode = resolve(db.session, secret)
    assert mode.tracked and mode.public_url == server.url
    with db.session() as session:
        stored = load_tracking_settings(session)
    assert stored.public_url == server.url and stored.last_test_passed
    assert "reaches this Trellis" in stored.last_test
    with db.session() as session:
        with pytest.raises(UrlError):
            save_tracking_settings(session, TrackingSettings(public_url="mail.example.com"))


def test_the_watch_turns_tracking_off_when_the_url_stops_answering_and_on_again(db, clock):
    from engine.http.api_key import ensure_api_key
    from engine.http.app import create_app
    from engine.http.server import HttpServer
    from engine.runtime.services_start import TrackingWatch

    port = free_port()
    with db.session() as session:
        save_tracking_settings(session, TrackingSettings(public_url=f"http://127.0.0.1:{port}"))
    ensure_api_key(db, clock.now())
    decisions = []
    changed = threading.Event()

    def seen(mode):
        decisions.append(mode.tracked)
        changed.set()

    server = HttpServer(create_app(db, clock, lambda: None), "127.0.0.1", port)
    server.start()
    watch = TrackingWatch(db, seen, every=0.2).start()
    try:
        assert changed.wait(30) and decisions == [True]
        changed.clear()
        server.stop()
        assert changed.wait(30) and decisions == [True, False]
        changed.clear()
        server = HttpServer(create_app(db, clock, lambda: None), "127.0.0.1", port)
        server.start()
        assert changed.wait(30) and decisions == [True, False, True]
    finally:
        watch.stop()
        server.stop()
