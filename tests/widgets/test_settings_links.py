"""Settings cards for links and mail, driven offscreen with real parts behind them: the
tracking self-test against a live Trellis server, the mailbox test against Dovecot, the
deliverability check against a DNS server on loopback."""

from __future__ import annotations

import pytest

from engine.delivery.deliverability import check_domain
from engine.delivery.dkim_sign import DkimSetup
from engine.mailbox.setup import MailboxSetup
from engine.messaging.tracking import TrackingSetup
from tests.dns_server import DnsServer
from tests.engine.http_harness import live_server
from tests.imap_server import skip_reason, start_dovecot
from tests.smtp_sink import free_port
from widgets.deliverability_card import DeliverabilityCard
from widgets.settings_mailbox import MailboxCard
from widgets.settings_tracking import OFF_WORDS, TrackingCard


def test_tracking_card_tests_the_url_and_says_what_it_means(qtbot, db, clock):
    setup = TrackingSetup(db)
    card = TrackingCard(setup)
    qtbot.addWidget(card)
    assert card.answer.text() == OFF_WORDS
    with live_server(db, clock) as server:
        card.url.setText(server.url)
        with qtbot.waitSignal(card.tracking_changed, timeout=30_000) as signal:
            card.test_button.click()
    assert signal.args[0].tracked
    assert "reaches this Trellis" in card.answer.text() and card.answer.property("tone") == "success"
    assert not card.warning.isHidden() and "loopback" in card.warning.text()
    assert setup.load().public_url == server.url and setup.load().last_test_passed

    dead = f"http://127.0.0.1:{free_port()}"
    card.url.setText(dead)
    with qtbot.waitSignal(card.tracking_changed, timeout=30_000) as signal:
        card.test_button.click()
    assert not signal.args[0].tracked and card.answer.text().startswith("tracking is off: could not reach")

    card.url.setText("mail.example.com")
    card.test_button.click()
    assert "is not an http(s) URL" in card.answer.text() and card.answer.property("tone") == "danger"
    assert setup.load().public_url == dead  # the bad URL stored nothing
    card.url.setText("")
    card.test_button.click()
    assert card.answer.text() == OFF_WORDS and setup.load().public_url is None


@pytest.fixture
def imap():
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    server = start_dovecot()
    yield server
    server.stop()


def _fill(card: MailboxCard, server) -> None:
    card.host.setText(server.host)
    card.security.setCurrentIndex(card.security.findData("none"))
    card.port.setValue(server.port)
    card.username.setText(server.user)


def test_mailbox_card_tests_the_connection_and_saves_only_what_is_valid(qtbot, db, imap):
    setup = MailboxSetup(db)
    card = MailboxCard(setup)
    qtbot.addWidget(card)
    assert "not read yet" in card.status.text()
    _fill(card, imap)
    card.password.setText(imap.password)
    card.test_button.click()
    qtbot.waitUntil(lambda: card.test_button.isEnabled(), timeout=30_000)
    assert card.status.text().startswith("Connected to shop on 127.0.0.1"), card.status.text()
    card.password.setText("wrong")
    card.test_button.click()
    qtbot.waitUntil(lambda: card.test_button.isEnabled(), timeout=30_000)
    assert "did not accept the user name or password" in card.status.text()

    card.host.setText("")
    card.save_button.click()
    assert card.status.text().startswith("IMAP server:") and setup.load() == (None, False)
    card.host.setText(imap.host)
    # this machine has no keychain: the password cannot be kept, so nothing is stored
    card.password.setText(imap.password)
    card.save_button.click()
    assert "TRELLIS_IMAP_PASSWORD" in card.status.text() and setup.load() == (None, False)
    card.password.clear()
    with qtbot.waitSignal(card.saved):
        card.save_button.click()
    settings, has_password = setup.load()
    assert settings.port == imap.port and not has_password
    assert "no password found" in card.status.text()


def test_deliverability_card_shows_each_check_with_its_fix(qtbot, db):
    with DnsServer({"shop.example": ["v=spf1 include:_spf.provider.example ~all"]}) as dns:
        card = DeliverabilityCard(lambda: check_domain("shop.example", resolver=dns.resolver()),
                                  dkim=DkimSetup(db), domain="shop.example")
        qtbot.addWidget(card)
        card.run_check()
        qtbot.waitUntil(lambda: card.check_button.isEnabled() and bool(card.rows), timeout=30_000)
    assert [(check, pill) for check, pill, _ in card.rows] == [
        ("SPF", "OK"), ("DKIM", "Warning"), ("DMARC", "Problem")]
    assert "_dmarc.shop.example" in card.rows[2][2] and "shop.example: 2 thing(s) to fix." == card.summary.text()
    # no keychain here: signing cannot keep its key, says so, and stays off
    card.sign.setChecked(True)
    assert not card.sign.isChecked() and "TRELLIS_DKIM_KEY_FILE" in card.record.text()
    assert DkimSetup(db).load() == (None, None)
