"""Turning a send-email or notify step into an outbox row (`message`), rendered now.

Renders run while the batch's transaction has written nothing (its writes are buffered
until `Batch.flush`), and what a render must store (a coupon, the first link secret) is
committed in a short transaction of its own: on SQLite no render runs while the write
lock is held.

Contract: `compose_email(step, template, category, public_url)` returns the row to insert:
`queued` with subject, HTML (CSS inlined, links tracked when `public_url` is set — only
when engine.messaging.tracking found it reachable — else links as written) and text, or `failed` with the
render error as `last_error` — one contact's bad data fails one message, never the batch.
The row's `idempotency_key` is the step's (enrollment, node, visit), unique in the table,
and `headers` carries what delivery needs to build the MIME message (from name,
preheader, List-Unsubscribe targets: the HTTPS one only when tracked, the signed mailto
always) and `tracked`, whether opens and clicks of this email could be recorded at all
(the analytics report says so instead of showing zeros as facts). Per-batch lookups (the shop, the link secret, the
catalog for recommendations) are done once per batch and kept on the batch.

With a render pool (`pool`, see render_pool.py) the row comes back `rendering` and is
filled in place by `finish_renders(batch)`, which advance calls before the batch flushes
(`abandon_renders` when the batch is given up); `describe_email` fills the email step's
log detail (subject, status, error) now or then. The row is the same either way
(render_job.render_message makes both).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import select

from engine.credentials.link_secret import get_or_create_secret
from engine.db.models import Event
from engine.journey.data import EmailTemplate
from engine.mailbox.settings import unsubscribe_address
from engine.messaging.providers import (
    CommerceHistory, DatabaseData, in_own_transaction, load_shop,
)
from engine.messaging.recommendations import Catalog
from engine.messaging.render import template_sources
from engine.runtime.pooled_renders import RENDERING, BatchRenders
from engine.runtime.render_job import LinkSpec, link_builder, render_message
from engine.templating.templates import TEXT, RenderError, compile_template, render
from engine.templating.values import Record


#: template words that need the product catalog / the contact's commerce events
CATALOG_WORDS = ("recommendations", "alternatives", "product(")
HISTORY_WORDS = ("cart", "recommendations", "alternatives")


def _batch_cached(batch, name: str, make):
    cache = batch.__dict__.setdefault("_outbox_cache", {})
    if name not in cache:
        cache[name] = make()
    return cache[name]


def compose_email(step, template: EmailTemplate, category: str, *,
                  public_url: str | None, pool=None) -> dict[str, Any]:
    """The outbox row of one email. With `pool` (a render_pool.RenderPool) the row is
    returned RENDERING and filled in by the batch's `BatchRenders.finish()`."""
    batch, run = step.batch, step.run
    session = batch.session
    key = step.idempotency_key()
    # the secret is created (first run) in its own transaction: the batch's own writes wait
    # for its flush, so no write lock is held while emails render
    links = _batch_cached(batch, "links", lambda: LinkSpec(
        public_url, in_own_transaction(session, get_or_create_secret),
        unsubscribe_address(session, batch.settings)))
    shop = _batch_cached(batch, "shop", lambda: load_shop(session))
    journey_id = step.journey.journey_id
    row: dict[str, Any] = {
        "idempotency_key": key, "contact_id": run.contact_id, "enrollment_id": run.id,
        "journey_id": journey_id, "node_id": step.node_id,
        "template_key": template.key, "category": category,
        "to_address": step.contact["email"], "attempts": 0, "retry_at": batch.now,
    }

    def data() -> DatabaseData:
        source = template_sources(template, shop.brand)
        catalog = history = None
        if any(word in source for word in CATALOG_WORDS):
            catalog = _batch_cached(batch, "catalog", lambda: Catalog.load(session))
        if any(word in source for word in HISTORY_WORDS):
            # one query for the whole batch instead of one per email
            history = _batch_cached(batch, "history", lambda: CommerceHistory.load(
                session, list(batch.contacts), batch.now))
        return DatabaseData(session, run.contact_id, journey_id=journey_id,
                            node_id=step.node_id, now=batch.now, currency=shop.currency,
                            catalog=catalog, history=history, separate_writes=True)

    event = run.context.get("event")
    if pool is None:
        return row | render_message(template, step.contact, shop=shop, data=data(),
                                    now=batch.now, links=link_builder(links), key=key,
                                    event=event)
    renders = _batch_cached(batch, "renders", lambda: BatchRenders(
        pool, shop, batch.now, links, ahead=_renders_of(batch.ahead)))
    row.update(status=RENDERING, subject=template.subject)
    # a snapshot: a later step of this batch may change the contact before the chunk goes
    contact = {**step.contact, "attributes": dict(step.contact["attributes"])}
    renders.add(template, contact, event, key, row, data)
    return row


