"""Settings ▸ Sending as one form (engine side), and 'Test connection' in plain words."""

from __future__ import annotations

import pytest

from engine.credentials.keychain import NoKeychain
from engine.delivery.connection_check import check_connection, explain
from engine.delivery.sending_setup import (
    SendingForm,
    SendingFormError,
    check_sending_form,
    example_flags,
    load_sending_form,
    save_sending_form,
)
from engine.delivery.smtp_settings import load_smtp_settings, parse_smtp_url
from engine.settings import AppSettings, load_settings
from tests.smtp_sink import SmtpSink, free_port

GOOD = SendingForm(host="smtp.myshop.com", port="587", security="starttls", username="ana",
                   sender_name="Shop", sender_email="Hello@MyShop.com", reply_to="help@myshop.com",
                   postal_address="2 Real Road,\n  Leeds")


def test_round_trip_keeps_every_field_and_the_password_goes_to_the_keychain(db):
    stored = {}
    with db.session() as session:
        save_sending_form(session, GOOD,
                          store_password=lambda s, p: stored.update({s.host: p}))
    with db.session() as session:
        form = load_sending_form(session)
        smtp = load_smtp_settings(session)
        app = load_settings(session)
    assert stored == {}  # no password typed: nothing stored
    assert (form.host, form.port, form.security, form.username) == (
        "smtp.myshop.com", 587, "starttls", "ana")
    assert (form.sender_email, form.reply_to, form.postal_address) == (
        "hello@myshop.com", "help@myshop.com", "2 Real Road, Leeds")
    assert smtp.url() == "smtp+starttls://ana@smtp.myshop.com:587" and app.reply_to == "help@myshop.com"
    with db.session() as session:
        save_sending_form(session, SendingForm(**{**GOOD.__dict__, "password": "s3cret"}),
                          store_password=lambda s, p: stored.update({s.host: p}))
    assert stored == {"smtp.myshop.com": "s3cret"}


def test_every_bad_field_is_named_and_nothing_is_saved(db):
    bad = SendingForm(host="smtp://x", port="abc", security="ssl", username="",
                      password="pw", sender_name=" ", sender_email="not-an-address",
                      reply_to="also bad@", postal_address="x")
    with pytest.raises(SendingFormError) as caught:
        with db.session() as session:
            save_sending_form(session, bad)
    errors = caught.value.errors
    assert set(errors) == {"host", "port", "security", "username", "sender_name",
                           "sender_email", "reply_to"}
    assert errors["port"].startswith("Port: 'abc' is not a number")
    assert errors["sender_email"].startswith("From address:")
    with db.session() as session:
        assert load_smtp_settings(session) is None
        assert load_settings(session) == AppSettings()
    with pytest.raises(SendingFormError, match="Port: a whole number from 1 to 65535"):
        check_sending_form(SendingForm(**{**GOOD.__dict__, "port": "70000"}))


def test_no_keychain_is_an_error_on_the_password_and_saves_nothing(db):
    def no_keychain(_settings, _password):
        raise NoKeychain("this computer has no keychain")

    with pytest.raises(SendingFormError) as caught:
        with db.session() as session:
            save_sending_form(session, SendingForm(**{**GOOD.__dict__, "password": "pw"}),
                              store_password=no_keychain)
    assert list(caught.value.errors) == ["password"]
    with db.session() as session:
        assert load_smtp_settings(session) is None


def test_empty_server_removes_it_and_keeps_the_delivery_knobs_otherwise(db):
    with db.session() as session:
        save_sending_form(session, GOOD)
        smtp = load_smtp_settings(session)
        from engine.delivery.smtp_settings import save_smtp_settings
        save_smtp_settings(session, smtp.model_copy(update={"connections": 4}))
    with db.session() as session:
        save_sending_form(session, SendingForm(**{**GOOD.__dict__, "port": "2525"}))
        assert load_smtp_settings(session).connections == 4
    with db.session() as session:
        save_sending_form(session, SendingForm(**{**GOOD.__dict__, "host": "", "username": ""}))
    with db.session() as session:
        assert load_smtp_settings(session) is None
        assert load_settings(session).sender_email == "hello@myshop.com"


