"""The bytes of an outgoing email, fast: what `compose.build_mime(...).as_bytes()` gives.

Contract: `mime_bytes(rendered, ...)` takes `build_mime`'s arguments and returns the
message `build_mime(...).as_bytes()` returns: the same headers byte for byte, in the same
order, the same MIME structure, and parts that decode to the same text. Two things differ
on purpose: the multipart boundary is derived from the message key instead of drawn at
random (a retried message is the same bytes), and the quoted-printable lines are wrapped
at 76 characters (RFC 2045's limit; the standard library wraps at 78). A test holds the
two to that over ASCII and non-ASCII names and subjects, long lines, trailing spaces,
dots, control characters and empty parts.

Why it exists: the standard library's `email` package parses and re-folds every header
through its header registry and runs the generator per message, about 5 ms for a typical
email here, four times what the local SMTP hand-over itself costs, which would make the
Python side the bottleneck of delivery. This module writes the fixed structure directly,
encodes the bodies with `binascii.b2a_qp` (C), and asks the standard library to fold a
header only when the value is not plain short ASCII (cached: the From header repeats for
every email).
`build_mime` stays the definition; this is its fast path.
"""

from __future__ import annotations

import binascii
import hashlib
import re
from datetime import datetime
from email.headerregistry import Address
from email.utils import format_datetime
from functools import lru_cache

from engine.messaging.compose import EMAIL_POLICY, RenderedEmail, message_id

NL = "\r\n"
_MAX_LINE = EMAIL_POLICY.max_line_length
#: the longest quoted-printable line (RFC 2045)
QP_LINE = 76
#: plain ASCII a header can carry as it is: printable, no encoded-word look-alikes
_PLAIN = re.compile(r"[\x21-\x7e]+(?: [\x21-\x7e]+)*")
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+")
_LINK = re.compile(r"[\x21-\x7e]+")


def boundary_for(key: str) -> str:
    """A boundary of the standard library's shape (15 '=', 19 digits, '=='), from the key."""
    number = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % 10**19
    return f"==============={number:019d}=="


def _plain(name: str, value: str) -> bool:
    return (len(name) + 2 + len(value) <= _MAX_LINE and "=?" not in value
            and _PLAIN.fullmatch(value) is not None)


def _header(name: str, value: str) -> str:
    return f"{name}: {value}{NL}" if _plain(name, value) else _folded(name, value)


@lru_cache(maxsize=4096)
def _folded(name: str, value: str) -> str:
    return EMAIL_POLICY.fold(*EMAIL_POLICY.header_store_parse(name, value))


@lru_cache(maxsize=1024)
def _address(name: str, display_name: str, addr_spec: str) -> str:
    if not display_name and _PLAIN_ADDRESS.fullmatch(addr_spec) and len(addr_spec) < 60:
        return f"{name}: {addr_spec}{NL}"
    address = Address(display_name=display_name, addr_spec=addr_spec)
    return EMAIL_POLICY.fold(*EMAIL_POLICY.header_store_parse(name, address))


def _links(https: str | None, mailto: str) -> str:
    if https is None:  # tracking off: only the mailto, and no One-Click (RFC 8058 needs https)
        if _LINK.fullmatch(mailto) and "=?" not in mailto:
            return f"List-Unsubscribe: <{mailto}>{NL}"
        return _folded("List-Unsubscribe", f"<{mailto}>")
    if _LINK.fullmatch(https) and _LINK.fullmatch(mailto) and "=?" not in https + mailto:
        return f"List-Unsubscribe: <{https}>,{NL} <{mailto}>{NL}"
    return _folded("List-Unsubscribe", f"<{https}>, <{mailto}>")


def _qp(text: str) -> str:
    """The text as one quoted-printable body with CRLF line ends (RFC 2045), by binascii.

    The lines are those `set_content` sees (`bytes.splitlines` of the UTF-8), so the body
    decodes to exactly what `build_mime`'s does; binascii (C) wraps at 76 characters where
    the standard library's pure-Python encoder wraps at 78, and is three times faster.
    """
    data = b"\r\n".join(text.encode("utf-8").splitlines()) + b"\r\n"
    encoded = binascii.b2a_qp(data, quotetabs=False, istext=True, header=False)
    # only a line ending in an escaped space or tab can be too long (see _rewrap)
    if b"=20\r\n" in encoded or b"=09\r\n" in encoded:
        lines = encoded.split(b"\r\n")
        if max(map(len, lines)) > QP_LINE:
            encoded = b"\r\n".join(piece for line in lines for piece in _rewrap(line))
    return encoded.decode("ascii")


def _rewrap(line: bytes) -> list[bytes]:
    """An encoded line cut to RFC 2045's 76 characters with soft breaks.

    binascii lets a line that ends in an escaped space or tab ("…=20") reach 77.
    """
    pieces = []
    while len(line) > QP_LINE:
        cut = QP_LINE - 1
        if line[cut - 1:cut] == b"=":  # never split an escape ("=XX") or a soft break
            cut -= 1
        elif line[cut - 2:cut - 1] == b"=":
            cut -= 2
        pieces.append(line[:cut] + b"=")
        line = line[cut:]
    pieces.append(line)
    return pieces


def mime_bytes(
    rendered: RenderedEmail,
    *,
    to: str,
    from_addr: str,
    from_name: str,
    message_id_key: str,
    unsubscribe_https: str | None,
    unsubscribe_mailto: str,
    reply_to: str | None = None,
    domain: str,
    date: datetime | None = None,
) -> bytes:
    boundary = boundary_for(message_id_key)
    parts = [
        _address("From", from_name, from_addr),
        _address("To", "", to),
    ]
    if reply_to:
        parts.append(_address("Reply-To", "", reply_to))
    parts.append(_header("Subject", rendered.subject))
    if date is not None:
        parts.append(_header("Date", format_datetime(date)))
    parts += [
        _header("Message-ID", message_id(message_id_key, domain)),
        _links(unsubscribe_https, unsubscribe_mailto),
        f"List-Unsubscribe-Post: List-Unsubscribe=One-Click{NL}" if unsubscribe_https else "",
        f"MIME-Version: 1.0{NL}",
        f'Content-Type: multipart/alternative;{NL} boundary="{boundary}"{NL}',
        NL,
        f"--{boundary}{NL}",
        f'Content-Type: text/plain; charset="utf-8"{NL}',
        f"Content-Transfer-Encoding: quoted-printable{NL}",
        NL,
        _qp(rendered.text),
        f"{NL}--{boundary}{NL}",
        f'Content-Type: text/html; charset="utf-8"{NL}',
        f"Content-Transfer-Encoding: quoted-printable{NL}",
        f"MIME-Version: 1.0{NL}",
        NL,
        _qp(rendered.html),
        f"{NL}--{boundary}--{NL}",
    ]
    # headers fold to ASCII (non-ASCII is RFC 2047 encoded), bodies are quoted-printable
    return "".join(parts).encode("ascii")
