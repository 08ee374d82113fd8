"""The blocks of an email, as immutable pydantic models.

Contract:
- Every block has a stable `id` (unique in its document, `BLOCK_ID_PATTERN`) and a `type`
  that picks its model (`BLOCK_TYPES`). Models are frozen and lists are tuples: a
  document is a value, edited only by the pure functions of edits.py.
- Text that a marketer writes (heading, text, button label, coupon and footer notes) is
  inline markup (inline.py): checked on validation, so a document never holds a link to
  `javascript:` or a chip that is not a field. URLs are https/http/mailto/tel; an image's
  `src` is an http(s) URL or an absolute path of a file on this computer.
- A product grid's `source` may be the trigger event's order lines or product
  (`EVENT_SOURCES`); documents written before those existed load unchanged.
- `Column.blocks` holds content blocks only (`COLUMN_TYPES`: no columns in columns, no
  product grid, coupon or footer).
- `BlockDocument` is the block list of a template (JSON: a plain list). It ends with
  exactly one footer — the unsubscribe link and the postal address — which edits can
  neither remove nor move; `BlockDocument.new()` is an empty email with its footer.
"""

from __future__ import annotations

import re
from typing import Annotated, Iterator, Literal, Union

from pydantic import (
    BaseModel, ConfigDict, Field, PrivateAttr, RootModel, field_validator, model_validator,
)

from engine.blocks.inline import check_markup, check_url

BLOCK_ID_PATTERN = r"^[A-Za-z0-9_\-]{1,40}$"
COLOR_PATTERN = r"^#[0-9a-fA-F]{6}$"
MAX_BLOCKS = 200
MAX_TEXT = 20_000
Align = Literal["left", "center", "right"]
Color = Annotated[str, Field(pattern=COLOR_PATTERN)]


def _check_url(value: str, what: str, *, empty_ok: bool = True) -> str:
    value = value.strip()
    if not value and empty_ok:
        return value
    problem = check_url(value) if value else f"the {what} is empty"
    if problem:
        raise ValueError(problem)
    return value


def _check_text(value: str) -> str:
    problem = check_markup(value)
    if problem:
        raise ValueError(problem)
    return value


Markup = Annotated[str, Field(max_length=MAX_TEXT)]


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    id: str = Field(pattern=BLOCK_ID_PATTERN)

    @field_validator("text", "label", "note", check_fields=False)
    @classmethod
    def _markup(cls, value: str) -> str:
        return _check_text(value)

    @field_validator("url", "link", check_fields=False)
    @classmethod
    def _url(cls, value: str) -> str:
        return _check_url(value, "link")


class HeadingBlock(_Block):
    type: Literal["heading"] = "heading"
    text: Markup = "A heading"
    level: Literal[1, 2, 3] = 1
    align: Align = "left"


class TextBlock(_Block):
    type: Literal["text"] = "text"
    text: Markup = ""
    align: Align = "left"


class ImageBlock(_Block):
    type: Literal["image"] = "image"
    src: str = Field("", max_length=2000)
    alt: str = Field("", max_length=500)
    link: str = Field("", max_length=2000)
    #: pixels; None fills the width of the email (or of its column)
    width: int | None = Field(None, ge=20, le=600)
    align: Align = "center"

    @field_validator("src")
    @classmethod
    def _src(cls, value: str) -> str:
        value = value.strip()
        if value and not value.lower().startswith(("https://", "http://")):
            if not value.startswith("/") and not re.match(r"^[A-Za-z]:[\\/]", value):
                raise ValueError(f"the image {value!r} must be an https:// address or a file "
                                 "on this computer (a full path)")
        return value


class ButtonBlock(_Block):
    type: Literal["button"] = "button"
    label: Markup = "Shop now"
    url: str = Field("", max_length=2000)
    align: Align = "center"
    #: None: the brand kit's button colours
    color: Color | None = None
    text_color: Color | None = None
    full_width: bool = False


class DividerBlock(_Block):
    type: Literal["divider"] = "divider"
    color: Color | None = None
    thickness: int = Field(1, ge=1, le=8)


class SpacerBlock(_Block):
    type: Literal["spacer"] = "spacer"
    height: int = Field(24, ge=4, le=160)


SocialNetwork = Literal["facebook", "instagram", "x", "linkedin", "youtube", "tiktok",
                        "pinterest", "website"]


