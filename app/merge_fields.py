"""What an email can be personalised with, and each field's value for one contact.

Contract: `merge_fields(session, contact_id, now)` → `MergeField`s in the picker's order:
the contact's fields (standard ones, then every custom field some contact has, with this
contact's value or "(none)"), the shop's, then the commerce items (cart,
recommendations, alternatives, coupon). `contact_id` None is the sample contact. Nothing
is written: the cart and recommendations are read, the coupon is a sample code.
`chip(field)` and `code(field, fallback)` are what inserting one writes: a chip
`[[contact.first_name|there]]` in a block email, a Jinja expression with a default in a
code email (the commerce items as the loop or `set` they need).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from engine.blocks import chip_token
from engine.db.models import Contact
from engine.messaging.fields import custom_fields_seen
from engine.messaging.providers import DatabaseData, load_shop
from engine.messaging.sample import SAMPLE_CONTACT, SampleData
from engine.templating.values import ContactInfo

CONTACT, SHOP, COMMERCE = "Contact", "Shop", "Products and offers"
STANDARD = (("first_name", "First name"), ("last_name", "Last name"),
            ("full_name", "Full name"), ("email", "Email address"), ("country", "Country"),
            ("timezone", "Time zone"), ("locale", "Language"), ("lead_score", "Lead score"))
SHOP_FIELDS = (("name", "Shop name"), ("website", "Website"),
               ("postal_address", "Postal address"), ("currency", "Currency"))
#: commerce items: (field, label, Jinja for a code email, the block that shows it)
COMMERCE_ITEMS = (
    ("cart", "Cart items",
     "{% for item in cart %}\n- {{ item.quantity }} × {{ item.name }}: {{ item.subtotal }}\n"
     "{% endfor %}", "products:cart"),
    ("recommendations", "Recommended products",
     "{% for item in recommendations(3) %}\n- [{{ item.name }}]({{ item.url }}): "
     "{{ item.price }}\n{% endfor %}", "products:recommendations"),
    ("alternatives", "Alternatives to the cart",
     "{% for item in alternatives(3) %}\n- [{{ item.name }}]({{ item.url }})\n{% endfor %}",
     "products:alternatives"),
    ("coupon", "Discount code",
     "{% set offer = coupon(10, 7) %}Your code: **{{ offer.code }}** "
     "(valid until {{ offer.expires_at | date }})", "coupon"),
)


@dataclass(frozen=True)
class MergeField:
    group: str
    #: "contact.first_name", "shop.name" or a commerce item ("cart", "coupon"…)
    field: str
    label: str
    sample: str
    #: a suggested fallback (what to show when the contact has no value)
    fallback: str = ""

    @property
    def is_commerce(self) -> bool:
        return self.group == COMMERCE


def _text(value) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, (dict, list)):
        return json.dumps(value)[:60]
    return str(value)


def _names(items, limit: int = 3) -> str:
    names = [item.name for item in list(items)[:limit]]
    return ", ".join(names) if names else "(none)"


def merge_fields(session: Session, contact_id: int | None, now: datetime) -> list[MergeField]:
    shop = load_shop(session)
    if contact_id is None:
        contact = SAMPLE_CONTACT
        data = SampleData(now)
    else:
        row = session.get(Contact, contact_id)
        if row is None:
            raise LookupError(f"there is no contact with id {contact_id}")
        contact = ContactInfo.of(row)
        data = DatabaseData(session, contact_id, journey_id=None, node_id="", now=now,
                            currency=shop.currency)
    fallbacks = {"first_name": "there", "full_name": "there", "country": "your country"}
    fields = [MergeField(CONTACT, f"contact.{name}", label, _text(getattr(contact, name)),
                         fallbacks.get(name, ""))
              for name, label in STANDARD]
    for name in sorted(custom_fields_seen(session)):
        if not name.replace("_", "a").isalnum() or not name[:1].isalpha():
            continue  # not a name a chip can hold
        label = name.replace("_", " ").capitalize()
        fields.append(MergeField(CONTACT, f"contact.{name}", label,
                                 _text(contact.attributes.get(name))))
    fields += [MergeField(SHOP, f"shop.{name}", label, _text(getattr(shop, name)))
               for name, label in SHOP_FIELDS]
    cart = data.cart()
    samples = {
        "cart": (f"{cart.quantity} item{'s' * (cart.quantity != 1)}: {_names(cart)}"
                 if cart else "(empty cart)"),
        "recommendations": _names(data.recommendations(3)),
        "alternatives": _names(data.alternatives(3)) if hasattr(data, "alternatives") else "",
        "coupon": f"{SampleData(now).coupon(10, 7).code} (a new code per contact)",
    }
    fields += [MergeField(COMMERCE, name, label, samples[name])
               for name, label, _code, _block in COMMERCE_ITEMS]
    return fields


def chip(field: str, fallback: str = "") -> str:
    return chip_token(field, fallback.strip())


def code(field: str, fallback: str = "") -> str:
    for name, _label, source, _block in COMMERCE_ITEMS:
        if name == field:
            return source
    fallback = fallback.strip().replace("\\", "\\\\").replace('"', '\\"')
    return f'{{{{ {field} | default("{fallback}") }}}}' if fallback else f"{{{{ {field} }}}}"


def block_for(field: str) -> tuple[str, dict] | None:
    """The block that shows a commerce item in a block email: (type, fields)."""
    for name, _label, _source, block in COMMERCE_ITEMS:
        if name == field:
            kind, _, source = block.partition(":")
            return kind, ({"source": source} if source else {})
    return None
