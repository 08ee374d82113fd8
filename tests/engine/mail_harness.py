"""Helpers for delivery and HTTP tests: an engine harness whose journeys queue real email,
a real SMTP sink, and a delivery worker pointed at it."""

from __future__ import annotations

from engine.delivery.smtp_settings import parse_smtp_url
from engine.delivery.worker import DeliveryWorker
from engine.journey.model import Journey
from engine.runtime.services import EngineServices
from tests.engine.harness import Harness

PUBLIC_URL = "https://mail.shop.example"
BODY = ("Hi {{ contact.first_name | default('there') }}, see [our new tea]"
        "(https://shop.example/tea?x=1&y=2).")


def mail_harness(db, clock) -> Harness:
    return Harness(db, clock, services=EngineServices(public_url=PUBLIC_URL))


def email_journey(name: str, *keys: str, transactional: bool = False, body: str = BODY,
                  from_name: str = "") -> Journey:
    """trigger `<name>_go` → one send-email step per template key, in a row."""
    journey = Journey(name)
    previous = journey.add_node("trigger.event", node_id="t", config={"event": f"{name}_go"})
    for index, key in enumerate(keys):
        node_id = f"email{index}"
        journey.add_node("action.send_email", node_id=node_id,
                         config={"template": key, "transactional": transactional})
        journey.set_template({"key": key, "name": key, "subject": f"{name}: {key}",
                              "preheader": "A little preview", "from_name": from_name,
                              "body": body})
        journey.connect(previous, "next", node_id)
        previous = node_id
    return journey


def queue_emails(h: Harness, journey: str, emails: list[str], **contact_fields) -> None:
    """Contacts that enter `journey` (built by email_journey) and get its email queued."""
    for email in emails:
        h.contact(email, **contact_fields)
        h.event(email, f"{journey}_go")


def worker_for(sink, db, clock, **options) -> DeliveryWorker:
    settings, _ = parse_smtp_url(sink.url)
    smtp_options = {k: options.pop(k) for k in ("connections", "rate_per_second") if k in options}
    settings = settings.model_copy(update={"timeout_seconds": 10, **smtp_options})
    options.setdefault("exclusive", True)
    return DeliveryWorker(db, clock, settings, **options)
