"""The block model and its pure edits (engine/blocks)."""

import pytest
from pydantic import ValidationError

from engine.blocks import (
    BlockDocument, BlockEditError, Place, duplicate_block, find, insert_block, move_block,
    new_block, remove_block, update_block,
)
from engine.blocks.inline import Chip, ListBlock, Paragraph, chip_token, chips_in, parse_paragraphs
from engine.journey.data import EmailTemplate


def doc_with(*types):
    doc = BlockDocument.new()
    for n, kind in enumerate(types):
        doc = insert_block(doc, new_block(doc, kind), Place(n))
    return doc


def ids(doc):
    return [block.id for block, *_ in doc.walk()]


def test_a_new_email_is_its_footer_and_ids_are_stable_and_fresh():
    doc = doc_with("heading", "text", "text")
    assert ids(doc) == ["heading-1", "text-1", "text-2", "footer"]
    doc, removed, place = remove_block(doc, "text-1")
    assert (removed.id, place) == ("text-1", Place(1))
    assert new_block(doc, "text").id == "text-1"  # the lowest free number
    assert ids(insert_block(doc, removed, place)) == ["heading-1", "text-1", "text-2", "footer"]


def test_edits_return_new_documents_and_leave_the_old_one_alone():
    doc = doc_with("text")
    changed = update_block(doc, "text-1", {"text": "Hello **you**"})
    assert find(doc, "text-1")[0].text == ""
    assert find(changed, "text-1")[0].text == "Hello **you**"
    with pytest.raises(ValidationError):
        find(changed, "text-1")[0].text = "x"  # frozen


def test_the_footer_cannot_be_removed_moved_duplicated_or_followed():
    doc = doc_with("text")
    for edit in (lambda: remove_block(doc, "footer"), lambda: move_block(doc, "footer", Place(0)),
                 lambda: duplicate_block(doc, "footer"), lambda: new_block(doc, "footer")):
        with pytest.raises(BlockEditError, match="footer"):
            edit()
    with pytest.raises(BlockEditError, match="before the footer"):
        insert_block(doc, new_block(doc, "button"), Place(2))
    with pytest.raises(BlockEditError, match="before the footer"):
        move_block(doc, "text-1", Place(1))


def test_moves_within_and_into_columns_and_their_rules():
    doc = doc_with("heading", "columns", "button", "products")
    doc = move_block(doc, "button-1", Place(0, "columns-1", 1))
    assert find(doc, "button-1")[1] == Place(0, "columns-1", 1)
    doc = move_block(doc, "heading-1", Place(0, "columns-1", 1))
    assert [b.id for b in find(doc, "columns-1")[0].columns[1].blocks] == ["heading-1", "button-1"]
    doc = move_block(doc, "heading-1", Place(0))
    assert ids(doc) == ["heading-1", "columns-1", "button-1", "products-1", "footer"]
    with pytest.raises(BlockEditError, match="product grid block cannot go inside a column"):
        move_block(doc, "products-1", Place(0, "columns-1", 0))
    with pytest.raises(BlockEditError, match="columns 1 to 2"):
        move_block(doc, "heading-1", Place(0, "columns-1", 2))
    with pytest.raises(BlockEditError, match="no block 'nope'"):
        move_block(doc, "nope", Place(0))


def test_duplicating_columns_gives_every_inner_block_a_fresh_id():
    doc = doc_with("columns", "image")
    doc = move_block(doc, "image-1", Place(0, "columns-1", 0))
    doc, copy = duplicate_block(doc, "columns-1")
    assert ids(doc) == ["columns-1", "image-1", "columns-2", "image-2", "footer"]
    assert copy.id == "columns-2"


def test_updates_are_checked_with_the_field_named():
    doc = doc_with("image", "button")
    with pytest.raises(BlockEditError, match="width: .*600"):
        update_block(doc, "image-1", {"width": 900})
    with pytest.raises(BlockEditError, match="type cannot be changed"):
        update_block(doc, "image-1", {"type": "text"})
    with pytest.raises(BlockEditError, match="has no colour"):
        update_block(doc, "button-1", {"colour": "#000000"})
    with pytest.raises(BlockEditError, match="javascript"):
        update_block(doc, "button-1", {"url": "javascript:alert(1)"})
    with pytest.raises(BlockEditError, match="not a field"):
        update_block(doc, "button-1", {"label": "Hi [[__class__|x]]"})
    with_grid = insert_block(doc, new_block(doc, "products"), Place(0))
    with pytest.raises(BlockEditError, match="SKU"):
        update_block(with_grid, "products-1", {"source": "skus"})
    assert find(update_block(with_grid, "products-1", {"source": "skus", "skus": ["A1"]}),
                "products-1")[0].skus == ("A1",)


def test_documents_need_exactly_one_footer_last_and_unique_ids():
    footer = {"id": "f", "type": "footer"}
    text = {"id": "t", "type": "text", "text": "x"}
    with pytest.raises(ValidationError, match="no footer"):
        BlockDocument.model_validate([text])
    with pytest.raises(ValidationError, match="footer must be the last"):
        BlockDocument.model_validate([footer, text])
    with pytest.raises(ValidationError, match="two blocks have the id 't'"):
        BlockDocument.model_validate([text, text, footer])
    assert BlockDocument.model_validate([text, footer]).blocks[0].text == "x"


