"""One SMTP connection, reused for many messages, that knows what stage a failure hit.

Contract:
- `SmtpConnection(settings, password).open()` connects (plain, STARTTLS or TLS, with the
  system's CA certificates or the settings' `ca_file`) and logs in when there is a user;
  it raises `DeliveryError` with a sentence for people ("cannot connect to …", "the
  server did not accept the user name or password …").
- `send(sender, recipient, data, meanwhile=…)` hands one message to the server and returns
  a `SendResult` (results.py); it never raises for a refusal or a broken connection. It
  tells apart a failure before the message content was sent (safe to retry) from one while
  it was being sent or acknowledged (`uncertain`), which is why it drives MAIL, RCPT and
  DATA itself instead of calling `smtplib.sendmail`. After a refusal the transaction is
  reset and the connection stays usable; after a broken connection `is_open` is False
  and the next `send` reconnects.
- `test_connection(settings, password)` opens, checks with NOOP, closes, and returns a
  one-line description of what it found.
"""

from __future__ import annotations

import logging
import re
import smtplib
import socket
import ssl
from typing import Callable

from engine.delivery.results import SENT, SendResult, classify
from engine.delivery.smtp_settings import SmtpSettings
from engine.errors import TrellisError

_LEADING_DOT = re.compile(rb"(?m)^\.")
#: an address that needs no quoting or parsing in MAIL FROM / RCPT TO
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")
log = logging.getLogger("trellis.delivery")


class DeliveryError(TrellisError):
    """Delivery cannot talk to the SMTP server (connection, TLS or login)."""


def tls_context(settings: SmtpSettings) -> ssl.SSLContext:
    """Certificates verified against the system's CAs, or the settings' `ca_file`."""
    return ssl.create_default_context(cafile=settings.ca_file)


class SmtpConnection:
    def __init__(self, settings: SmtpSettings, password: str | None = None):
        self.settings = settings
        self.password = password
        self._smtp: smtplib.SMTP | None = None
        self.banner = ""

    @property
    def is_open(self) -> bool:
        return self._smtp is not None

    def open(self) -> None:
        if self._smtp is not None:
            return
        settings = self.settings
        where = settings.address
        # an explicit EHLO name: smtplib's default asks DNS, which can stall for seconds
        local = socket.gethostname() or "localhost"
        try:
            if settings.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    settings.host, settings.port, local_hostname=local,
                    timeout=settings.timeout_seconds, context=tls_context(settings))
            else:
                smtp = smtplib.SMTP(settings.host, settings.port, local_hostname=local,
                                    timeout=settings.timeout_seconds)
        except ssl.SSLError as error:
            raise DeliveryError(f"TLS with {where} failed: {error.reason or error}") from None
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"cannot connect to {where}: {_describe(error)}") from None
        try:
            code, text = smtp.ehlo()
            if code != 250:
                smtp.helo()
            if settings.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise DeliveryError(
                        f"{where} does not offer STARTTLS; use smtp:// if it really has no "
                        "encryption, or smtps:// for TLS from the start")
                smtp.starttls(context=tls_context(settings))
                smtp.ehlo()
            if settings.username:
                if self.password is None:
                    raise DeliveryError(
                        f"{where} needs the password of {settings.username!r}: store it in "
                        "the keychain or set TRELLIS_SMTP_PASSWORD")
                _login(smtp, settings.username, self.password)
        except DeliveryError:
            _quietly_close(smtp)
            raise
        except smtplib.SMTPAuthenticationError as error:
            _quietly_close(smtp)
            raise DeliveryError(
                f"{where} did not accept the user name or password "
                f"({error.smtp_code} {_text(error.smtp_error)})") from None
        except smtplib.SMTPNotSupportedError:
            _quietly_close(smtp)
            raise DeliveryError(f"{where} does not offer login (AUTH); remove the user "
                                "name, or use STARTTLS/TLS if it offers login only then") from None
        except ssl.SSLError as error:
            _quietly_close(smtp)
            raise DeliveryError(f"TLS with {where} failed: {error.reason or error}") from None
        except (OSError, smtplib.SMTPException) as error:
            _quietly_close(smtp)
            raise DeliveryError(f"{where}: {_describe(error)}") from None
        self.banner = _text(getattr(smtp, "ehlo_resp", b"") or b"").split("\n")[0]
        self._smtp = smtp

    def supports_smtputf8(self) -> bool:
        return self._smtp is not None and self._smtp.has_extn("smtputf8")

    def send(self, sender: str, recipient: str, data: bytes, *, smtputf8: bool = False,
             meanwhile: Callable[[], object] | None = None) -> SendResult:
        """Hand one message over. `meanwhile` runs once the message is sent and before
        the server's verdict is read: work done there overlaps the server's own (the
        worker builds the next email), instead of adding to every message's time."""
        reused = self._smtp is not None
        result, stale = self._send_once(sender, recipient, data, smtputf8, meanwhile)
        if stale and reused:
            # A kept-open connection the server has since closed (idle timeout) fails at
            # the first command: nothing was handed over, so one fresh try is safe.
            result, _ = self._send_once(sender, recipient, data, smtputf8, meanwhile)
        return result

    def _send_once(self, sender: str, recipient: str, data: bytes, smtputf8: bool,
                   meanwhile: Callable[[], object] | None) -> tuple[SendResult, bool]:
        """(the result, whether the connection was found closed at the first command)"""
        if self._smtp is None:
            try:
                self.open()
            except DeliveryError as error:
                return SendResult("retry", str(error)), False
        smtp = self._smtp
        assert smtp is not None
        stage = "mail"
        try:
            if smtputf8:  # smtplib switches the command encoding for it
                code, text = smtp.mail(sender, ["SMTPUTF8"])
            else:
                code, text = _command(smtp, "mail", "FROM:", sender)
            if code != 250:
                return self._refused(code, text, "mail"), False
            stage = "rcpt"
            code, text = (smtp.rcpt(recipient) if smtputf8
                          else _command(smtp, "rcpt", "TO:", recipient))
            if code not in (250, 251):
                return self._refused(code, text, "rcpt"), False
            stage = "data"
            smtp.putcmd("data")
            code, text = smtp.getreply()
            if code != 354:
                return self._refused(code, text, "data"), False
        except (OSError, smtplib.SMTPException) as error:
            self._drop()
            lost = SendResult("retry", f"connection lost at {stage.upper()}: {_describe(error)}")
            return lost, stage == "mail"
        # From here on the server may have the message: a failure is not safe to retry.
        # RFC 5321 dot-stuffing; most emails have no line starting with "." (cheap to check)
        payload = _LEADING_DOT.sub(b"..", data) if data[:1] == b"." or b"\n." in data else data
        if not payload.endswith(b"\r\n"):
            payload += b"\r\n"
        try:
            smtp.send(payload + b".\r\n")
            if meanwhile is not None:
                _run_meanwhile(meanwhile)
            code, text = smtp.getreply()
        except (OSError, smtplib.SMTPException) as error:
            self._drop()
            return SendResult("uncertain", "the connection broke while the message was being "
                              f"handed over: {_describe(error)}"), False
        if code == 250:
            return SENT, False
        return self._refused(code, text, "data"), False

    def _refused(self, code: int, text: bytes, stage) -> SendResult:
        result = classify(code, text, stage)
        if code == 421:  # the server is closing this connection
            self._drop()
        else:
            try:
                self._smtp.rset()  # type: ignore[union-attr]
            except (OSError, smtplib.SMTPException):
                self._drop()
        return result

    def _drop(self) -> None:
        """Close without QUIT: the connection is broken or the server is closing it."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            _quietly_close(smtp)

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            _quietly_close(smtp)


def _command(smtp: smtplib.SMTP, verb: str, prefix: str, address: str) -> tuple[int, bytes]:
    """MAIL FROM / RCPT TO. A plain address (all of ours: normalised by intake) is sent as
    `<address>` directly; smtplib would parse it with the email header parser first, which
    costs more than the rest of a message's SMTP commands together."""
    if _PLAIN_ADDRESS.fullmatch(address) is None:
        return smtp.mail(address) if verb == "mail" else smtp.rcpt(address)
    smtp.putcmd(verb, f"{prefix}<{address}>")
    return smtp.getreply()


