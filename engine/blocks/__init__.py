"""Block emails: emails a marketer designs from blocks, without code.

Contract (the editor and the sending path build on it; change its shape with care):
- `model`   the blocks (heading, text, image, button, divider, spacer, columns, product
            grid, coupon, social links, footer) as frozen pydantic models with stable ids,
            and `BlockDocument`, a template's block list, always ending with its footer.
- `inline`  the safe inline markup of text (bold, italic, links, lists) and
            personalisation chips `[[contact.first_name|there]]` (field + fallback; also
            `event.NAME` and the event's product `product.name`); never
            HTML or template code.
- `edits`   pure edit functions (insert, move, remove, update, duplicate) returning a new
            document, raising `BlockEditError` with a reason and changing nothing.
- `brand`   the brand kit every block email is drawn with (`with_changes` edits it).
Beyond the model (import them where needed; they load Jinja and MJML):
- `compile`  blocks → a Jinja HTML page (MJML) and text part, cached; render.py sends them
- `checks`   the checks of a block email, each with its place (lint shows them)
- `to_code`  blocks → Markdown or HTML, one way, and the warning to show first

A template is a block email when its `format` is "blocks"; its `blocks` field holds the
`BlockDocument`, and its subject, preheader and from name are text with chips (no
template code). The fields a chip can show (engine/messaging/chip_fields.py) and the
starter designs (engine/messaging/starter_emails.py) sit in messaging: they need its
samples and the `EmailTemplate` of a journey. Nothing here imports Qt.

May import: engine.errors, engine.templating (and nothing above them); see
tests/engine/test_import_layers.py for the layer order.
"""

from engine.blocks.brand import BrandKit
from engine.blocks.edits import (
    BlockEditError, Place, duplicate_block, find, fresh_id, insert_block, move_block,
    new_block, remove_block, update_block,
)
from engine.blocks.inline import Chip, chip_token, chips_in
from engine.blocks.model import (
    BLOCK_TITLES, BLOCK_TYPES, COLUMN_TYPES, EVENT_SOURCES, PRODUCT_SOURCE_TITLES, Block,
    BlockDocument, ButtonBlock, Column, ColumnsBlock, CouponBlock, DividerBlock, FooterBlock,
    HeadingBlock, ImageBlock, ProductsBlock, SocialBlock, SocialLink, SpacerBlock, TextBlock,
)

__all__ = [
    "BLOCK_TITLES", "BLOCK_TYPES", "COLUMN_TYPES", "EVENT_SOURCES", "PRODUCT_SOURCE_TITLES",
    "Block", "BlockDocument", "BlockEditError",
    "BrandKit", "ButtonBlock", "Chip", "Column", "ColumnsBlock", "CouponBlock", "DividerBlock",
    "FooterBlock", "HeadingBlock", "ImageBlock", "Place", "ProductsBlock", "SocialBlock",
    "SocialLink", "SpacerBlock", "TextBlock", "chip_token", "chips_in", "duplicate_block",
    "find", "fresh_id", "insert_block", "move_block", "new_block", "remove_block",
    "update_block",
]
