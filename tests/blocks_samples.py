"""Block documents for tests: one of every block kind, in a realistic email."""

from engine.blocks import BlockDocument, Place, insert_block, new_block
from engine.journey.data import EmailTemplate

EVERY_KIND = [
    ("heading", {"text": "Hello [[contact.first_name|there]], your picks are in"}),
    ("text", {"text": "We saved **your favourites** and found a few *new* ones.\n\n"
                      "- Free shipping over $50\n- [Returns within 30 days](https://shop.test/returns)\n\n"
                      "A long word: Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen."}),
    ("image", {"src": "https://shop.test/banner.png", "alt": "Autumn collection", "width": 560,
               "link": "https://shop.test/autumn"}),
    ("button", {"label": "Shop the collection", "url": "https://shop.test/autumn"}),
    ("divider", {}),
    ("columns", {"columns": [
        {"blocks": [{"id": "c-h1", "type": "heading", "level": 3, "text": "Teas"},
                    {"id": "c-t1", "type": "text", "text": "Loose leaf, from small farms."}]},
        {"blocks": [{"id": "c-h2", "type": "heading", "level": 3, "text": "Cups"},
                    {"id": "c-i2", "type": "image", "src": "https://shop.test/cup.png", "alt": "A cup"}]},
        {"blocks": [{"id": "c-h3", "type": "heading", "level": 3, "text": "Pots"},
                    {"id": "c-b3", "type": "button", "label": "See pots", "url": "https://shop.test/pots"}]},
    ]}),
    ("products", {"source": "recommendations", "count": 3, "per_row": 3}),
    ("spacer", {"height": 16}),
    ("coupon", {"percent": 15, "valid_days": 5, "text": "Take **15%** off with:"}),
    ("social", {"links": [{"network": "facebook", "url": "https://facebook.com/shop"},
                          {"network": "instagram", "url": "https://instagram.com/shop"},
                          {"network": "tiktok", "url": "https://tiktok.com/@shop"}]}),
]


def every_kind_document() -> BlockDocument:
    doc = BlockDocument.new()
    for kind, fields in EVERY_KIND:
        doc = insert_block(doc, new_block(doc, kind, **fields), Place(len(doc.blocks) - 1))
    return doc


def block_template(doc: BlockDocument | None = None, **fields) -> EmailTemplate:
    values = {"key": "picks", "name": "Your picks", "subject": "Hi [[contact.first_name|there]], for you",
              "preheader": "Picked for you, [[contact.first_name|friend]].", "format": "blocks",
              "blocks": doc or every_kind_document()}
    return EmailTemplate(**{**values, **fields})
