"""May this contact get this email? The two rules that hold until the moment of sending.

Contract: `suppression_reason(status, transactional)` — "bounced" for a bounced contact
(nothing goes to an address that bounced), the status itself ("unsubscribed",
"complained") when a marketing email goes to a suppressed contact, else None.
`consent_reason(latest, required)` — "no_consent" when the contact's latest
email-marketing consent (`latest`, None: none recorded) was withdrawn, or is missing while
`required`; else None. The engine checks both when it queues an email
(engine/runtime/guards.py) and the delivery claims again before sending
(engine/delivery/claims.py), so the answer is written once.
"""

from __future__ import annotations

from engine.db.models import ContactStatus


def suppression_reason(status: str, transactional: bool) -> str | None:
    if status == ContactStatus.BOUNCED:
        return "bounced"
    if not transactional and status in ContactStatus.SUPPRESSED:
        return status
    return None


def consent_reason(latest: bool | None, required: bool) -> str | None:
    if latest is False or (latest is None and required):
        return "no_consent"
    return None
