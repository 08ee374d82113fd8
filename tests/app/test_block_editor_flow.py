"""The block editor as a marketer uses it: New from a starter on the Templates page, edit a
block, undo, redo, close and reopen; journey A's email then journey B's; every kind of
block edit undone and redone in the journey; Convert to code."""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import Qt

from app.template_starters import starter_designs
from engine.blocks import Place
from engine.db.models import Template
from engine.journey.data import EmailTemplate
from widgets.block_editor.dialog import BlockEditorDialog
from widgets.email_editor import EmailEditorDialog
from widgets.email_preview import prepare_web_engine

prepare_web_engine()

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def settle(window) -> None:
    """What a test left unsaved is let go, so closing the window asks nothing (a modal
    question would wait forever offscreen)."""
    window.editor_page.document.undo_stack.setClean()


def rows(dialog) -> list[str]:
    listed = dialog.editor.blocks
    return [listed.item(n).text() for n in range(listed.count())]


def type_into(qtbot, widget, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClicks(widget, text)


def test_new_from_a_starter_edit_undo_redo_close_and_reopen(qtbot, shown_window, db):
    shown_window.show_page("templates")
    controller = shown_window.templates
    design = next(d for d in starter_designs() if d.name == "Welcome")
    template_id = controller.new_template(design, "Spring welcome")
    dialog = controller.last_dialog
    assert isinstance(dialog, BlockEditorDialog)
    editor = dialog.editor
    assert editor.blocks.selected_id() == "heading-1"
    type_into(qtbot, editor.form.widget("text"), "Spring is here, [[contact.first_name|friend]]")
    editor.flush()

    def stored() -> EmailTemplate:
        with db.session() as session:
            row = session.get(Template, template_id)
            return EmailTemplate(key=row.key, name=row.name, subject=row.subject,
                                 body=row.body, format=row.body_format)

    edited = "Spring is here, [[contact.first_name|friend]]"
    assert stored().blocks.blocks[0].text == edited  # stored as made
    assert rows(dialog)[0] == "Heading · Spring is here, {first name}"
    dialog.undo_action.trigger()
    assert stored().blocks.blocks[0].text == design.template.blocks.blocks[0].text
    assert editor.form.widget("text").text() == design.template.blocks.blocks[0].text
    dialog.redo_action.trigger()
    assert editor.form.widget("text").text() == edited
    dialog.close()

    entry = next(e for e in shown_window.templates_page.entries() if e.template_id == template_id)
    controller.do("open", entry)
    again = controller.last_dialog
    assert again is not dialog and isinstance(again, BlockEditorDialog)
    assert again.editor.template().blocks.blocks[0].text == edited
    assert rows(again)[0] == "Heading · Spring is here, {first name}"
    again.close()


def test_journey_as_email_then_journey_bs_shows_bs_blocks(qtbot, shown_window, journeys):
    shown_window.show_page("templates")
    entries = shown_window.templates_page.entries()
    cart = next(e for e in entries if e.key == "cart-reminder")
    welcome = next(e for e in entries if e.key == "welcome-day-1")
    shown_window.templates.do("open", cart)
    first = shown_window.templates.last_dialog
    assert isinstance(first, BlockEditorDialog)
    assert first.editor.template().blocks == cart.template.blocks
    first.close()
    shown_window.templates.do("open", welcome)
    second = shown_window.templates.last_dialog
    assert shown_window.editor_page.journey_id == journeys["Welcome series"]
    assert second.editor.template().blocks == welcome.template.blocks
    assert len(rows(second)) == sum(1 for _ in welcome.template.blocks.walk())
    second.close()


def test_every_block_edit_is_one_undo_step_of_the_journey(qtbot, shown_window, journeys):
    shown_window.journeys.open_journey(journeys["Welcome series"])
    page = shown_window.editor_page
    document = page.document
    dialog = page.emails.edit("welcome-day-1")
    editor = dialog.editor
    stack = document.undo_stack
    first_id = editor.template().blocks.blocks[0].id

    def step(action):
        before, depth = document.journey.templates["welcome-day-1"], stack.count()
        action()
        editor.flush()
        after = document.journey.templates["welcome-day-1"]
        assert after != before and stack.count() == depth + 1, action
        stack.undo()
        assert document.journey.templates["welcome-day-1"] == before
        assert editor.template().blocks == before.blocks  # the editor follows
        stack.redo()
        assert document.journey.templates["welcome-day-1"] == after
        assert editor.template().blocks == after.blocks

    editor.blocks.select_block(first_id)
    step(lambda: editor.palette.buttons["image"].click())  # insert
    editor.blocks.select_block("image-1")
    step(lambda: editor.form.widget("align").setCurrentIndex(0))  # a choice
    step(lambda: type_into(qtbot, editor.form.widget("alt"), "Our shop front"))  # typing
    step(lambda: editor.move("image-1", Place(0)))  # move
    editor.blocks.select_block("image-1")
    step(lambda: editor.duplicate_selected())  # duplicate
    editor.blocks.select_block("image-1")
    step(lambda: editor.remove_selected())  # remove
    step(lambda: editor.palette.buttons["columns"].click())
    step(lambda: editor.form.insert_requested.emit("text", Place(0, "columns-1", 0)))
    step(lambda: editor.palette.buttons["coupon"].click())
    editor.blocks.select_block("coupon-1")
    step(lambda: editor.form.widget("percent").setValue(25))  # a number
    step(lambda: type_into(qtbot, editor.subject, "A new subject"))  # the email's lines
    # typing in one field, in several pauses, is still one step
    depth = stack.count()
    editor.blocks.select_block(first_id)
    for words in ("Hello", "Hello there", "Hello there, friend"):
        type_into(qtbot, editor.form.widget("text"), words)
        editor.flush()
    assert stack.count() == depth + 1
    stack.undo()
    dialog.close()
    while stack.canUndo():
        stack.undo()
    assert not page.dirty()


def test_convert_to_code_is_one_undoable_step(qtbot, shown_window, journeys):
    shown_window.journeys.open_journey(journeys["Abandoned cart"])
    document = shown_window.editor_page.document
    dialog = shown_window.editor_page.emails.edit("cart-reminder")
    blocks = document.journey.templates["cart-reminder"]
    code_dialog = dialog.session.convert("markdown")
    converted = document.journey.templates["cart-reminder"]
    assert converted.format == "markdown" and "{{" in converted.body
    assert isinstance(code_dialog, EmailEditorDialog)
    assert not isinstance(code_dialog, BlockEditorDialog)
    assert code_dialog.editor.body.toPlainText() == converted.body
    document.undo_stack.undo()
    assert document.journey.templates["cart-reminder"] == blocks
    code_dialog.close()


def test_the_picker_shows_the_chosen_contacts_values_and_inserts_chips(qtbot, shown_window,
                                                                        journeys, db):
    from engine.db.models import Contact

    with db.session() as session:
        session.add(Contact(email="mia@example.com", first_name="Mia", last_name="Stone",
                            attributes={"city": "Lyon"}, created_at=NOW, updated_at=NOW))
    shown_window.journeys.open_journey(journeys["Welcome series"])
    page = shown_window.editor_page
    dialog = page.emails.edit("welcome-day-1")
    preview = dialog.preview
    preview.contacts.setCurrentIndex(preview.contacts.findText("Mia Stone <mia@example.com>"))
    picker = dialog.session.open_picker()
    assert picker.tree.headerItem().text(1) == "Value for Mia Stone <mia@example.com>"
    values = {item.data(0, Qt.ItemDataRole.UserRole + 1): item.text(1)
              for _g, item in picker._items()}
    assert values["contact.first_name"] == "Mia" and values["contact.city"] == "Lyon"
    assert values["cart"] == "(empty cart)" and values["shop.name"]
    editor = dialog.editor
    editor.blocks.select_block(editor.template().blocks.blocks[1].id)
    text = editor.form.widget("text")
    text.setFocus()
    text.moveCursor(text.textCursor().MoveOperation.End)
    assert picker.choose("contact.city")
    picker.fallback.setText("your town")
    picker.insert.click()
    editor.flush()
    inserted = document_text = page.document.journey.templates["welcome-day-1"]
    assert inserted.blocks.blocks[1].text.endswith("[[contact.city|your town]]")
    assert "{{" not in document_text.blocks.blocks[1].text  # never template code in blocks
    # the coupon comes as its own block
    picker = dialog.session.open_picker()
    picker.choose("coupon")
    assert not picker.fallback.isEnabled()
    picker.insert.click()
    assert any(b.type == "coupon" for b in page.document.journey.templates["welcome-day-1"].blocks.blocks)
    dialog.close()
    settle(shown_window)


def test_in_code_the_picker_inserts_jinja_with_a_default(qtbot, shown_window, journeys):
    from engine.messaging.lint import lint_template

    shown_window.journeys.open_journey(journeys["Welcome series"])
    page = shown_window.editor_page
    dialog = page.emails.edit("welcome-day-1").session.convert("markdown")
    editor = dialog.editor
    editor.body.setFocus()
    editor.body.moveCursor(editor.body.textCursor().MoveOperation.End)
    assert dialog.session.insert_field("contact.first_name", "friend")
    assert dialog.session.insert_field("recommendations", "")
    editor.flush()
    body = page.document.journey.templates["welcome-day-1"].body
    assert body.count('{{ contact.first_name | default("friend") }}') >= 1
    assert "{% for item in recommendations(3) %}" in body
    assert not [p for p in lint_template(page.document.journey.templates["welcome-day-1"])
                if p[0] == "error"]
    dialog.close()
    settle(shown_window)
