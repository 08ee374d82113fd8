"""What one mail in the sender's mailbox is: a bounce, a complaint, an unsubscribe, or not ours.

Contract: `classify(raw, secret, accept_plain_replies)` parses the bytes and returns a
`Verdict` (kind, the address or contact it concerns, evidence). In this order:
1. an RFC 3464 delivery status notification (`multipart/report;
   report-type=delivery-status`): per recipient, `Action: failed` with a 5.x.x status is a
   hard bounce, 4.x.x or `Action: delayed` a soft one (`bounce_hard` / `bounce_soft`).
   Non-standard bounces (old MTAs) are recognised by flufl.bounce's detectors.
2. an RFC 5965 ARF report (`report-type=feedback-report`): a `complaint`. The contact is
   found by the signed token in the original's List-Unsubscribe (exact), else by
   `Original-Rcpt-To`, else by the original's To.
3. a signed unsubscribe token (engine.messaging.tokens, the mailto's subject or body):
   `unsubscribe` of the contact in the token, whoever sent it (the token is the proof).
4. an auto-reply (RFC 3834 `Auto-Submitted` other than `no`, `X-Autoreply`,
   `X-Autorespond`, `Precedence: auto_reply/bulk/junk/list`, "Automatic reply"/"Out of
   office" subjects): `auto_reply`, ignored.
5. with `accept_plain_replies`, a short mail whose own text (quoted reply cut off) says
   "unsubscribe": `unsubscribe` of the sender's address (`from_address`); the caller acts
   only when that is a contact's own address.
Everything else is `other`: left where it is for people to read.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.utils import getaddresses, parseaddr
from typing import Any

from flufl.bounce import all_failures

from engine.messaging import tokens

UNSUBSCRIBE, BOUNCE_HARD, BOUNCE_SOFT = "unsubscribe", "bounce_hard", "bounce_soft"
COMPLAINT, AUTO_REPLY, OTHER = "complaint", "auto_reply", "other"
_STATUS = re.compile(r"\b([245])\.\d{1,3}\.\d{1,3}\b")
_AUTO_SUBJECT = re.compile(r"^\s*(automatic reply|auto(matic)?[- ]?(reply|response)|out of (the )?office"
                           r"|abwesenheit|réponse automatique|autoreply)", re.I)
_QUOTE_START = re.compile(r"^(>|On .+ wrote:|-----Original Message-----|From: )", re.M)
_UNSUB_WORD = re.compile(r"\bunsubscribe\b|\bremove me\b|\bopt[- ]?out\b", re.I)
PLAIN_REPLY_MAX = 300


@dataclass
class Verdict:
    kind: str
    message_id: str
    #: the recipient a bounce or complaint is about, or the sender of a plain reply
    address: str | None = None
    #: the contact a signed token names
    contact_id: int | None = None
    evidence: dict[str, Any] = field(default_factory=dict)


def parse(raw: bytes) -> Message:
    return email.message_from_bytes(raw, policy=policy.compat32)


def classify(raw: bytes, secret: bytes, *, accept_plain_replies: bool = False) -> Verdict:
    message = parse(raw)
    message_id = (message.get("Message-ID") or "").strip()
    base = {"mail_message_id": message_id, "mail_from": _from(message),
            "mail_subject": str(message.get("Subject") or "")[:300],
            "mail_date": str(message.get("Date") or "")}
    report = (message.get_param("report-type") or "").lower() \
        if message.get_content_type() == "multipart/report" else ""
    if report == "delivery-status" or (not report and _looks_like_bounce(message)):
        verdict = _bounce(message, message_id, base)
        if verdict is not None:
            return verdict
    if report == "feedback-report":
        return _complaint(message, message_id, base, secret)
    text = _own_text(message)
    token = tokens.find_unsubscribe_token(str(message.get("Subject") or "")) \
        or tokens.find_unsubscribe_token(text)
    if token:  # before the auto-reply test: some clients mark their mailto sends automatic
        payload = tokens.verify(tokens.UNSUBSCRIBE, token, secret)
        if payload and isinstance(payload.get("c"), int):
            return Verdict(UNSUBSCRIBE, message_id, contact_id=payload["c"],
                           evidence=base | {"message_key": payload.get("m"), "how": "mailto"})
    if _is_auto_reply(message):
        return Verdict(AUTO_REPLY, message_id, evidence=base)
    if accept_plain_replies:
        words = f"{message.get('Subject') or ''}\n{text}"
        if len(text) <= PLAIN_REPLY_MAX and _UNSUB_WORD.search(words):
            return Verdict(UNSUBSCRIBE, message_id, address=_from(message),
                           evidence=base | {"how": "plain_reply"})
    return Verdict(OTHER, message_id, evidence=base)


def _from(message: Message) -> str:
    return parseaddr(str(message.get("From") or ""))[1].strip().lower()


def _looks_like_bounce(message: Message) -> bool:
    sender = _from(message)
    subject = str(message.get("Subject") or "").lower()
    return sender.startswith(("mailer-daemon", "postmaster")) or not message.get("From") \
        or "undeliver" in subject or "delivery status" in subject or "returned mail" in subject


def _bounce(message: Message, message_id: str, base: dict) -> Verdict | None:
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        per_message = blocks[0] if blocks else {}
        for block in blocks[1:]:
            address = _address_field(block.get("Final-Recipient") or block.get("Original-Recipient"))
            action = str(block.get("Action") or "").strip().lower()
            status = str(block.get("Status") or "").strip()
            if not address or action not in ("failed", "delayed"):
                continue
            hard = action == "failed" and status.startswith("5")
            evidence = base | {"status": status, "action": action,
                               "diagnostic": str(block.get("Diagnostic-Code") or "")[:500],
                               "reporting_mta": str(per_message.get("Reporting-MTA") or ""),
                               "original_message_id": _original_header(message, "Message-ID")}
            return Verdict(BOUNCE_HARD if hard else BOUNCE_SOFT, message_id, address=address,
                           evidence=evidence)
    temporary, permanent = all_failures(message)  # non-standard bounces
    found = sorted(permanent) or sorted(temporary)
    if not found:
        return None
    address = found[0].decode("utf-8", "replace").strip().lower()
    status = _STATUS.search(message.as_string())
    return Verdict(BOUNCE_HARD if permanent else BOUNCE_SOFT, message_id, address=address,
                   evidence=base | {"status": status.group(0) if status else "",
                                    "detected_by": "flufl.bounce"})


def _complaint(message: Message, message_id: str, base: dict, secret: bytes) -> Verdict:
    report: Message | None = None
    for part in message.walk():
        if part.get_content_type() == "message/feedback-report":
            payload = part.get_payload()
            report = payload[0] if isinstance(payload, list) and payload else None
            if report is None:  # some parsers leave it as text: read it as headers
                report = email.message_from_string(str(part.get_payload()))
    report = report or Message()
    evidence = base | {"feedback_type": str(report.get("Feedback-Type") or "").strip(),
                       "user_agent": str(report.get("User-Agent") or "").strip(),
                       "original_message_id": _original_header(message, "Message-ID")}
    unsubscribe = _original_header(message, "List-Unsubscribe")
    token = tokens.find_unsubscribe_token(unsubscribe.replace("%20", " "))
    payload = tokens.verify(tokens.UNSUBSCRIBE, token, secret) if token else None
    if payload and isinstance(payload.get("c"), int):
        return Verdict(COMPLAINT, message_id, contact_id=payload["c"],
                       evidence=evidence | {"message_key": payload.get("m")})
    address = _address_field(report.get("Original-Rcpt-To")) \
        or _address_field(_original_header(message, "To"))
    return Verdict(COMPLAINT, message_id, address=address, evidence=evidence)


def _original_header(message: Message, name: str) -> str:
    """A header of the original email a report carries (message/rfc822 or rfc822-headers)."""
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            if isinstance(inner, Message) and inner.get(name):
                return " ".join(str(inner.get(name)).split())
        elif kind == "text/rfc822-headers":
            headers = email.message_from_string(part.get_payload(decode=True).decode("utf-8", "replace"))
            if headers.get(name):
                return " ".join(str(headers.get(name)).split())
    return ""


def _address_field(value: Any) -> str | None:
    if not value:
        return None
    text = str(value)
    text = text.split(";", 1)[1] if ";" in text else text  # "rfc822; ana@example.com"
    found = getaddresses([text.strip()])
    address = found[0][1].strip().lower() if found else ""
    return address or None


def _is_auto_reply(message: Message) -> bool:
    auto = str(message.get("Auto-Submitted") or "").strip().lower()
    precedence = str(message.get("Precedence") or "").strip().lower()
    return (bool(auto) and auto != "no") or bool(message.get("X-Autoreply")) \
        or bool(message.get("X-Autorespond")) or precedence in ("auto_reply", "bulk", "junk", "list") \
        or bool(_AUTO_SUBJECT.match(str(message.get("Subject") or "")))


def _own_text(message: Message) -> str:
    """The sender's own words: the first text/plain part, the quoted original cut off."""
    for part in message.walk():
        if part.get_content_type() == "text/plain" and not part.is_multipart():
            payload = part.get_payload(decode=True) or b""
            text = payload.decode(part.get_content_charset() or "utf-8", "replace")
            quote = _QUOTE_START.search(text)
            return (text[:quote.start()] if quote else text).strip()
    return ""
