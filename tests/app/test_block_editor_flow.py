"""The block editor as a marketer uses it: New from a starter on the Templates page, edit a
block, undo, redo, close and reopen; journey A's email then journey B's; every kind of
block edit undone and redone in the journey; Convert to code."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.starters import STARTERS, load_starter
from app.template_starters import starter_designs
from engine.blocks import Place
from engine.db.models import Template
from engine.journey.document import EmailTemplate
from engine.journey.drafts import store_draft
from widgets.block_editor.dialog import BlockEditorDialog
from widgets.email_editor import EmailEditorDialog
from widgets.email_preview import prepare_web_engine

prepare_web_engine()

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def journeys(db):
    ids = {}
    with db.session() as session:
        for file in ("abandoned-cart", "welcome-series"):
            document = load_starter(STARTERS / f"{file}.journey.json")
            ids[document.name] = store_draft(session, document, NOW)
    return ids


@pytest.fixture(autouse=True)
def no_question_on_close(shown_window):
    """Whatever a test leaves unsaved, the window closes without asking (a modal question
    would wait forever offscreen)."""
    yield
    page = shown_window._editor_page
    if page is not None and page.document is not None:
        page.document.undo_stack.setClean()


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
    dialog = page.edit_email("welcome-day-1")
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
    dialog = shown_window.editor_page.edit_email("cart-reminder")
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
