"""The block editor on its own: palette, list, side form, moves, chips and checks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from engine.blocks import BlockDocument, HeadingBlock, Place, TextBlock
from engine.journey.data import EmailTemplate
from widgets.block_editor.block_list import moved_place
from widgets.block_editor.editor import BlockEditor
from widgets.block_editor.summaries import problems_by_block, summary


def _template() -> EmailTemplate:
    blocks = BlockDocument.new((HeadingBlock(id="heading-1", text="Hello [[contact.first_name|there]]"),
                                TextBlock(id="text-1", text="Some **news**.")))
    return EmailTemplate(key="news", name="News", subject="Hi", format="blocks", blocks=blocks)


@pytest.fixture
def editor(qtbot):
    editor = BlockEditor(_template())
    qtbot.addWidget(editor)
    editor.resize(1000, 800)
    editor.show()
    return editor


def ids(editor) -> list[str]:
    return [b.id for b, *_ in editor.template().blocks.walk()]


def test_rows_read_as_the_blocks_do(editor):
    assert [editor.blocks.item(n).text() for n in range(editor.blocks.count())] == [
        "Heading · Hello {first name}", "Text · Some news.",
        "Footer · Unsubscribe link and postal address"]
    assert editor.blocks.selected_id() == "heading-1"
    assert editor.form.title.text() == "Heading block"


def test_palette_adds_after_the_chosen_block_and_the_form_edits_it(qtbot, editor):
    with qtbot.waitSignal(editor.template_edited) as edited:
        editor.palette.buttons["button"].click()
    assert ids(editor) == ["heading-1", "button-1", "text-1", "footer"]
    assert edited.args[0].blocks.blocks[1].type == "button"
    assert editor.blocks.selected_id() == "button-1" and editor.last_merge_key is None
    url = editor.form.widget("url")
    qtbot.keyClicks(url, "https://shop.example/new")
    with qtbot.waitSignal(editor.template_edited, timeout=2000) as edited:
        pass
    assert edited.args[0].blocks.blocks[1].url == "https://shop.example/new"
    assert editor.last_merge_key == ("button-1", "url")  # typing in one field: one step
    editor.form.widget("align").setCurrentIndex(0)
    assert editor.template().blocks.blocks[1].align == "left"


def test_a_refused_edit_changes_nothing_and_says_why(qtbot, editor):
    editor.blocks.select_block("footer")
    assert not editor.remove.isEnabled()
    before = editor.template()
    with qtbot.assertNotEmitted(editor.template_edited):
        assert not editor.move("footer", Place(0))
    assert editor.template() == before
    assert "footer stays at the end" in editor.status.text()
    # a bad value in the form: the field says why, the block keeps its value
    editor.blocks.select_block("heading-1")
    editor.form.widget("text").setText("[bad](javascript:alert(1))")
    editor.form.widget("text").textEdited.emit("[bad](javascript:alert(1))")
    with qtbot.assertNotEmitted(editor.template_edited):
        editor.flush()
    assert editor.template() == before
    assert editor.form.error.isVisible() and "javascript" in editor.form.error.text().lower()


def test_moves_by_keyboard_and_drop_places(qtbot, editor):
    editor.blocks.select_block("text-1")
    editor.blocks.setFocus()
    qtbot.keyClick(editor.blocks, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert ids(editor) == ["text-1", "heading-1", "footer"]
    assert editor.blocks.selected_id() == "text-1"
    # a drop below a row further down lands there, counted without the moved block
    assert moved_place(Place(0), Place(2)) == Place(1)
    assert moved_place(Place(2), Place(0)) == Place(0)
    assert moved_place(Place(1, "columns-1", 0), Place(3)) == Place(3)


def test_columns_hold_blocks_and_inner_ones_are_listed(qtbot, editor):
    editor.palette.buttons["columns"].click()
    editor.form.insert_requested.emit("text", Place(0, "columns-1", 1))
    rows = [editor.blocks.item(n).text() for n in range(editor.blocks.count())]
    assert rows[2].startswith("      ↳ Text") and editor.blocks.selected_id() == "text-2"
    # a product grid chosen inside a column goes after the columns block
    editor.palette.buttons["products"].click()
    assert ids(editor)[:5] == ["heading-1", "columns-1", "text-2", "products-1", "text-1"]


def test_duplicate_remove_and_chips(qtbot, editor):
    editor.blocks.select_block("text-1")
    editor.duplicate.click()
    assert ids(editor) == ["heading-1", "text-1", "text-2", "footer"]
    assert editor.blocks.selected_id() == "text-2"
    editor.remove.click()
    assert ids(editor) == ["heading-1", "text-1", "footer"]
    editor.blocks.select_block("text-1")
    text = editor.form.widget("text")
    text.setFocus()
    text.moveCursor(text.textCursor().MoveOperation.End)
    assert editor.insert_text("[[contact.city|your town]]")
    editor.flush()
    assert editor.template().blocks.blocks[1].text.endswith("[[contact.city|your town]]")


def test_checks_mark_their_blocks(editor):
    doc = editor.template().blocks
    lint = [("warning", "Block 2 (Text): low contrast"), ("error", "Subject: the subject is empty")]
    assert problems_by_block(doc, lint) == {"text-1": [("warning", "low contrast")]}
    editor.set_lint(lint)
    assert editor.blocks.problem_count("text-1") == 1
    assert editor.lint_title.text() == "Checks — 1 to fix, 1 to look at"


def test_summaries_of_every_kind():
    from engine.blocks import BLOCK_TYPES, new_block

    doc = BlockDocument.new()
    for kind in BLOCK_TYPES:
        if kind == "footer":
            continue
        fields = {"skus": ("A",)} if kind == "products" else {}
        assert summary(new_block(doc, kind, **fields)).split(" · ")[0]


def test_a_palette_entry_dropped_on_a_row_goes_in_its_place(qtbot, editor):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDropEvent

    from widgets.block_editor.block_list import block_mime

    listed = editor.blocks
    centre = listed.visualItemRect(listed.item(1)).center()
    data = block_mime("divider")
    drop = QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, data,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    listed.dropEvent(drop)
    assert ids(editor) == ["heading-1", "divider-1", "text-1", "footer"]
    # dropping a row below the last one puts it just before the footer, never after it
    assert listed.row_of("footer") == 3


def test_the_starter_order_confirmation_opens_with_its_event_sources(qtbot):
    """Grids of the triggering event's items or product read and edit like the others."""
    from pathlib import Path

    from engine.journey.file_format import read_journey_file

    path = Path(__file__).resolve().parents[2] / "resources/journeys/post-purchase.journey.json"
    loaded = read_journey_file(path)
    assert loaded.document is not None, loaded.problems
    templates = [t for t in loaded.document.templates if t.format == "blocks"
                 and any(b.type == "products" and b.source == "event_items"
                         for b, *_ in t.blocks.walk())]
    assert templates, "the starter order confirmation lists the order's items"
    editor = BlockEditor(templates[0])
    qtbot.addWidget(editor)
    grid = next(b for b, *_ in templates[0].blocks.walk() if b.type == "products")
    rows = [editor.blocks.item(n).text() for n in range(editor.blocks.count())]
    assert any("the event's items" in row for row in rows)
    editor.blocks.select_block(grid.id)
    source = editor.form.widget("source")
    assert source.currentData() == "event_items"
    source.setCurrentIndex(source.findData("event_product"))
    changed = next(b for b, *_ in editor.template().blocks.walk() if b.id == grid.id)
    assert changed.source == "event_product"
