"""The email editor and preview: a real render in the browser engine (or the fallback),
desktop and mobile widths, plain text, lint results that follow each edit, and saving."""

from __future__ import annotations

import pytest

# QtWebEngine must be loaded before the QApplication exists (pytest-qt creates it later)
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401
from PySide6.QtWidgets import QTextBrowser

from app.email_session import EmailSession
from engine.journey.data import EmailTemplate
from widgets.email_editor import EmailEditorDialog
from widgets.email_preview import (
    DESKTOP_WIDTH,
    MOBILE_WIDTH,
    EmailPreview,
    prepare_web_engine,
)

prepare_web_engine()
pytestmark = pytest.mark.usefixtures("delete_windows")

CART = EmailTemplate(
    key="cart-reminder", name="Cart reminder", subject="You left something behind",
    preheader="Your cart is saved.",
    body="Hi {{ contact.first_name | default('there') }},\n\n{% for item in cart %}"
         "- {{ item.name }}\n{% endfor %}")


def page_text(qtbot, view) -> str:
    seen = []
    view.page().toPlainText(seen.append)
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    return seen[0]


def make_dialog(qtbot, db, template=CART, store=None):
    dialog = EmailEditorDialog(template)
    qtbot.addWidget(dialog)
    saved = []
    session = EmailSession(dialog, db, store or (lambda t: saved.append(t) or ""),
                           "http://127.0.0.1:8787")
    qtbot.waitUntil(lambda: not session.is_checking() and dialog.preview.email() is not None,
                    timeout=20_000)
    return dialog, session, saved


def test_preview_renders_in_the_browser_engine(qtbot, db):
    dialog, _session, _saved = make_dialog(qtbot, db)
    preview = dialog.preview
    assert preview.uses_web_engine
    dialog.show()
    qtbot.waitUntil(lambda: "Stoneware mug" in page_text(qtbot, preview.web), timeout=20_000)
    text = page_text(qtbot, preview.web)
    assert "Hi Alex" in text and "Unsubscribe" in text
    assert "You left something behind" in preview.inbox.text()
    assert "Your cart is saved." in preview.inbox.text()
    assert "Hi Alex" in preview.text.toPlainText()  # the plain-text tab
    assert preview.html_width() == DESKTOP_WIDTH
    preview.mobile.click()
    assert preview.html_width() == MOBILE_WIDTH
    preview.dark.click()
    assert preview.web.settings().testAttribute(preview.web.dark_attribute)


def test_lint_follows_each_edit_and_a_render_error_is_shown(qtbot, db):
    dialog, session, _saved = make_dialog(qtbot, db)
    editor = dialog.editor
    assert editor.lint.item(0).text() == "No problems found"
    editor.subject.setText("")
    qtbot.waitUntil(lambda: editor.lint.item(0).text() == "The subject is empty", timeout=10_000)
    assert "1 to fix" in editor.lint_title.text()
    editor.subject.setText("Back again")
    editor.body.setPlainText("Hello {{ contact.plan }}")
    qtbot.waitUntil(lambda: any("plan" in editor.lint.item(i).text()
                                for i in range(editor.lint.count())), timeout=10_000)
    editor.body.setPlainText("Hello {% if %}")
    qtbot.waitUntil(lambda: dialog.preview.html_stack.currentWidget() is dialog.preview.error,
                    timeout=10_000)
    assert "cannot be made" in dialog.preview.error.text()
    assert editor.lint.item(0).text().startswith("Syntax error")


def test_saving_hands_the_template_over(qtbot, db):
    dialog, _session, saved = make_dialog(qtbot, db)
    assert not dialog.save_button.isEnabled()
    dialog.editor.subject.setText("Still thinking it over?")
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=5000)
    dialog.save_button.click()
    assert saved[-1].subject == "Still thinking it over?" and saved[-1].key == "cart-reminder"
    assert not dialog.save_button.isEnabled() and not dialog.editor.changed()


def test_an_invalid_field_is_named_and_not_saved(qtbot, db):
    dialog, _session, saved = make_dialog(qtbot, db)
    dialog.editor.name.setText("   ")
    qtbot.waitUntil(lambda: dialog.editor.invalid.isVisibleTo(dialog), timeout=5000)
    assert dialog.editor.invalid.text().startswith("Name:")
    assert dialog.editor.template() is None and saved == []


def test_a_stored_contact_is_previewed_with_their_data(qtbot, db, clock):
    from tests.engine.harness import Harness

    Harness(db, clock).contact("ana@example.com", first_name="Ana")
    dialog, session, _saved = make_dialog(qtbot, db)
    chooser = dialog.preview.contacts
    assert chooser.itemText(1) == "Ana <ana@example.com>"
    chooser.setCurrentIndex(1)
    qtbot.waitUntil(lambda: "Hi Ana" in (dialog.preview.email() or CART).text if
                    dialog.preview.email() else False, timeout=10_000)
    # no cart events: the body's loop is empty, and nothing was written for the preview
    assert "Stoneware" not in dialog.preview.email().text


