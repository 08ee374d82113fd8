"""Settings ▸ Sending in a real window: the form round-trip and bad input, Test connection
against a live SMTP server and a closed port, Send a test email to the sink, and the way
there from the status bar."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from PySide6.QtCore import QSettings, Qt
from sqlalchemy import func, select

from app.engine_host import NO_SERVER_NOTE, EngineHost
from app.main_window import MainWindow
from app.theme import ThemeController
from engine.db.models import Message, Template
from engine.delivery.smtp_settings import load_smtp_settings
from engine.delivery.trial_send import TEST_HEADER
from engine.intake.events import record_contact_upsert
from engine.settings import load_settings
from tests.smtp_sink import SmtpSink, free_port


@pytest.fixture
def window(qtbot, qapp, db, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db, settings, ThemeController(qapp, settings))
    qtbot.addWidget(window)
    window.show()
    return window


def _fill(section, **values):
    for name, value in values.items():
        widget = getattr(section, name)
        if name == "security":
            widget.setCurrentIndex(widget.findData(value))
        elif name == "postal_address":
            widget.setPlainText(value)
        else:
            widget.setText(value)


def test_sections_and_show_settings(window):
    assert window.settings_page.section_names() == [
        "general", "sending", "rules", "tracking", "brand", "database"]
    window.show_settings("sending")
    assert window.current_page() == "settings"
    assert window.settings_page.current_section() == "sending"
    section = window.sending_section
    # a new database starts with example values: flagged, not refused
    assert section.flags["sender_email"].isVisible()
    assert "Replace the example address" in section.flags["sender_email"].text()
    assert "Replace the example address" in section.flags["postal_address"].text()
    assert "No email server is set up" in section.status.text()
    with pytest.raises(ValueError, match="unknown settings section 'nope'"):
        window.show_settings("nope")


def test_bad_input_is_named_per_field_and_nothing_is_saved(window, db, qtbot):
    window.show_settings("sending")
    section = window.sending_section
    _fill(section, host="smtp.myshop.com", port="99999", sender_email="nope",
          sender_name="", reply_to="bad@")
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    for field in ("port", "sender_email", "sender_name", "reply_to"):
        assert section.errors[field].isVisible(), field
    assert section.errors["port"].text() == "Port: a whole number from 1 to 65535"
    assert not section.errors["host"].isVisible()
    assert "Not saved: 4 fields to fix" in section.status.text()
    with db.session() as session:
        assert load_smtp_settings(session) is None
        assert load_settings(session).sender_name == "Trellis Shop"
    # a password with no keychain on this machine: said on the password field, nothing saved
    _fill(section, port="587", sender_email="hello@myshop.com", sender_name="My Shop",
          reply_to="", username="me@myshop.com", password="secret")
    from engine.credentials.keychain import keychain_available
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    if not keychain_available():
        assert "no keychain" in section.errors["password"].text()
        with db.session() as session:
            assert load_smtp_settings(session) is None


def test_round_trip(window, db, qtbot):
    window.show_settings("sending")
    section = window.sending_section
    _fill(section, host="smtp.myshop.com", port="465", security="tls", username="me@myshop.com",
          sender_name="My Shop", sender_email="Hello@MyShop.com", reply_to="help@myshop.com",
          postal_address="2 Real Road\nLeeds LS1 1AA")
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    assert section.status.text() == "Saved."
    with db.session() as session:
        smtp = load_smtp_settings(session)
        app = load_settings(session)
    assert smtp.url() == "smtps://me@myshop.com@smtp.myshop.com:465"
    assert (app.sender_name, app.sender_email, app.reply_to, app.postal_address) == (
        "My Shop", "hello@myshop.com", "help@myshop.com", "2 Real Road Leeds LS1 1AA")
    # shown again from the database, flags gone
    window.show_page("journeys")
    window.show_settings("sending")
    assert section.host.text() == "smtp.myshop.com" and section.port.text() == "465"
    assert section.security.currentData() == "tls"
    assert section.sender_email.text() == "hello@myshop.com"
    assert not section.flags["sender_email"].isVisible()
    assert not section.flags["postal_address"].isVisible()


def test_security_picks_its_usual_port(window):
    section = window.sending_section
    section.port.setText("587")
    section.security.setCurrentIndex(section.security.findData("tls"))
    assert section.port.text() == "465"
    section.port.setText("2525")
    section.security.setCurrentIndex(section.security.findData("none"))
    assert section.port.text() == "2525"  # a port the user chose stays


def test_test_connection_live_and_closed(window, qtbot):
    window.show_settings("sending")
    section = window.sending_section
    with SmtpSink() as sink:
        _fill(section, host="127.0.0.1", port=str(sink.port), security="none")
        qtbot.mouseClick(section.test_button, Qt.MouseButton.LeftButton)
        assert not section.test_button.isEnabled()  # off the GUI thread: the window lives on
        qtbot.waitUntil(section.test_button.isEnabled, timeout=10_000)
        assert section.connection_headline.text().startswith("✓ Connected")
        assert f"127.0.0.1:{sink.port}" in section.connection_detail.text()
    _fill(section, port=str(free_port()))
    qtbot.mouseClick(section.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(section.test_button.isEnabled, timeout=10_000)
    assert section.connection_headline.text().startswith("✗ Can't reach the server")
    assert "connection refused" in section.connection_detail.text()
    _fill(section, port="x")
    qtbot.mouseClick(section.test_button, Qt.MouseButton.LeftButton)
    assert section.errors["port"].isVisible()


def test_send_a_test_email_arrives_marked_and_untracked(window, db, qtbot):
    now = datetime.now(timezone.utc)
    with db.session() as session:
        record_contact_upsert(session, {"email": "ana@example.com", "first_name": "Ana"},
                              now=now, source="test")
        session.add(Template(key="hello", name="Hello", subject="Hi {{ contact.first_name }}",
                             body="Hello {{ contact.first_name }}", created_at=now,
                             updated_at=now))
    window.show_settings("sending")
    section = window.sending_section
    with SmtpSink() as sink:
        _fill(section, host="127.0.0.1", port=str(sink.port), security="none",
              sender_email="owner@myshop.com", sender_name="My Shop",
              postal_address="2 Real Road, Leeds")
        qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
        assert section.status.text() == "Saved."
        assert section.test_template.currentData() == "library:hello"
        assert section.test_contact.currentText() == "Ana <ana@example.com>"
        assert section.test_to.text() == "owner@myshop.com"
        section.test_to.setText("owner@myshop.com, colleague@myshop.com")
        qtbot.mouseClick(section.send_test_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(section.send_test_button.isEnabled, timeout=10_000)
        assert sink.wait_for(2, 5)
        assert "Sent “[Test] Hi Ana”" in section.test_result.text()
        received = sorted(sink.messages, key=lambda m: m.rcpt_tos)
    assert [m.rcpt_tos for m in received] == [["colleague@myshop.com"], ["owner@myshop.com"]]
    parsed = received[0].parsed()
    assert parsed["Subject"] == "[Test] Hi Ana" and parsed[TEST_HEADER] == "yes"
    assert "Hello Ana" in parsed.get_body(("plain",)).get_content()
    with db.session() as session:  # outside the outbox: nothing queued, nothing counted
        assert session.scalar(select(func.count()).select_from(Message)) == 0
    section.test_to.setText("not an address")
    qtbot.mouseClick(section.send_test_button, Qt.MouseButton.LeftButton)
    assert "test recipient 'not'" in section.test_result.text()


def test_status_bar_warning_opens_sending_and_saving_starts_delivery(qtbot, qapp, db, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    host = EngineHost(db, interval=60, deliver=True)
    window = MainWindow(db, settings, ThemeController(qapp, settings), host)
    qtbot.addWidget(window)
    window.show()
    host.start()
    try:
        assert NO_SERVER_NOTE in host.status().notes
        assert window._sending_link.isVisible()
        qtbot.mouseClick(window._sending_link, Qt.MouseButton.LeftButton)
        assert window.current_page() == "settings"
        assert window.settings_page.current_section() == "sending"
        with SmtpSink() as sink:
            _fill(window.sending_section, host="127.0.0.1", port=str(sink.port),
                  security="none", sender_email="owner@myshop.com")
            qtbot.mouseClick(window.sending_section.save_button, Qt.MouseButton.LeftButton)
            assert host.delivery is not None
            assert NO_SERVER_NOTE not in host.status().notes
            assert not window._sending_link.isVisible()
    finally:
        host.stop()
