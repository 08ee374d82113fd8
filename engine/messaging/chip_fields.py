"""The fields a personalisation chip can show, with a sample of each: the merge-field picker.

Contract: `field_choices(contact=None, shop=None, custom_fields=(), event_keys=(), *,
event_product=True, product=None)` returns `FieldChoice`s in the picker's order — the
contact's standard fields, their custom fields (`custom_fields`: what stored contacts
have, engine/messaging/fields.py), the trigger event's properties (`event_keys`; e.g.
`COMMON_EVENT_KEYS`, or what the journey's trigger event carries), the event's product
(`product.name`, `product.price`… of the catalogue product whose sku the event carries;
`event_product=False` leaves them out, for an email no event starts; its samples are
`product`'s, or the sample catalogue's first), then the shop's — each with its chip field
(`contact.first_name`), a label ("First name"), the value it shows for `contact` and
`shop` (the sample contact and shop by default, or a stored contact's own values), whether
some contacts lack it, and a fallback to suggest. `FieldChoice.token(fallback)` is the
chip's markup. Pure: nothing is read from a database here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from engine.blocks.inline import CHIP_FIELD_PATTERN, chip_token
from engine.messaging.sample import SAMPLE_CONTACT, SAMPLE_PRODUCTS, SAMPLE_SHOP, sample_value
from engine.templating.values import ContactInfo, ProductItem, ShopInfo

#: (field, label, may be empty, suggested fallback)
CONTACT_FIELDS = (
    ("first_name", "First name", True, "there"),
    ("last_name", "Last name", True, ""),
    ("full_name", "Full name", True, "there"),
    ("email", "Email address", False, ""),
    ("country", "Country", True, ""),
    ("timezone", "Time zone", True, ""),
    ("locale", "Language", True, ""),
    ("lead_score", "Lead score", False, ""),
)
#: the trigger event's product (the catalogue product of its `sku`): (field, label,
#: suggested fallback); `PRODUCT_FIELDS` of inline.py, in the picker's order
PRODUCT_CHIPS = (
    ("name", "Product name", "our latest pick"),
    ("price", "Product price", ""),
    ("url", "Product page", ""),
    ("category", "Product category", ""),
    ("image_url", "Product picture address", ""),
    ("sku", "Product SKU", ""),
)
#: properties most trigger events carry, offered even before a journey names its event
COMMON_EVENT_KEYS = ("order_id", "revenue", "sku")
SHOP_FIELDS = (("name", "Shop name"), ("website", "Shop website"),
               ("postal_address", "Postal address"))
_FIELD = re.compile(CHIP_FIELD_PATTERN)


@dataclass(frozen=True, slots=True)
class FieldChoice:
    field: str
    label: str
    sample: str
    may_be_empty: bool
    fallback: str
    group: str

    def token(self, fallback: str | None = None) -> str:
        return chip_token(self.field, self.fallback if fallback is None else fallback)


def field_choices(contact: ContactInfo | None = None, shop: ShopInfo | None = None,
                  custom_fields: Iterable[str] = (), event_keys: Iterable[str] = (), *,
                  event_product: bool = True,
                  product: ProductItem | None = None) -> list[FieldChoice]:
    contact = contact or SAMPLE_CONTACT
    shop = shop or SAMPLE_SHOP
    values = contact.as_record()
    choices = [FieldChoice(f"contact.{name}", label, _shown(values[name]), empty, fallback,
                           "Contact")
               for name, label, empty, fallback in CONTACT_FIELDS]
    standard = {name for name, *_ in CONTACT_FIELDS}
    for name in sorted(set(custom_fields) - standard):
        if _FIELD.fullmatch(f"contact.{name}"):
            value = contact.attributes.get(name, sample_value(name))
            choices.append(FieldChoice(f"contact.{name}", name.replace("_", " ").capitalize(),
                                       _shown(value), True, "", "Custom fields"))
    for key in sorted(set(event_keys)):
        if _FIELD.fullmatch(f"event.{key}"):
            choices.append(FieldChoice(f"event.{key}", key.replace("_", " ").capitalize(),
                                       _shown(sample_value(key)), True, "", "Trigger event"))
    if event_product:
        item = product or SAMPLE_PRODUCTS[0]
        samples = {"name": item.name, "price": f"{item.price:.2f} {item.currency}",
                   "url": item.url, "image_url": item.image_url, "category": item.category,
                   "sku": item.sku}
        choices += [FieldChoice(f"product.{name}", label, samples[name], True, fallback,
                                "The event's product")
                    for name, label, fallback in PRODUCT_CHIPS]
    record = shop.as_record()
    choices += [FieldChoice(f"shop.{name}", label, _shown(record[name]), False, "", "Shop")
                for name, label in SHOP_FIELDS]
    return choices


def _shown(value) -> str:
    return "" if value is None else str(value)
