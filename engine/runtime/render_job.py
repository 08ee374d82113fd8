"""One email render as plain data, so that it can run in another process.

Contract:
- `render_message(template, contact, ...)` returns the rendered fields of an outbox row:
  `status` "queued" with subject, HTML, text and `headers`, or "failed" with the render
  error as `last_error`. The engine process (one render worker: in-process) and the
  pool's worker processes both call it, so a message is the same wherever it rendered.
- `LinkSpec` is what a `LinkBuilder` is made of (picklable); `link_builder()` keeps one
  per spec, so the keyed HMAC state is made once per process and secret.
- `RenderJob` carries one email to a worker: the template, the contact as the engine
  reads it, the trigger event, the idempotency key, and `answers`.
- Look-ups stay in the engine process. In a worker, the template's data calls (cart,
  recommendations, alternatives, product, coupon, in_segment) are answered from
  `answers` only; a call not answered yet stops the render with `NeedsLookup(call)`,
  the worker returns `("need", call)`, and the engine answers the call with its own
  database provider (a coupon is issued there, in its own short transaction, exactly as
  an in-process render issues it) and sends the job again. A call that failed is answered
  `Failed(reason)`, raised in the template where it was called, so the message fails
  with the same reason and line as in-process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Mapping

from engine.journey.data import EmailTemplate
from engine.messaging.context import RenderContext
from engine.messaging.render import render_email
from engine.messaging.tokens import LinkBuilder
from engine.templating.templates import RenderError
from engine.templating.values import ContactInfo, ShopInfo

#: a data call: ("coupon", 10, 7), ("cart",), ("in_segment", "VIP")…
Call = tuple


@dataclass(frozen=True)
class LinkSpec:
    public_url: str | None
    secret: bytes
    mailbox: str | None


@lru_cache(maxsize=8)
def link_builder(spec: LinkSpec) -> LinkBuilder:
    return LinkBuilder(spec.public_url, spec.secret, spec.mailbox)


@dataclass
class RenderJob:
    id: int
    template: EmailTemplate
    contact: Mapping[str, Any]
    event: Mapping[str, Any] | None
    key: str
    answers: dict[Call, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Failed:
    """A data call the engine could not answer: the message fails with this reason."""

    reason: str


class NeedsLookup(BaseException):
    """Raised inside a worker's render for a call the engine has not answered yet.

    A BaseException, so the template machinery (which turns every Exception into a
    RenderError) lets it through untouched."""

    def __init__(self, call: Call):
        super().__init__(call)
        self.call = call


class AnsweredData:
    """`DataProvider` of a worker: answers from the engine, never a database."""

    def __init__(self, answers: Mapping[Call, Any]):
        self._answers = answers

    def _answer(self, call: Call) -> Any:
        if call not in self._answers:
            raise NeedsLookup(call)
        answer = self._answers[call]
        if isinstance(answer, Failed):
            raise RenderError(answer.reason)
        return answer

    def cart(self):
        return self._answer(("cart",))

    def recommendations(self, n: int):
        return self._answer(("recommendations", n))

    def alternatives(self, n: int):
        return self._answer(("alternatives", n))

    def product(self, sku: str):
        return self._answer(("product", sku))

    def coupon(self, percent: int, valid_days: int):
        return self._answer(("coupon", percent, valid_days))

    def in_segment(self, name: str) -> bool:
        return self._answer(("in_segment", name))


def answer_call(data, call: Call) -> Any:
    """Answer a worker's data call with the engine's provider (`DatabaseData`)."""
    name, *args = call
    try:
        return getattr(data, name)(*args)
    except RenderError as error:
        return Failed(error.reason)
    except Exception as error:  # as an in-process render words it: this message fails
        return Failed(f"{type(error).__name__}: {error}")


def render_message(template: EmailTemplate, contact: Mapping[str, Any], *, shop: ShopInfo,
                   data, now: datetime, links: LinkBuilder, key: str,
                   event: Mapping[str, Any] | None) -> dict[str, Any]:
    """The rendered fields of one outbox row (see the module docstring)."""
    info = ContactInfo.of(contact)
    unsubscribe = links.unsubscribe_url(key, info.id)
    context = RenderContext(
        contact=info, shop=shop, data=data, now=now, unsubscribe_url=unsubscribe,
        view_in_browser_url=links.view_url(key), event=event or {}, message_key=key,
        links=links if links.tracked else None)
    try:
        rendered = render_email(template, context)
    except RenderError as error:
        return {"status": "failed", "subject": template.subject, "html": "", "text": "",
                "headers": {}, "last_error": str(error), "retry_at": None}
    headers = {
        "from_name": rendered.from_name,
        "preheader": rendered.preheader,
        # the web link only when a reader can open it (engine.messaging.tracking decided)
        "list_unsubscribe": unsubscribe if links.tracked else None,
        # untracked, the footer's link IS the signed mailto: signed once, not twice
        "list_unsubscribe_mailto": (links.unsubscribe_mailto(links.mailbox, key, info.id)
                                    if links.tracked else unsubscribe),
        # for the report: were opens and clicks of this email trackable at all
        "tracked": links.tracked,
    }
    return {"status": "queued", "subject": rendered.subject, "html": rendered.html,
            "text": rendered.text, "headers": headers}


def render_job(job: RenderJob, *, shop: ShopInfo, now: datetime, links: LinkSpec) -> tuple:
    """A worker's answer for one job: ("done", fields) or ("need", call)."""
    try:
        return ("done", render_message(
            job.template, job.contact, shop=shop, data=AnsweredData(job.answers), now=now,
            links=link_builder(links), key=job.key, event=job.event))
    except NeedsLookup as need:
        return ("need", need.call)