def test_example_values_are_flagged():
    from engine.delivery.sending_setup import DEMO_POSTAL_ADDRESS
    from engine.demo.shop import SHOP_SETTINGS

    assert SHOP_SETTINGS["postal_address"] == DEMO_POSTAL_ADDRESS
    assert set(example_flags(AppSettings(**SHOP_SETTINGS))) == {"sender_email", "postal_address"}
    flags = example_flags(AppSettings())
    assert set(flags) == {"sender_email", "postal_address"}
    assert flags["sender_email"].startswith("replace the example address")
    assert example_flags(AppSettings(sender_email="me@juniper-and-oak.example",
                                     postal_address="3 Real St")).keys() == {"sender_email"}
    assert example_flags(AppSettings(sender_email="me@myshop.com", postal_address="3 Real St")) == {}


def test_check_connection_in_plain_words():
    with SmtpSink() as sink:
        settings, _ = parse_smtp_url(sink.url)
        good = check_connection(settings)
        assert good.ok and good.headline.startswith("Connected")
        assert f"127.0.0.1:{sink.port}" in good.detail
        tls = check_connection(settings.model_copy(update={"security": "tls",
                                                           "timeout_seconds": 5}))
        assert not tls.ok and tls.headline.startswith("Encryption mismatch"), tls
        starttls = check_connection(settings.model_copy(update={"security": "starttls"}))
        assert not starttls.ok and "STARTTLS" in starttls.headline
    closed, _ = parse_smtp_url(f"smtp://127.0.0.1:{free_port()}")
    refused = check_connection(closed)
    assert not refused.ok and refused.headline.startswith("Can't reach the server")
    assert "connection refused" in refused.detail
    assert explain("cannot connect to x:1: unknown host name").headline.startswith("Can't find")
    assert explain("something new").headline == "The server answered with an error."


def test_reply_to_reaches_the_headers_of_journey_and_test_emails(db, clock):
    from datetime import datetime, timezone

    from engine.delivery.mime import Outgoing, Sender, message_bytes
    from engine.delivery.trial_send import send_test
    from engine.journey.data import EmailTemplate
    from tests.engine.harness import Harness

    app = AppSettings(sender_email="hello@myshop.com", reply_to="help@myshop.com")
    sender = Sender.of(app)
    outgoing = Outgoing(id=1, key="k1", contact_id=1, category="marketing",
                        to_address="ana@example.com", subject="Hi", html="<p>Hi</p>", text="Hi",
                        headers={"list_unsubscribe": "https://x.example/u/1",
                                 "list_unsubscribe_mailto": "mailto:u@myshop.com"}, attempts=0)
    data = message_bytes(outgoing, sender, datetime(2026, 3, 2, tzinfo=timezone.utc))
    assert b"\r\nReply-To: help@myshop.com\r\n" in data
    h = Harness(db, clock)
    h.settings(sender_email="hello@myshop.com", reply_to="help@myshop.com")
    h.contact("ana@example.com", first_name="Ana")
    with SmtpSink() as sink:
        smtp, _ = parse_smtp_url(sink.url)
        send_test(db, clock, smtp, EmailTemplate(key="t", name="T", subject="Hi", body="Hi"),
                  "ana@example.com", public_url="http://127.0.0.1:8787")
        assert sink.messages[0].parsed()["Reply-To"] == "help@myshop.com"


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_refused_password_in_plain_words():
    from aiosmtpd.smtp import AuthResult

    def authenticator(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"ana", b"right"),
                          handled=False)

    with SmtpSink(authenticator=authenticator, auth_required=True,
                  auth_require_tls=False) as sink:
        settings, _ = parse_smtp_url(f"smtp://ana@127.0.0.1:{sink.port}")
        assert check_connection(settings, "right").ok
        wrong = check_connection(settings, "wrong")
        assert not wrong.ok and wrong.headline == "The server refused the user name or password."
        assert "535" in wrong.detail and "app password" in wrong.hint
        missing = check_connection(settings, None)
        assert missing.headline == "The server wants a password and none is stored."
