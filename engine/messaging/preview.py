"""Render an email for a preview: for the sample contact, or as one stored contact would get it.

Contract: `render_preview(template, now=..., session=None, contact_id=None)` returns a
`RenderedEmail` or raises `RenderError` (the reason names the part and line, exactly as
at send time) or LookupError (no such contact). It never writes: a stored contact's cart
and recommendations are read from the database, but coupons are sample codes (issuing a
real one would store it) and links are neither tracked nor signed. Trigger event
properties the template reads get sample values, as do the sample contact's custom
fields; a stored contact's own custom fields are used as they are, so a missing one fails
the preview as it would fail the real email. The shop comes from the app settings when a
session is given, else from the sample.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Sequence

from sqlalchemy.orm import Session

from engine.db.models import Contact
from engine.journey.data import EmailTemplate
from engine.messaging.compose import RenderedEmail
from engine.messaging.context import RenderContext
from engine.messaging.providers import DatabaseData, load_shop
from engine.messaging.render import render_email, template_sources
from engine.messaging.sample import (
    SAMPLE_SHOP,
    SAMPLE_UNSUBSCRIBE_URL,
    SAMPLE_VIEW_URL,
    SampleData,
    sample_context,
    sample_value,
)
from engine.templating.values import ContactInfo, CouponView, ProductItem

_EVENT_KEY = re.compile(r"\bevent\.([A-Za-z_]\w*)")
_CONTACT_KEY = re.compile(r"\bcontact\.(?:attributes\.)?([A-Za-z_]\w*)")
_STANDARD = frozenset(
    {"email", "first_name", "last_name", "full_name", "timezone", "country", "locale",
     "lead_score", "attributes"}
)


def _sources(template: EmailTemplate) -> str:
    return template_sources(template)


class _ReadOnlyData:
    """A stored contact's cart and recommendations, with sample coupons (never stored)."""

    def __init__(self, stored: DatabaseData, sample: SampleData):
        self._stored, self._sample = stored, sample

    def cart(self):
        return self._stored.cart()

    def recommendations(self, n: int) -> Sequence[ProductItem]:
        return self._stored.recommendations(n)

    def alternatives(self, n: int) -> Sequence[ProductItem]:
        return self._stored.alternatives(n)

    def product(self, sku: str) -> ProductItem | None:
        return self._stored.product(sku)

    def in_segment(self, name: str) -> bool:
        return self._stored.in_segment(name)

    def coupon(self, percent: int, valid_days: int) -> CouponView:
        return self._sample.coupon(percent, valid_days)


def render_preview(template: EmailTemplate, *, now: datetime, session: Session | None = None,
                   contact_id: int | None = None) -> RenderedEmail:
    source = _sources(template)
    event = {key: sample_value(key) for key in _EVENT_KEY.findall(source)}
    shop = load_shop(session) if session is not None else SAMPLE_SHOP
    if contact_id is None:
        custom = {key: sample_value(key) for key in _CONTACT_KEY.findall(source)
                  if key not in _STANDARD}
        context = sample_context(now, shop=shop, attributes=custom, event=event)
        return render_email(template, context)
    if session is None:
        raise ValueError("a stored contact's preview needs a database session")
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise LookupError(f"there is no contact with id {contact_id}")
    stored = DatabaseData(session, contact_id, journey_id=None, node_id="", now=now,
                          currency=shop.currency)
    context = RenderContext(
        contact=ContactInfo.of(contact), shop=shop, data=_ReadOnlyData(stored, SampleData(now)),
        now=now, unsubscribe_url=SAMPLE_UNSUBSCRIBE_URL, view_in_browser_url=SAMPLE_VIEW_URL,
        event=event,
    )
    return render_email(template, context)