def test_inline_markup_parses_marks_lists_and_chips_and_never_fails():
    items = parse_paragraphs("Hi [[contact.first_name|there]], **big** *news*\nline two\n\n"
                             "- one\n- [two](https://x.test)\n\n1. first\n2. second\n\n"
                             "2 * 3 and **unclosed")
    assert [type(i) for i in items] == [Paragraph, ListBlock, ListBlock, Paragraph]
    first = items[0].runs
    assert first[1].chip == Chip("contact.first_name", "there")
    assert first[3].text == "big" and first[3].bold and not first[5].bold and first[5].italic
    assert items[1].items[1][0].href == "https://x.test" and items[2].ordered
    assert "".join(r.text for r in items[3].runs) == "2 * 3 and **unclosed"
    assert chips_in("a [[shop.name]] b [[contact.plan|free]]") == [
        Chip("shop.name", ""), Chip("contact.plan", "free")]
    assert chip_token("contact.first_name", "a|b]]") == "[[contact.first_name|ab]]"


def test_a_template_stores_blocks_in_files_and_rows():
    doc = doc_with("text")
    template = EmailTemplate(key="a", name="A", subject="Hi", format="blocks", blocks=doc)
    data = template.model_dump(mode="json")
    assert data["blocks"][0] == {"id": "text-1", "type": "text", "text": "", "align": "left"}
    assert EmailTemplate.model_validate(data) == template
    row_like = EmailTemplate(key="a", name="A", subject="Hi", format="blocks",
                             body=template.stored_body)
    assert row_like == template
    assert "blocks" not in EmailTemplate(key="b", name="B", subject="x").model_dump()
    with pytest.raises(ValidationError, match="needs its blocks"):
        EmailTemplate(key="a", name="A", subject="Hi", format="blocks")


def test_the_merge_field_picker_lists_fields_with_samples():
    from engine.messaging.chip_fields import field_choices
    from engine.templating.values import ContactInfo

    choices = {c.field: c for c in field_choices(custom_fields=["plan", "first_name", "bad-name"],
                                                 event_keys=["order_id"])}
    first = choices["contact.first_name"]
    assert (first.label, first.sample, first.may_be_empty) == ("First name", "Alex", True)
    assert first.token() == "[[contact.first_name|there]]"
    assert choices["contact.plan"].group == "Custom fields" and "contact.bad-name" not in choices
    assert choices["event.order_id"].group == "Trigger event"
    assert choices["shop.name"].sample == "Your Shop"
    ana = ContactInfo(id=1, email="ana@example.com", first_name="Ana", attributes={"plan": "Pro"})
    mine = {c.field: c for c in field_choices(contact=ana, custom_fields=["plan"])}
    assert mine["contact.first_name"].sample == "Ana" and mine["contact.plan"].sample == "Pro"
    assert chips_in(first.token("friend")) == [Chip("contact.first_name", "friend")]


def test_brackets_that_name_no_field_are_refused_and_never_code():
    from engine.blocks.inline import parse_line

    doc = doc_with("button")
    for label in ("[[\n]]", "[[ ]]", "Hi [[name]]", "[[contact.first name]]"):
        with pytest.raises(BlockEditError, match="is not a field"):
            update_block(doc, "button-1", {"label": label})
    assert [(r.text, r.chip) for r in parse_line("a [[ ]] b")] == [("a ", None), ("[[ ]]", None),
                                                                  (" b", None)]
    # the first of several openings that makes a chip is the chip; the rest is text
    assert chips_in("[[[[contact.first_name]]") == [Chip("contact.first_name", "")]


def test_documents_pickle_for_render_workers_without_their_cached_hash():
    import pickle

    doc = doc_with("text", "columns")
    hash(doc)
    copy = pickle.loads(pickle.dumps(doc))
    assert copy == doc and copy._hash is None and hash(copy) == hash(doc)


def test_equal_documents_are_equal_whether_or_not_one_was_hashed():
    doc = doc_with("text")
    other = BlockDocument.model_validate(doc.model_dump())
    hash(doc)
    assert doc == other and other == doc and not (doc != other)
    template = EmailTemplate(key="a", name="A", subject="s", format="blocks", blocks=doc)
    assert template == template.model_copy(update={"blocks": other})


def test_a_block_email_round_trips_through_a_template_row(db, clock):
    from engine.db.models import Template
    from engine.journey.drafts import load_template, store_template
    from tests.blocks_samples import block_template

    template = block_template()
    with db.session() as session:
        row = Template(key="picks", name="Old", subject="", body="", created_at=clock.now(),
                       updated_at=clock.now())
        session.add(row)
        session.flush()
        store_template(session, row.id, template, clock.now())
        assert row.body_format == "blocks" and row.body.startswith("[")
        assert load_template(session, row.id) == template