class SocialLink(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    network: SocialNetwork
    url: str = Field(max_length=2000)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _check_url(value, "link", empty_ok=False)


class SocialBlock(_Block):
    type: Literal["social"] = "social"
    links: tuple[SocialLink, ...] = Field((), max_length=8)
    align: Align = "center"


ProductSource = Literal["cart", "recommendations", "alternatives", "skus", "event_items",
                        "event_product"]
#: the editor's words for each source, in the order it offers them
PRODUCT_SOURCE_TITLES = {
    "cart": "The cart", "recommendations": "Recommendations",
    "alternatives": "Alternatives to the cart", "skus": "Chosen products",
    "event_items": "The event's items (an order's lines)",
    "event_product": "The event's product (its sku)",
}
#: sources read from the event that started the journey: empty without one (a campaign)
EVENT_SOURCES = frozenset({"event_items", "event_product"})


class ProductsBlock(_Block):
    """A product grid: the cart, `count` recommendations or alternatives, chosen SKUs, or
    the trigger event's data — its order lines (`event.items`: name, quantity, price; at
    most `count`) or the catalogue product of its `sku` (one card). Without such an event
    (a preview, a test send, a campaign) the event's grids show nothing."""

    type: Literal["products"] = "products"
    source: ProductSource = "recommendations"
    count: int = Field(3, ge=1, le=12)
    skus: tuple[Annotated[str, Field(min_length=1, max_length=100)], ...] = Field((), max_length=12)
    per_row: int = Field(3, ge=1, le=3)
    show_image: bool = True
    show_name: bool = True
    show_price: bool = True
    show_button: bool = True
    label: Markup = "View"

    @model_validator(mode="after")
    def _skus_for_skus(self) -> "ProductsBlock":
        if self.source == "skus" and not self.skus:
            raise ValueError("choose at least one product (SKU) for this grid")
        return self


class CouponBlock(_Block):
    """A discount code issued for the contact; shows the code and its expiry date."""

    type: Literal["coupon"] = "coupon"
    percent: int = Field(10, ge=1, le=100)
    valid_days: int = Field(7, ge=1, le=365)
    text: Markup = "Your code for this discount:"
    #: the words before the expiry date ("Valid until 16 Mar 2026.")
    expiry_label: str = Field("Valid until", max_length=200)
    #: the expiry with its time of day, in the contact's time zone
    show_time: bool = False


class FooterBlock(_Block):
    """Always the last block: an optional note, then the unsubscribe link and the postal
    address from the brand kit (neither can be switched off)."""

    type: Literal["footer"] = "footer"
    note: Markup = ""


ContentBlock = Annotated[
    Union[HeadingBlock, TextBlock, ImageBlock, ButtonBlock, DividerBlock, SpacerBlock,
          SocialBlock],
    Field(discriminator="type"),
]


class Column(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    blocks: tuple[ContentBlock, ...] = Field((), max_length=50)


class ColumnsBlock(_Block):
    type: Literal["columns"] = "columns"
    columns: tuple[Column, ...] = Field((Column(), Column()), min_length=2, max_length=3)


Block = Annotated[
    Union[HeadingBlock, TextBlock, ImageBlock, ButtonBlock, DividerBlock, SpacerBlock,
          ColumnsBlock, ProductsBlock, CouponBlock, SocialBlock, FooterBlock],
    Field(discriminator="type"),
]

BLOCK_TYPES: dict[str, type[_Block]] = {
    model.model_fields["type"].default: model
    for model in (HeadingBlock, TextBlock, ImageBlock, ButtonBlock, DividerBlock, SpacerBlock,
                  ColumnsBlock, ProductsBlock, CouponBlock, SocialBlock, FooterBlock)
}
COLUMN_TYPES = frozenset({"heading", "text", "image", "button", "divider", "spacer", "social"})
#: the palette's words for each type
BLOCK_TITLES = {
    "heading": "Heading", "text": "Text", "image": "Image", "button": "Button",
    "divider": "Divider", "spacer": "Spacer", "columns": "Columns", "products": "Product grid",
    "coupon": "Coupon", "social": "Social links", "footer": "Footer",
}


class BlockDocument(RootModel[tuple[Block, ...]]):
    """A template's blocks, in order; the footer last."""

    model_config = ConfigDict(frozen=True)
    _hash: int | None = PrivateAttr(None)

    @property
    def blocks(self) -> tuple:
        return self.root

    def __hash__(self) -> int:
        # computed once: compiled emails are cached by document, and looked up per email
        if self._hash is None:
            self._hash = hash(self.root)
        return self._hash

    def __eq__(self, other: object) -> bool:
        # the blocks alone: pydantic would compare the cached hash too
        if not isinstance(other, BlockDocument):
            return NotImplemented
        return self.root == other.root

    def __setstate__(self, state) -> None:
        # string hashes differ between processes (a render worker unpickles documents)
        super().__setstate__(state)
        self._hash = None

    @classmethod
    def new(cls, blocks: tuple = ()) -> "BlockDocument":
        return cls(tuple(blocks) + (FooterBlock(id="footer"),))

    def walk(self) -> Iterator[tuple[_Block, str | None, int | None, int]]:
        """Every block as (block, parent columns id, column index, index), depth first."""
        for index, block in enumerate(self.root):
            yield block, None, None, index
            if isinstance(block, ColumnsBlock):
                for column_index, column in enumerate(block.columns):
                    for inner_index, inner in enumerate(column.blocks):
                        yield inner, block.id, column_index, inner_index

    @model_validator(mode="after")
    def _rules(self) -> "BlockDocument":
        blocks = self.root
        footers = [n for n, block in enumerate(blocks) if block.type == "footer"]
        if not footers:
            raise ValueError("the email has no footer block (it carries the unsubscribe "
                             "link and the postal address)")
        if len(footers) > 1:
            raise ValueError(f"the email has {len(footers)} footer blocks: keep one")
        if footers[0] != len(blocks) - 1:
            raise ValueError("the footer must be the last block")
        seen: set[str] = set()
        count = 0
        for block, *_ in self.walk():
            count += 1
            if block.id in seen:
                raise ValueError(f"two blocks have the id {block.id!r}")
            seen.add(block.id)
        if count > MAX_BLOCKS:
            raise ValueError(f"the email has {count} blocks, more than {MAX_BLOCKS}")
        return self
