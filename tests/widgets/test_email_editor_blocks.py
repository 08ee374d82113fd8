"""A block email in the code email editor: shown, previewed, checked, sent as a test; its
body stays read-only with a note, while its name, subject and preview text can change."""

from __future__ import annotations

import pytest

# QtWebEngine must be loaded before the QApplication exists (pytest-qt creates it later)
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401

from app.email_session import EmailSession, open_email_editor
from tests.blocks_samples import block_template
from widgets.email_editor import BLOCKS_NOTE, EmailEditorDialog
from widgets.email_preview import prepare_web_engine

prepare_web_engine()
pytestmark = pytest.mark.usefixtures("delete_windows")
PICKS = block_template()




def test_a_block_email_is_previewed_checked_and_only_its_lines_edited(qtbot, db):
    dialog = EmailEditorDialog(PICKS)
    qtbot.addWidget(dialog)
    saved = []
    session = EmailSession(dialog, db, lambda t: saved.append(t) or "", "http://127.0.0.1:8787")
    qtbot.waitUntil(lambda: not session.is_checking() and dialog.preview.email() is not None,
                    timeout=20_000)
    editor = dialog.editor
    assert editor.body.isReadOnly() and editor.body.toPlainText() == BLOCKS_NOTE
    assert not editor.format.isEnabled() and editor.format.currentData() == "blocks"
    email = dialog.preview.email()
    assert email.subject == "Hi Alex, for you" and "SAVE15-" in email.text
    assert editor.lint.item(0).text() == "No problems found"

    editor.subject.setText("Picked for [[contact.first_name]]")
    qtbot.waitUntil(lambda: any("has no fallback" in editor.lint.item(i).text()
                                for i in range(editor.lint.count())), timeout=10_000)
    assert any(editor.lint.item(i).text().startswith("Subject: the personalisation")
               for i in range(editor.lint.count()))
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=5000)
    dialog.save_button.click()
    assert saved[-1].format == "blocks" and saved[-1].blocks == PICKS.blocks
    assert saved[-1].subject == "Picked for [[contact.first_name]]"
    # another version shown (an undo in the journey): still the note, no edit emitted
    edits = []
    editor.template_edited.connect(edits.append)
    editor.set_template(PICKS)
    qtbot.wait(400)
    assert edits == [] and editor.body.toPlainText() == BLOCKS_NOTE


def test_a_block_email_is_sent_as_a_test_to_a_real_smtp_server(qtbot, db, clock):
    from engine.delivery.smtp_settings import parse_smtp_url, save_smtp_settings
    from tests.engine.harness import Harness
    from tests.smtp_sink import SmtpSink

    Harness(db, clock).contact("ana@example.com", first_name="Ana")
    with SmtpSink() as sink:
        with db.session() as session:
            save_smtp_settings(session, parse_smtp_url(sink.url)[0])
        dialog = open_email_editor(None, db, PICKS, lambda t: "", "http://127.0.0.1:8787")
        qtbot.addWidget(dialog)
        dialog.preview.contacts.setCurrentIndex(1)
        dialog.test_button.click()
        qtbot.waitUntil(lambda: dialog.status.text().startswith("Test sent"), timeout=15_000)
        sink.wait_for(1, timeout=5)
        message = sink.messages[0].parsed()
        assert message["Subject"] == "[Test] Hi Ana, for you"
        plain = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert "Hello Ana, your picks are in" in plain and "Unsubscribe:" in plain
        assert "Hello Ana, your picks are in" in html and "mj-column" in html