def test_without_the_browser_engine_the_panel_says_so(qtbot, monkeypatch):
    monkeypatch.setenv("TRELLIS_NO_WEBENGINE", "1")
    preview = EmailPreview()
    qtbot.addWidget(preview)
    assert not preview.uses_web_engine and isinstance(preview.web, QTextBrowser)
    assert "no browser engine" in preview.notice.text() and preview.notice.isVisibleTo(preview)
    assert not preview.dark.isEnabled()
    from engine.messaging.compose import RenderedEmail

    preview.show_email(RenderedEmail("Hi", "", "Shop", "<p>Hello <b>Ana</b></p>", "Hello Ana"))
    assert "Hello Ana" in preview.web.toPlainText()




def test_send_test_to_me_reaches_a_real_smtp_server(qtbot, db, clock):
    from engine.delivery.smtp_settings import parse_smtp_url, save_smtp_settings
    from tests.engine.harness import Harness
    from tests.smtp_sink import SmtpSink

    from app.email_session import open_email_editor

    Harness(db, clock).contact("ana@example.com", first_name="Ana")
    with SmtpSink() as sink:
        with db.session() as session:
            save_smtp_settings(session, parse_smtp_url(sink.url)[0])
        dialog = open_email_editor(None, db, CART, lambda t: "", "http://127.0.0.1:8787")
        qtbot.addWidget(dialog)
        assert not dialog.test_button.isEnabled()  # the sample contact cannot be sent
        dialog.preview.contacts.setCurrentIndex(1)
        assert dialog.test_button.isEnabled()
        assert dialog.test_recipients() == "hello@example.com"  # the settings' sender
        dialog.test_button.click()
        qtbot.waitUntil(lambda: dialog.status.text().startswith("Test sent"), timeout=15_000)
        sink.wait_for(1, timeout=5)
        message = sink.messages[0].parsed()
        assert message["Subject"] == "[Test] You left something behind"
        assert message["To"] == "hello@example.com"  # the sender address of the settings
        assert "Hi Ana" in message.get_body(("plain",)).get_content()
        # to several people at once, each their own message; a bad address sends nothing
        dialog.set_test_recipients("me@myshop.com; not an address")
        dialog.test_button.click()
        assert "test recipient 'not'" in dialog.status.text()
        dialog.set_test_recipients("me@myshop.com, Boss@MyShop.com")
        dialog.test_button.click()
        qtbot.waitUntil(lambda: "boss@myshop.com" in dialog.status.text(), timeout=15_000)
        assert sink.wait_for(3, timeout=5)
        assert [m.rcpt_tos for m in sink.messages[1:]] == [["me@myshop.com"],
                                                           ["boss@myshop.com"]]
        assert all(m.parsed()["X-Trellis-Test"] == "yes" for m in sink.messages)
    from sqlalchemy import func, select

    from engine.db.models import Message
    with db.session() as session:  # not queued, not counted
        assert session.scalar(select(func.count()).select_from(Message)) == 0


def test_without_smtp_settings_there_is_no_send_test_button(qtbot, db):
    from app.email_session import open_email_editor

    dialog = open_email_editor(None, db, CART, lambda t: "", "http://127.0.0.1:8787")
    qtbot.addWidget(dialog)
    assert dialog.test_button is None
    assert "set up an email server first: Settings ▸ Sending" in dialog.status.text()


def test_showing_another_version_emits_no_edit_and_flush_hands_over_typing(qtbot):
    dialog = EmailEditorDialog(CART)
    qtbot.addWidget(dialog)
    edits = []
    dialog.editor.template_edited.connect(edits.append)
    other = CART.model_copy(update={"subject": "Still there?", "body": "Hello"})
    dialog.editor.set_template(other)
    qtbot.wait(400)  # longer than the typing pause
    assert edits == [] and dialog.editor.subject.text() == "Still there?"
    assert not dialog.editor.changed()
    dialog.editor.subject.setText("Still there, Alex?")
    dialog.editor.flush()  # at once, not after the pause
    assert [t.subject for t in edits] == ["Still there, Alex?"]


def test_live_editing_has_no_save_and_closes_without_asking(qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    dialog = EmailEditorDialog(CART)
    qtbot.addWidget(dialog)
    dialog.set_live_editing("Changes go into the journey as you type.")
    dialog.show()
    assert not dialog.save_button.isVisible()
    edits = []
    dialog.editor.template_edited.connect(edits.append)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: pytest.fail("asked"))
    dialog.editor.subject.setText("Typed just before closing")
    dialog.reject()
    assert [t.subject for t in edits] == ["Typed just before closing"]


def test_the_contact_search_shows_its_whole_placeholder_beside_the_chooser(qtbot):
    """In the app's larger font the fixed 120 px cut it to "Find a cont…"."""
    from PySide6.QtGui import QFont

    preview = EmailPreview()
    qtbot.addWidget(preview)
    font = QFont(preview.font())
    font.setPointSize(16)
    preview.setFont(font)
    preview.set_contact_search(lambda text: None)
    preview.resize(preview.minimumSizeHint().width(), 600)
    preview.show()
    qtbot.waitExposed(preview)
    search = preview.search
    shown = search.width() - search.sizeHint().height() - 16  # less the clear button, margins
    assert shown >= search.fontMetrics().horizontalAdvance(search.placeholderText())
