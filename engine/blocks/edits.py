"""Pure edits of a block document: each returns a new document and never changes its input.

Contract (what the editor's undo commands call):
- A place is `Place(index)` in the email, or `Place(index, parent=COLUMNS_ID, column=N)`
  inside column N of a columns block. `find(doc, id)` returns `(block, place)`.
- `new_block(doc, type, **fields)` makes a block of that type with a fresh id and the
  type's defaults (fields override them); it does not insert it.
- `insert_block(doc, block, place)`, `move_block(doc, id, place)`,
  `update_block(doc, id, changes)` return the new document; `remove_block(doc, id)`
  returns `(doc, removed block, its place)`, so undo re-inserts it exactly;
  `duplicate_block(doc, id)` returns `(doc, copy)` with the copy right after the original
  (inner blocks of a columns copy get fresh ids too).
- For `move_block`, the place is where the block ends up (its index counted in the list
  without the block itself).
- Every rule broken raises `BlockEditError` with a reason for the marketer, and nothing
  changes: the footer is neither removed, moved nor duplicated, nothing goes after it,
  columns hold only content blocks, an update may not change `id` or `type`, an update
  with bad values names the field ("width: Input should be less than or equal to 600").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from pydantic import ValidationError

from engine.blocks.model import (
    BLOCK_TITLES, BLOCK_TYPES, COLUMN_TYPES, BlockDocument, Column, ColumnsBlock,
)
from engine.errors import TrellisError, error_message, error_place


class BlockEditError(TrellisError):
    """An edit of a block document broke a rule; nothing was changed."""


@dataclass(frozen=True, slots=True)
class Place:
    index: int
    parent: str | None = None
    column: int | None = None


def find(doc: BlockDocument, block_id: str) -> tuple[Any, Place]:
    for block, parent, column, index in doc.walk():
        if block.id == block_id:
            return block, Place(index, parent, column)
    raise BlockEditError(f"there is no block {block_id!r} in this email")


def new_block(doc: BlockDocument, block_type: str, **fields: Any) -> Any:
    model = BLOCK_TYPES.get(block_type)
    if model is None:
        raise BlockEditError(f"there is no block type {block_type!r}")
    if block_type == "footer":
        raise BlockEditError("an email has one footer, and it is already there")
    return _validated(model, {**fields, "id": fresh_id(doc, block_type)})


def fresh_id(doc: BlockDocument, block_type: str, taken: set[str] | None = None) -> str:
    """`text-3`: the type and the lowest number no block of the document uses."""
    used = {block.id for block, *_ in doc.walk()} | (taken or set())
    n = 1
    while f"{block_type}-{n}" in used:
        n += 1
    return f"{block_type}-{n}"


def insert_block(doc: BlockDocument, block: Any, place: Place) -> BlockDocument:
    if block.type == "footer":
        raise BlockEditError("an email has one footer, and it is already there")
    if any(b.id == block.id for b, *_ in doc.walk()):
        raise BlockEditError(f"a block with the id {block.id!r} is already in this email")
    return _put(doc, block, place)


def remove_block(doc: BlockDocument, block_id: str) -> tuple[BlockDocument, Any, Place]:
    block, place = find(doc, block_id)
    if block.type == "footer":
        raise BlockEditError("the footer cannot be removed: it carries the unsubscribe link "
                             "and the postal address every marketing email must have")
    return _take(doc, place), block, place


def move_block(doc: BlockDocument, block_id: str, place: Place) -> BlockDocument:
    block, old = find(doc, block_id)
    if block.type == "footer":
        raise BlockEditError("the footer stays at the end of the email")
    if place.parent == block_id:
        raise BlockEditError("a columns block cannot go inside itself")
    return _put(_take(doc, old), block, place)


def update_block(doc: BlockDocument, block_id: str, changes: Mapping[str, Any]) -> BlockDocument:
    block, place = find(doc, block_id)
    for name in ("id", "type"):
        if name in changes and changes[name] != getattr(block, name):
            raise BlockEditError(f"a block's {name} cannot be changed")
    unknown = sorted(set(changes) - set(type(block).model_fields))
    if unknown:
        raise BlockEditError(f"a {BLOCK_TITLES[block.type].lower()} block has no "
                             f"{', '.join(unknown)}")
    updated = _validated(type(block), {**block.model_dump(), **changes})
    return _replace(doc, place, updated)


def duplicate_block(doc: BlockDocument, block_id: str) -> tuple[BlockDocument, Any]:
    block, place = find(doc, block_id)
    if block.type == "footer":
        raise BlockEditError("an email has one footer: it cannot be duplicated")
    taken: set[str] = set()
    data = block.model_dump()
    data["id"] = fresh_id(doc, block.type)
    taken.add(data["id"])
    for column in data.get("columns", ()):
        for inner in column["blocks"]:
            inner["id"] = fresh_id(doc, inner["type"], taken)
            taken.add(inner["id"])
    copy = _validated(type(block), data)
    return _put(doc, copy, Place(place.index + 1, place.parent, place.column)), copy


def _validated(model: type, data: dict) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BlockEditError(_words(exc)) from None


def _words(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where, message = error_place(first["loc"]), error_message(first)
    if first["type"] == "string_pattern_mismatch" and first["loc"][-1] in ("color", "text_color"):
        message = "a colour is written #rrggbb, like #1d4ed8"
    return f"{where}: {message}" if where else message


def _document(blocks: tuple) -> BlockDocument:
    try:
        return BlockDocument(blocks)
    except ValidationError as exc:
        raise BlockEditError(_words(exc)) from None


def _put(doc: BlockDocument, block: Any, place: Place) -> BlockDocument:
    blocks = list(doc.root)
    if place.parent is None:
        last = len(blocks) - 1  # the footer's index: nothing goes after it
        if not 0 <= place.index <= last:
            raise BlockEditError(f"a block can go at places 0 to {last} (before the footer)")
        blocks.insert(place.index, block)
        return _document(tuple(blocks))
    if block.type not in COLUMN_TYPES:
        raise BlockEditError(f"a {BLOCK_TITLES[block.type].lower()} block cannot go inside "
                             "a column")
    parent, at = _columns(doc, place)
    inner = list(parent.columns[place.column].blocks)
    if not 0 <= place.index <= len(inner):
        raise BlockEditError(f"column {place.column + 1} has places 0 to {len(inner)}")
    inner.insert(place.index, block)
    return _with_column(doc, parent, at, place.column, tuple(inner))


def _take(doc: BlockDocument, place: Place) -> BlockDocument:
    if place.parent is None:
        return _document(doc.root[:place.index] + doc.root[place.index + 1:])
    parent, at = _columns(doc, place)
    inner = parent.columns[place.column].blocks
    return _with_column(doc, parent, at, place.column,
                        inner[:place.index] + inner[place.index + 1:])


def _replace(doc: BlockDocument, place: Place, block: Any) -> BlockDocument:
    if place.parent is None:
        return _document(doc.root[:place.index] + (block,) + doc.root[place.index + 1:])
    parent, at = _columns(doc, place)
    inner = parent.columns[place.column].blocks
    return _with_column(doc, parent, at, place.column,
                        inner[:place.index] + (block,) + inner[place.index + 1:])


def _columns(doc: BlockDocument, place: Place) -> tuple[ColumnsBlock, int]:
    for at, block in enumerate(doc.root):
        if block.id == place.parent:
            if not isinstance(block, ColumnsBlock):
                raise BlockEditError(f"the block {place.parent!r} has no columns")
            if place.column is None or not 0 <= place.column < len(block.columns):
                raise BlockEditError(f"the block {place.parent!r} has columns 1 to "
                                     f"{len(block.columns)}")
            return block, at
    raise BlockEditError(f"there is no columns block {place.parent!r} in this email")


def _with_column(doc: BlockDocument, parent: ColumnsBlock, at: int, column: int,
                 inner: tuple) -> BlockDocument:
    columns = list(parent.columns)
    columns[column] = Column(blocks=inner)
    updated = parent.model_copy(update={"columns": tuple(columns)})
    return _document(doc.root[:at] + (updated,) + doc.root[at + 1:])