def _run_meanwhile(work: Callable[[], object]) -> None:
    try:
        work()
    except Exception:  # noqa: BLE001 — never let side work break the SMTP conversation
        log.exception("work done while waiting for the server failed")


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Log in with the best mechanism the server offers, once.

    `smtplib.login` tries the next mechanism after a refused password, which only repeats
    the refusal, and with some servers (aiosmtpd's LOGIN) waits for a reply that never
    comes, so a wrong password looked like a timeout instead of a clear refusal.
    """
    smtp.ehlo_or_helo_if_needed()
    if not smtp.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
    offered = smtp.esmtp_features["auth"].upper().split()
    for mechanism in ("CRAM-MD5", "PLAIN", "LOGIN"):
        if mechanism in offered:
            smtp.user, smtp.password = user, password
            method = getattr(smtp, "auth_" + mechanism.lower().replace("-", "_"))
            smtp.auth(mechanism, method, initial_response_ok=True)
            return
    raise smtplib.SMTPException(f"no login mechanism we know is offered ({' '.join(offered)})")


def test_connection(settings: SmtpSettings, password: str | None = None) -> str:
    """Connect, log in, NOOP and QUIT; a description of the server, or DeliveryError."""
    connection = SmtpConnection(settings, password)
    connection.open()
    try:
        smtp = connection._smtp
        assert smtp is not None
        code, text = smtp.noop()
        if code != 250:
            raise DeliveryError(f"{settings.address} answered NOOP with {code} {_text(text)}")
        tls = {"none": "no encryption", "starttls": "STARTTLS", "tls": "TLS"}[settings.security]
        login = f", logged in as {settings.username}" if settings.username else ""
        banner = f" ({connection.banner})" if connection.banner else ""
        return f"connected to {settings.address}{banner}, {tls}{login}"
    finally:
        connection.close()


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    if isinstance(error, socket.timeout):
        return "no answer in time"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused (is the server running, and is the port right?)"
    if isinstance(error, socket.gaierror):
        return "unknown host name"
    return str(error) or type(error).__name__


def _quietly_close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.close()
    except OSError:
        pass
