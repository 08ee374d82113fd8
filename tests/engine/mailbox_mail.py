"""Mails as they land in a sender's mailbox, for the mailbox reader's tests: a mailto
unsubscribe, RFC 3464 DSNs, an RFC 5965 ARF report, an auto-reply, a plain reply."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

SHOP = "hello@shop.example"


def _crlf(text: str) -> bytes:
    return text.strip("\n").replace("\n", "\r\n").encode("utf-8") + b"\r\n"


def mailto_unsubscribe(mailto: str, sender: str, message_id: str) -> bytes:
    """What a mail client sends for a List-Unsubscribe mailto: to, subject and body from it."""
    parts = urlsplit(mailto)
    query = dict(pair.split("=", 1) for pair in parts.query.split("&"))
    return _crlf(f"""
From: {sender}
To: {parts.path}
Subject: {unquote(query["subject"])}
Message-ID: {message_id}
Date: Fri, 04 Dec 2026 10:00:00 +0000
Content-Type: text/plain; charset=utf-8

{unquote(query.get("body", ""))}
""")


def dsn(recipient: str, status: str, message_id: str, *, action: str = "failed") -> bytes:
    return _crlf(f"""
From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: {SHOP}
Subject: Undelivered Mail Returned to Sender
Message-ID: {message_id}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="DSN"

--DSN
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not be delivered.

--DSN
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
Arrival-Date: Fri, 4 Dec 2026 10:00:00 +0000

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; {status.replace('.', '')[:3]} {status} mailbox says no

--DSN
Content-Type: text/rfc822-headers

From: Shop <{SHOP}>
To: {recipient}
Message-ID: <original-{recipient}@shop.example>
Subject: Welcome

--DSN--
""")


def arf(recipient: str, message_id: str, list_unsubscribe: str = "") -> bytes:
    header = f"List-Unsubscribe: <{list_unsubscribe}>\n" if list_unsubscribe else ""
    return _crlf(f"""
From: Feedback Loop <fbl@isp.example.net>
To: {SHOP}
Subject: FW: Welcome
Message-ID: {message_id}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="ARF"

--ARF
Content-Type: text/plain; charset=us-ascii

This is an email abuse report for an email message received from IP 192.0.2.1.

--ARF
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: ExampleFBL/1.0
Version: 1
Original-Rcpt-To: {recipient}
Arrival-Date: Fri, 4 Dec 2026 10:00:00 +0000

--ARF
Content-Type: message/rfc822
Content-Disposition: inline

From: Shop <{SHOP}>
To: someone-else@isp.example.net
{header}Message-ID: <original-{recipient}@shop.example>
Subject: Welcome

Hi!

--ARF--
""")


def auto_reply(sender: str, message_id: str) -> bytes:
    return _crlf(f"""
From: {sender}
To: {SHOP}
Subject: Out of office: Welcome
Message-ID: {message_id}
Auto-Submitted: auto-replied

I am away until Monday. To unsubscribe from my newsletter, reply STOP.
""")


def plain_reply(sender: str, message_id: str, text: str = "Unsubscribe please") -> bytes:
    return _crlf(f"""
From: {sender}
To: {SHOP}
Subject: Re: Welcome
Message-ID: {message_id}
Content-Type: text/plain; charset=utf-8

{text}

On Fri, 4 Dec 2026, Shop wrote:
> Hi! Big sale this week.
""")


def human(sender: str, message_id: str) -> bytes:
    return _crlf(f"""
From: {sender}
To: {SHOP}
Subject: Question about my order
Message-ID: {message_id}

Where is my parcel?
""")
