"""'Test connection' in plain words: what the SMTP server answered, for a marketer.

Contract: `check_connection(settings, password)` connects, logs in and says goodbye
(`transport.test_connection`) and returns a `ConnectionCheck(ok, headline, detail)`:
`headline` is one short sentence a marketer understands ("The server refused the user
name or password."), `detail` is what the server or the network actually said, and `hint`
what to try next. It never raises for a server problem. The wording is chosen from the
transport's own failure sentences (they name the stage that failed), so a new kind of
failure still shows its detail under a generic headline.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.delivery.smtp_settings import SmtpSettings
from engine.delivery.transport import DeliveryError, test_connection


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    headline: str
    detail: str
    hint: str = ""


#: (words in the transport's sentence, headline, what to try) — first match wins
_KINDS = (
    (("did not accept the user name or password",),
     "The server refused the user name or password.",
     "Check both; some providers want an app password instead of your usual one."),
    (("needs the password",), "The server wants a password and none is stored.",
     "Type the password and save the settings again."),
    (("does not offer login",), "The server does not take a user name and password here.",
     "Clear the user name, or choose STARTTLS or TLS if it asks for login only then."),
    (("does not offer starttls",), "Encryption mismatch: the server does not offer STARTTLS.",
     "Choose TLS (usually port 465) or None if the server really has no encryption."),
    (("wrong_version_number", "wrong version number", "unexpected eof", "record layer failure",
      "packet length too long", "http request"),
     "Encryption mismatch: the server does not speak TLS on this port.",
     "Choose STARTTLS (usually port 587) or None, or the server's TLS port (usually 465)."),
    (("certificate verify failed", "certificate"),
     "The server's certificate is not trusted.",
     "The server name must match its certificate; private servers need their CA file "
     "(`smtp set … --ca-file`)."),
    (("tls with",), "The encrypted connection failed.",
     "Check the security setting: STARTTLS for port 587, TLS for port 465."),
    (("connection refused",), "Can't reach the server: nothing answers on that port.",
     "Check the server name and the port, and that the server is running."),
    (("unknown host name",), "Can't find a server with that name.",
     "Check the spelling of the server name."),
    (("no answer in time", "timed out"), "Can't reach the server: it did not answer in time.",
     "Check the server name and port; a firewall may block outgoing mail ports."),
    (("cannot connect",), "Can't reach the server.",
     "Check the server name and the port."),
)


def explain(error: DeliveryError | str) -> ConnectionCheck:
    """The plain-words verdict for a failure sentence from the transport."""
    detail = str(error)
    lowered = detail.lower()
    for words, headline, hint in _KINDS:
        if any(word in lowered for word in words):
            return ConnectionCheck(False, headline, detail, hint)
    return ConnectionCheck(False, "The server answered with an error.", detail)


def check_connection(settings: SmtpSettings, password: str | None = None) -> ConnectionCheck:
    try:
        found = test_connection(settings, password)
    except DeliveryError as error:
        return explain(error)
    return ConnectionCheck(True, "Connected: the server is ready to send your email.",
                           found[:1].upper() + found[1:] + ".")
