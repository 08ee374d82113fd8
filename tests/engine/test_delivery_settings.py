"""SMTP settings: URLs, where the password lives, connection tests (plain, STARTTLS with
login, TLS) against real aiosmtpd servers, and "send a test to me"."""

from __future__ import annotations

import shutil
import ssl
import subprocess

import pytest
from aiosmtpd.smtp import AuthResult
from sqlalchemy import func, select

from engine.db.models import Coupon, Message, Setting
from engine.delivery.password import ENV, smtp_password, store_smtp_password
from engine.delivery.smtp_settings import (
    SmtpSettings, SmtpUrlError, load_smtp_settings, parse_smtp_url, save_smtp_settings,
)
from engine.delivery.transport import DeliveryError, test_connection
from engine.delivery.trial_send import TEST_HEADER, send_test
from engine.journey.data import EmailTemplate
from engine.credentials.keychain import keychain_available
from tests.smtp_sink import SmtpSink


@pytest.mark.parametrize("url, expected", [
    ("smtp://127.0.0.1:2525", ("127.0.0.1", 2525, "none", None)),
    ("smtp://mail.example.com", ("mail.example.com", 25, "none", None)),
    ("smtp+starttls://ana@mail.example.com", ("mail.example.com", 587, "starttls", "ana")),
    ("smtps://user%40shop@mail.example.com:465", ("mail.example.com", 465, "tls", "user@shop")),
    ("SMTPS://[::1]:4650", ("::1", 4650, "tls", None)),
])
def test_urls(url, expected):
    settings, password = parse_smtp_url(url)
    assert (settings.host, settings.port, settings.security, settings.username) == expected
    assert password is None


def test_password_in_url_is_returned_not_kept():
    settings, password = parse_smtp_url("smtps://ana:s%3Acret@mail.example.com")
    assert password == "s:cret" and "s:cret" not in settings.model_dump_json()
    assert settings.url() == "smtps://ana@mail.example.com:465"


@pytest.mark.parametrize("url, message", [
    ("mail.example.com:25", "is not an SMTP URL"),
    ("http://mail.example.com", "unsupported scheme 'http'"),
    ("smtp://", "names no server"),
    ("smtp://mail.example.com:99999", "port"),
    ("smtp://mail.example.com:abc", "port"),
    ("smtp://mail.example.com/inbox", r"only scheme://\[user@\]host\[:port\]"),
])
def test_bad_urls_say_what_is_wrong(url, message):
    with pytest.raises(SmtpUrlError, match=message):
        parse_smtp_url(url)


def test_settings_are_stored_without_a_password(db):
    settings, _ = parse_smtp_url("smtp+starttls://ana:secret@mail.example.com")
    with db.session() as session:
        assert load_smtp_settings(session) is None
        save_smtp_settings(session, settings.model_copy(update={"connections": 4}))
    with db.session() as session:
        loaded = load_smtp_settings(session)
        stored = session.scalar(select(Setting.value).where(Setting.key == "smtp"))
    assert loaded.connections == 4 and loaded.username == "ana"
    assert "secret" not in str(stored) and "password" not in stored


def test_password_comes_from_the_environment_without_a_keychain(monkeypatch):
    if keychain_available():
        pytest.skip("this machine has a keychain")
    settings = SmtpSettings(host="mail.example.com", username="ana")
    monkeypatch.delenv(ENV, raising=False)
    assert smtp_password(settings) is None
    monkeypatch.setenv(ENV, "from-env")
    assert smtp_password(settings) == "from-env"
    assert smtp_password(settings.model_copy(update={"username": None})) is None
    with pytest.raises(Exception, match=ENV):
        store_smtp_password(settings, "x")


def test_connection_to_a_plain_server():
    with SmtpSink() as sink:
        settings, _ = parse_smtp_url(sink.url)
        assert test_connection(settings).startswith(f"connected to 127.0.0.1:{sink.port}")


def test_connection_refused_and_wrong_encryption_are_explained():
    closed, _ = parse_smtp_url(f"smtp://127.0.0.1:{SmtpSink().port}")
    with pytest.raises(DeliveryError, match="connection refused"):
        test_connection(closed)
    with SmtpSink() as sink:
        starttls, _ = parse_smtp_url(f"smtp+starttls://127.0.0.1:{sink.port}")
        with pytest.raises(DeliveryError, match="does not offer STARTTLS"):
            test_connection(starttls)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context, str(cert)


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = (auth_data.login, auth_data.password) == (b"ana", b"right")
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


def test_starttls_with_login(certificate):
    context, ca_file = certificate
    with SmtpSink(tls_context=context, require_starttls=True, authenticator=_authenticator,
                  auth_required=True) as sink:
        settings, _ = parse_smtp_url(f"smtp+starttls://ana@127.0.0.1:{sink.port}")
        settings = settings.model_copy(update={"ca_file": ca_file})
        assert "STARTTLS, logged in as ana" in test_connection(settings, "right")
        with pytest.raises(DeliveryError, match="did not accept the user name or password"):
            test_connection(settings, "wrong")
        with pytest.raises(DeliveryError, match="needs the password"):
            test_connection(settings, None)
        untrusted = settings.model_copy(update={"ca_file": None})
        with pytest.raises(DeliveryError, match="certificate verify failed|TLS"):
            test_connection(untrusted, "right")


def test_implicit_tls(certificate):
    context, ca_file = certificate
    with SmtpSink(ssl_context=context) as sink:
        settings, _ = parse_smtp_url(f"smtps://127.0.0.1:{sink.port}")
        settings = settings.model_copy(update={"ca_file": ca_file})
        assert ", TLS" in test_connection(settings)


def test_send_test_renders_for_the_contact_and_sends_to_me(db, clock):
    from tests.engine.harness import Harness

    h = Harness(db, clock)
    h.settings(sender_email="owner@shop.example", sender_name="Shop")
    h.contact("ana@example.com", first_name="Ana")
    template = EmailTemplate(key="promo", name="Promo", subject="For you, {{ contact.first_name }}",
                             body="Code {{ coupon(10, 7) }} just for you, {{ contact.first_name }}.")
    with SmtpSink() as sink:
        settings, _ = parse_smtp_url(sink.url)
        sent = send_test(db, clock, settings, template, "ana@example.com",
                         public_url="https://mail.shop.example")
        [got] = sink.messages
    parsed = got.parsed()
    assert got.rcpt_tos == ["owner@shop.example"] and sent.to == "owner@shop.example"
    assert parsed["Subject"] == "[Test] For you, Ana" and parsed[TEST_HEADER] == "yes"
    assert parsed["Message-ID"] == sent.message_id
    assert "just for you, Ana" in parsed.get_body(("plain",)).get_content()
    assert "https://mail.shop.example/u/" in parsed["List-Unsubscribe"]
    with db.session() as session:  # outside the outbox, and the preview's coupon rolled back
        assert session.scalar(select(func.count()).select_from(Message)) == 0
        assert session.scalar(select(func.count()).select_from(Coupon)) == 0
    with pytest.raises(LookupError, match="no contact"):
        send_test(db, clock, settings, template, "nobody@example.com", public_url="https://x.example")