def _renders_of(batch) -> BatchRenders | None:
    return batch.__dict__.get("_outbox_cache", {}).get("renders") if batch is not None else None


def renders_pending(batch) -> bool:
    """Whether some of the batch's emails are still out in the render pool."""
    renders = _renders_of(batch)
    return renders is not None and bool(renders.pending)


def feed_renders(batch) -> None:
    """Send the batch's waiting emails to the render pool, as far as it has room."""
    renders = _renders_of(batch)
    if renders is not None:
        renders.feed()


def drain_renders(batch) -> None:
    """Take the render pool's answers that are in (for any batch), without waiting."""
    renders = _renders_of(batch)
    if renders is not None:
        renders.pool.drain()


def finish_renders(batch) -> None:
    """Wait for the batch's pooled renders (if any) and fill their rows and step logs."""
    renders = _renders_of(batch)
    if renders is not None:
        renders.finish()
    for message, detail in batch.__dict__.pop("_rendering_details", []):
        detail.update(email_outcome(message))


def abandon_renders(batch) -> None:
    renders = _renders_of(batch)
    if renders is not None:
        renders.abandon()


def describe_email(batch, message: dict[str, Any], detail: dict[str, Any]) -> None:
    """Put the email's outcome into its step log's `detail`, now or once rendered."""
    if message["status"] == RENDERING:
        batch.__dict__.setdefault("_rendering_details", []).append((message, detail))
    else:
        detail.update(email_outcome(message))


def email_outcome(message: dict[str, Any]) -> dict[str, Any]:
    outcome = {"subject": message["subject"], "status": message["status"],
               "message_key": message["idempotency_key"]}
    if message["status"] == "failed":
        outcome["error"] = message["last_error"]
    return outcome


@lru_cache(maxsize=256)
def _alert_template(source: str, part: str):
    return compile_template(source, TEXT, part)


def compose_alert(step, config) -> dict[str, Any]:
    """An internal alert to a team member: plain text, no guards, no tracking.

    Its templates see `contact` (with status, created_at and last_activity_at), the trigger
    `event`, the `journey` name and `recent_events`: the contact's last ten events, newest
    first, each with `name`, `at` and `properties`, so the alert says what they have done.
    """
    batch = step.batch
    contact = step.contact
    variables = {
        "contact": {k: contact.get(k) for k in ("email", "first_name", "last_name", "lead_score",
                                                "country", "timezone", "status", "created_at",
                                                "last_activity_at")}
        | {"attributes": contact.get("attributes") or {}},
        "event": step.run.context.get("event") or {},
        "journey": step.journey.name,
        "recent_events": _recent_events(batch.session, step.run.contact_id, batch.now),
    }
    row = {
        "idempotency_key": step.idempotency_key(), "contact_id": step.run.contact_id,
        "enrollment_id": step.run.id, "journey_id": step.journey.journey_id,
        "node_id": step.node_id, "template_key": None, "category": "internal",
        "to_address": config.to, "html": "", "headers": {"from_name": "Trellis"},
        "attempts": 0, "retry_at": batch.now,
    }
    try:
        subject = render(_alert_template(config.subject, "the subject"), variables,
                         "the subject")
        text = render(_alert_template(config.message, "the message"), variables, "the message")
    except RenderError as error:
        return row | {"status": "failed", "subject": config.subject, "text": "",
                      "last_error": str(error), "retry_at": None}
    return row | {"status": "queued", "subject": " ".join(subject.split()), "text": text}


RECENT_EVENTS = 10


def _recent_events(session, contact_id: int, now) -> list[Record]:
    rows = session.execute(
        select(Event.name, Event.occurred_at, Event.properties)
        .where(Event.contact_id == contact_id, Event.occurred_at <= now)
        .order_by(Event.occurred_at.desc(), Event.id.desc())
        .limit(RECENT_EVENTS)
    )
    return [Record({"name": name, "at": at, "properties": properties or {}}, "recent_events")
            for name, at, properties in rows]
