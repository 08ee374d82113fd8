"""Settings ▸ Sending as one form: the SMTP server and who the email is from, checked and
saved together.

Contract:
- `SendingForm` is what the form edits, as plain strings and numbers: server, port,
  security (`none`, `starttls`, `tls`), user, password (None: keep the stored one), from
  name and address, reply-to, and the postal address the layouts print.
  `load_sending_form(session)` fills it from the stored `smtp` setting and `AppSettings`.
- `check_sending_form(form)` returns `(SmtpSettings | None, AppSettings changes)`, or
  raises `SendingFormError` whose `errors` maps every bad field to a sentence
  ({"port": "Port: a whole number from 1 to 65535"}); all fields are checked, not only
  the first. An empty server means "no email server" (a password or user without a
  server is an error).
- `save_sending_form(session, form, store_password=…)` checks everything first, then puts
  a new password in the keychain (`NoKeychain` becomes an error on the password field),
  then writes both settings in the caller's transaction: nothing is saved half-way. An
  empty server removes the stored one.
- `example_flags(settings)` names the fields that still hold the example values a new
  database starts with ({"sender_email": "replace the example address …"}); they are
  flags to show, never a reason to refuse `run`, `simulate` or the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from pydantic import ValidationError
from sqlalchemy.orm import Session

from engine.contacts.emails import normalise_email
from engine.credentials.keychain import NoKeychain
from engine.db.models import Setting
from engine.delivery.password import store_smtp_password
from engine.delivery.smtp_settings import (
    KEY as SMTP_KEY,
)
from engine.delivery.smtp_settings import (
    SCHEMES,
    SmtpSettings,
    load_smtp_settings,
    save_smtp_settings,
)
from engine.errors import InputError, TrellisError, error_message
from engine.settings import AppSettings, load_settings, save_settings

SECURITY_LABELS = {"none": "None", "starttls": "STARTTLS", "tls": "TLS"}
DEFAULT_PORTS = {security: port for security, port in SCHEMES.values()}
FIELD_LABELS = {
    "host": "Server", "port": "Port", "security": "Security", "username": "User name",
    "password": "Password", "sender_name": "From name", "sender_email": "From address",
    "reply_to": "Reply-to", "postal_address": "Postal address",
}
_EXAMPLE = AppSettings()
#: the demo shop's made-up address (engine.demo.shop.SHOP_SETTINGS; a test keeps them equal,
#: engine.demo.shop itself is too heavy to import for one string)
DEMO_POSTAL_ADDRESS = "48 Alder Street, Portland, OR 97205, USA"
#: the example values a new database starts with (AppSettings' defaults)
EXAMPLE_VALUES = {"sender_email": _EXAMPLE.sender_email,
                  "postal_address": _EXAMPLE.postal_address}


@dataclass(frozen=True)
class SendingForm:
    host: str = ""
    port: int | str = 587
    security: str = "starttls"
    username: str = ""
    #: None: keep whatever password is stored; "" or text: store this one
    password: str | None = None
    sender_name: str = ""
    sender_email: str = ""
    reply_to: str = ""
    postal_address: str = ""


class SendingFormError(TrellisError):
    """Fields of the Sending form that cannot be saved; `errors` = {field: sentence}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def load_sending_form(session: Session) -> SendingForm:
    app = load_settings(session)
    smtp = load_smtp_settings(session)
    server = (dict(host=smtp.host, port=smtp.port, security=smtp.security,
                   username=smtp.username or "") if smtp else {})
    return SendingForm(**server, sender_name=app.sender_name, sender_email=app.sender_email,
                       reply_to=app.reply_to or "", postal_address=app.postal_address)


def _label(field: str, message: str) -> str:
    return f"{FIELD_LABELS[field]}: {message}"


def _check_email(errors: dict[str, str], field: str, value: str, *, required: bool) -> str:
    if not value.strip():
        if required:
            errors[field] = _label(field, "enter the address your emails come from")
        return ""
    try:
        return normalise_email(value)
    except InputError as error:
        if _is_example_address(value.strip()):
            # an example address is kept (and flagged), so the form can always be saved
            return value.strip().lower()
        errors[field] = _label(field, error.reason)
        return ""


