"""Delivery: the outbox handed to an SMTP server (DESIGN.md §5).

Contract: `DeliveryWorker.drain()` moves due `message` rows through
`queued → sending → sent | failed (retry_at) | bounced | suppressed`, and `uncertain`
for a send a crash interrupted (never re-sent without a person deciding);
`DeliveryService` runs it in a background thread. Everything reads time from an injected
clock. Nothing here imports Qt.

Modules, each with one job:
- `smtp_settings`  the server settings and `smtp://` URLs; `password` where the password lives
- `transport`      one reusable SMTP connection that knows where a failure happened
- `results`        reply codes → sent / bounced / retry / failed / uncertain; the backoff
- `wire`, `mime`   an outbox row → the bytes of the email (build_mime's fast path)
- `claims`         the outbox as a work queue: claim, settle, recover, uncertain decisions
- `pacing`         the rate limit
- `worker`, `service`   the drain, and the thread that runs it
- `trial_send`     "send a test to me"

May import: only engine packages below it in the layer order of
tests/engine/test_import_layers.py (today: errors, clock, db, credentials, journey,
settings, messaging, contacts, intake, mailbox); never the runtime (which starts it).
"""
