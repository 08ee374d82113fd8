"""What became of one hand-over to SMTP, and when to try again.

Contract:
- `SendResult(outcome, reason, code)`: `sent`; `bounced` (the server refused the
  recipient for good: the contact is suppressed); `retry` (a temporary refusal, or a
  failure before the message was handed over: try later); `failed` (refused for good, but
  not because of the address, e.g. content or policy: no retry, contact untouched);
  `uncertain` (the connection broke while the message itself was being handed over: it
  may have been delivered, so it is never re-sent without a person deciding).
- `classify(code, text, stage)` maps an SMTP reply to a result. 4xx is temporary
  everywhere. 5xx at RCPT is a bounce; at DATA it is a bounce only with an enhanced
  status about the address (5.1.x, or 5.2.1 "mailbox disabled"), otherwise a permanent
  failure of this message; 5xx at MAIL FROM is about our sender address, not the
  contact, so it is retried (the user may fix the settings) and never bounces anyone.
- `retry_delay(attempts)` is the wait after the attempts-th temporary failure: 1 min,
  5 min, 30 min, 2 h, 6 h; None after that (give up: about 9 hours of trying, six
  attempts in all). `RETRY_DELAYS` is the one retry table: journeys' webhooks
  (engine/runtime/webhooks.py) wait the same delays, but give up at their own
  `max_attempts` and wait the last delay again should that come after the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

Outcome = Literal["sent", "bounced", "retry", "failed", "uncertain"]
Stage = Literal["connect", "mail", "rcpt", "data"]

RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
_ENHANCED = re.compile(r"^\s*([245])\.(\d{1,3})\.(\d{1,3})\b")


@dataclass(frozen=True, slots=True)
class SendResult:
    outcome: Outcome
    reason: str = ""
    code: int | None = None


SENT = SendResult("sent")


def reply_text(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}".strip()


def classify(code: int, text: bytes | str, stage: Stage) -> SendResult:
    reason = reply_text(code, text)
    if 200 <= code < 400:
        return SendResult("sent", reason, code)
    if 400 <= code < 500:
        return SendResult("retry", f"temporarily refused at {stage.upper()}: {reason}", code)
    if stage == "rcpt" or (stage == "data" and _about_address(text)):
        return SendResult("bounced", reason, code)
    if stage == "mail":
        return SendResult("retry", f"the server refused our sender address: {reason}", code)
    return SendResult("failed", f"refused at {stage.upper()}: {reason}", code)


def _about_address(text: bytes | str) -> bool:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    match = _ENHANCED.match(text)
    if match is None or match.group(1) != "5":
        return False
    subject, detail = match.group(2), match.group(3)
    return subject == "1" or (subject == "2" and detail == "1")


def retry_delay(attempts: int) -> timedelta | None:
    """The wait after the `attempts`-th try failed temporarily; None: give up."""
    if attempts < 1:
        return RETRY_DELAYS[0]
    return RETRY_DELAYS[attempts - 1] if attempts <= len(RETRY_DELAYS) else None
