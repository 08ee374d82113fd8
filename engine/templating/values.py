"""The read-only values email templates see.

Contract: templates only ever get Records (`ContactInfo` and `ShopInfo` are handed over
`as_record()`), `CartItem`, `ProductItem`, `Cart` and `CouponView`, plus str, numbers,
dates, None and tuples of them. These have data attributes and no public methods, so the
sandbox's "no method calls" rule leaves a template nothing to call but the functions it
is given. A `Record` is a read-only mapping
that knows its path (`contact.attributes`), so a missing key is reported by its full name;
JSON objects nested in attributes and event properties become Records too, which is why
`event.items` means the property "items" and never a dict method.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Iterator


class Record:
    """A read-only mapping for templates: `record.key` and `record["key"]` both work."""

    __slots__ = ("_data", "_path")

    def __init__(self, data: Mapping[str, Any], path: str):
        self._data = data
        self._path = path

    def __getitem__(self, key: str) -> Any:
        value = self._data[key]
        if isinstance(value, (str, int, float)) or value is None:
            return value  # most reads: no path to build
        return wrap(value, f"{self._path}.{key}")

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Record({self._path})"


def record_path(record: Record) -> str:
    """The name a template uses for `record` (`contact`, `event.customer`…)."""
    return record._path


def wrap(value: Any, path: str) -> Any:
    """JSON data as template values: objects become Records, arrays tuples."""
    if isinstance(value, (str, int, float)) or value is None:
        return value
    if isinstance(value, Mapping):
        return Record(value, path)
    if isinstance(value, list):
        return tuple(wrap(item, f"{path}[{i}]") for i, item in enumerate(value))
    return value


def to_amount(value: Any) -> Decimal | None:
    """A price from JSON or the database as a Decimal; None when it is not a number."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


@dataclass(frozen=True, slots=True)
class ContactInfo:
    """The contact an email is for, as plain data (from a row or the engine's mapping)."""

    id: int | None
    email: str
    first_name: str = ""
    last_name: str = ""
    timezone: str | None = None
    country: str | None = None
    locale: str | None = None
    lead_score: int = 0
    attributes: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, contact: Any) -> "ContactInfo":
        """From a `Contact` row or a mapping with the same keys."""
        get = contact.get if isinstance(contact, Mapping) else lambda k, d=None: getattr(contact, k, d)
        return cls(
            id=get("id"),
            email=get("email") or "",
            first_name=get("first_name") or "",
            last_name=get("last_name") or "",
            timezone=get("timezone"),
            country=get("country"),
            locale=get("locale"),
            lead_score=get("lead_score") or 0,
            attributes=get("attributes") or {},
        )

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def as_record(self) -> Record:
        # custom attributes are reachable flat (`contact.plan`) unless a standard field
        # has the same name: the standard field wins
        data = dict(self.attributes)
        data.update(
            email=self.email,
            first_name=self.first_name,
            last_name=self.last_name,
            full_name=self.full_name,
            timezone=self.timezone,
            country=self.country,
            locale=self.locale,
            lead_score=self.lead_score,
            attributes=self.attributes,
        )
        return Record(data, "contact")


@dataclass(frozen=True, slots=True)
class ShopInfo:
    """The sender: shown in the header and, by law, in every marketing email's footer."""

    name: str
    postal_address: str
    website: str = ""
    currency: str = "USD"
    #: the brand kit block emails are drawn with (engine.blocks.BrandKit); None: the default
    brand: Any = None

    def as_record(self) -> Record:
        return Record(
            {"name": self.name, "postal_address": self.postal_address,
             "website": self.website, "currency": self.currency},
            "shop",
        )


SHOP_FIELDS = frozenset({"name", "postal_address", "website", "currency"})


@dataclass(frozen=True, slots=True)
class ProductItem:
    sku: str
    name: str
    price: Decimal
    currency: str = "USD"
    category: str = ""
    url: str = ""
    image_url: str = ""

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class CartItem:
    sku: str
    name: str
    price: Decimal
    quantity: int
    currency: str = "USD"
    url: str = ""
    image_url: str = ""

    @property
    def subtotal(self) -> Decimal:
        return self.price * self.quantity

    def __str__(self) -> str:
        return self.name


class Cart(tuple):
    """The items still in the contact's cart, in the order they were added."""

    @property
    def total(self) -> Decimal:
        return sum((item.subtotal for item in self), Decimal("0"))

    @property
    def quantity(self) -> int:
        return sum(item.quantity for item in self)


@dataclass(frozen=True, slots=True)
class CouponView:
    code: str
    percent: int
    expires_at: datetime

    def __str__(self) -> str:
        return self.code


#: value types whose every public attribute is plain data (templates.py reads them fast)
DATA_TYPES = frozenset({ProductItem, CartItem, CouponView})