def _check_server(form: SendingForm, errors: dict[str, str]) -> SmtpSettings | None:
    host = form.host.strip()
    if not host:
        if form.username.strip() or form.password:
            errors["host"] = _label("host", "enter the server the user name and password "
                                    "are for, or clear them")
        return None
    try:
        port = int(str(form.port).strip())
    except ValueError:
        errors["port"] = _label("port", f"{form.port!r} is not a number; SMTP servers "
                                "listen on 587 (STARTTLS), 465 (TLS) or 25")
        port = None
    if form.security not in SECURITY_LABELS:
        errors["security"] = _label("security", "choose None, STARTTLS or TLS")
    if "://" in host or "/" in host or " " in host:
        errors["host"] = _label("host", "only the server's name, e.g. smtp.example.com "
                                "(no smtp:// and no spaces)")
    if form.password and not form.username.strip():
        errors["username"] = _label("username", "a password needs the user name it belongs to")
    if errors or port is None:
        return None
    try:
        return SmtpSettings(host=host, port=port, security=form.security,
                            username=form.username.strip() or None)
    except ValidationError as error:
        for problem in error.errors():
            field = str(problem["loc"][0])
            field = field if field in FIELD_LABELS else "host"
            message = error_message(problem)
            if field == "port":
                message = "a whole number from 1 to 65535"
            errors.setdefault(field, _label(field, message))
        return None


def check_sending_form(form: SendingForm) -> tuple[SmtpSettings | None, dict]:
    errors: dict[str, str] = {}
    smtp = _check_server(form, errors)
    name = form.sender_name.strip()
    if not name:
        errors["sender_name"] = _label("sender_name", "enter the name your contacts know "
                                       "you by, e.g. your shop's name")
    elif len(name) > 200:
        errors["sender_name"] = _label("sender_name", "at most 200 characters")
    sender = _check_email(errors, "sender_email", form.sender_email, required=True)
    reply_to = _check_email(errors, "reply_to", form.reply_to, required=False)
    postal = " ".join(form.postal_address.split())
    if len(postal) > 500:
        errors["postal_address"] = _label("postal_address", "at most 500 characters")
    if errors:
        raise SendingFormError(errors)
    # an empty postal address is allowed here: the publish check blocks marketing email
    # until one is set, and the form says so beside the field
    return smtp, {"sender_name": name, "sender_email": sender, "reply_to": reply_to or None,
                  "postal_address": postal}


def save_sending_form(session: Session, form: SendingForm, *,
                      store_password: Callable[[SmtpSettings, str], None] = store_smtp_password,
                      ) -> SmtpSettings | None:
    smtp, changes = check_sending_form(form)
    app = AppSettings.model_validate(load_settings(session).model_dump() | changes)
    if smtp is not None and form.password:
        try:
            store_password(smtp, form.password)
        except NoKeychain as error:
            raise SendingFormError({"password": _label("password", str(error))}) from None
    if smtp is None:
        row = session.get(Setting, SMTP_KEY)
        if row is not None:
            session.delete(row)
    else:
        stored = load_smtp_settings(session)
        # the delivery knobs set with `smtp set` (connections, rate, CA file) stay as they were
        keep = stored.model_dump(exclude={"host", "port", "security", "username"}) if stored else {}
        save_smtp_settings(session, SmtpSettings.model_validate(smtp.model_dump() | keep))
    save_settings(session, app)
    return smtp


#: domains reserved for examples (RFC 2606): mail from them reaches no one
_EXAMPLE_DOMAINS = ("example.com", "example.net", "example.org", "example")


def _is_example_address(address: str) -> bool:
    domain = address.rpartition("@")[2].lower()
    return any(domain == d or domain.endswith("." + d) for d in _EXAMPLE_DOMAINS)


def example_flags(settings: AppSettings) -> dict[str, str]:
    flags = {}
    if _is_example_address(settings.sender_email):
        flags["sender_email"] = ("replace the example address: emails from "
                                 f"{settings.sender_email} will not reach anyone's inbox")
    if settings.postal_address in (EXAMPLE_VALUES["postal_address"], DEMO_POSTAL_ADDRESS):
        flags["postal_address"] = ("replace the example address: the law asks for your real "
                                   "postal address in every marketing email")
    return flags
