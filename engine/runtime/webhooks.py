"""Sending the webhooks journeys queued (`webhook_call` rows), outside any step.

Contract: `send_due_webhooks(database, now, post=...)` takes calls that are `queued` with
`retry_at <= now` (PostgreSQL: SKIP LOCKED), POSTs/PUTs their JSON body with the step's
idempotency key in an `Idempotency-Key` header (receivers can drop repeats: delivery is
at-least-once, because an HTTP call cannot share the database's transaction), and
records the response status and the first 2,000 characters of its body. 2xx → `sent`;
anything else or a network error → retried up to `max_attempts` (the call's own: the
step's retries + 1), then `failed` with the last error. The waits are email delivery's
retry table (`engine.delivery.results.RETRY_DELAYS`, one table for both: 1 min, 5 min,
30 min, 2 h, 6 h), counted the same way (the wait after the n-th failed attempt); where
email gives up after the table, a webhook with attempts left keeps waiting its last
delay (6 h). One slow or broken endpoint delays only its own calls: each has its own
timeout.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import select

from engine.db.database import Database
from engine.db.models import WebhookCall
from engine.delivery.results import RETRY_DELAYS, retry_delay

MAX_BODY = 2000


@dataclass(frozen=True)
class Response:
    status: int | None
    body: str
    error: str | None = None


def http_post(url: str, method: str, headers: dict[str, str], body: bytes,
              timeout: float) -> Response:
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310 (http/https only)
            return Response(reply.status, reply.read(MAX_BODY).decode("utf-8", "replace"))
    except urllib.error.HTTPError as error:
        return Response(error.code, error.read(MAX_BODY).decode("utf-8", "replace"),
                        f"HTTP {error.code}")
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        return Response(None, "", f"{type(error).__name__}: {reason}")


def send_due_webhooks(database: Database, now: datetime, *, limit: int = 100,
                      post: Callable[..., Response] = http_post) -> int:
    postgres = database.engine.dialect.name == "postgresql"
    sent = 0
    with database.session() as session:
        query = (select(WebhookCall).where(WebhookCall.status == "queued",
                                           WebhookCall.retry_at <= now)
                 .order_by(WebhookCall.retry_at).limit(limit))
        if postgres:
            query = query.with_for_update(skip_locked=True)
        for call in session.scalars(query):
            headers = {"Content-Type": "application/json", "User-Agent": "Trellis",
                       "Idempotency-Key": call.idempotency_key, **(call.headers or {})}
            body = json.dumps(call.body).encode("utf-8")
            response = post(call.url, call.method, headers, body, float(call.timeout_seconds))
            call.attempts += 1
            call.response_status, call.response_body = response.status, response.body[:MAX_BODY]
            if response.status is not None and 200 <= response.status < 300:
                call.status, call.sent_at, call.last_error, call.retry_at = "sent", now, None, None
                sent += 1
            elif call.attempts >= call.max_attempts:
                call.status, call.retry_at = "failed", None
                call.last_error = response.error or f"HTTP {response.status}"
            else:
                call.last_error = response.error or f"HTTP {response.status}"
                # past the table the webhook's own max_attempts decides, not the table
                call.retry_at = now + (retry_delay(call.attempts) or RETRY_DELAYS[-1])
    return sent
