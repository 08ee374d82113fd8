"""The filters and tests email templates may use: an explicit whitelist.

Contract: `make_filters(check)` and `TESTS` are everything a template can apply to a value;
nothing of Jinja's defaults is there unless listed. Filters that build text from many
values (join, urlencode) are wrapped so their result passes `check` (the size bound of
templates.py); the others return at most a few times what they were given. Money and dates are formatted for
people: `{{ item.price | money }}` → "$1,234.50" (the shop's currency unless one is given),
`{{ coupon(10, 7).expires_at | date }}` → "9 Mar 2026" in the contact's time zone.
Formats are English-only for now.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import filters as jf
from jinja2 import pass_context
from jinja2 import tests as jt
from jinja2.runtime import Context, Undefined

from engine.templating.values import Record, to_amount

CURRENCY_SYMBOLS = {
    "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹", "KRW": "₩",
    "CAD": "CA$", "AUD": "A$", "NZD": "NZ$", "BRL": "R$", "MXN": "MX$",
}
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW"})
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class FilterError(ValueError):
    """A filter got a value it cannot format; the message is for the marketer."""


def default(value: Any, fallback: Any = "") -> Any:
    """The fallback when the value is missing, empty or null.

    Unlike Jinja's own `default`, an empty string counts as missing: a contact imported
    without a first name has `first_name == ""`, and "Hi ," is what a fallback prevents.
    """
    if isinstance(value, Undefined) or value is None:
        return fallback
    if isinstance(value, str) and not value.strip():
        return fallback
    return value


@pass_context
def money(context: Context, value: Any, currency: str | None = None) -> str:
    amount = to_amount(value)
    if amount is None:
        raise FilterError(f"money: {value!r} is not an amount")
    return _format_money(amount, (currency or _shop_currency(context)).upper())


@lru_cache(maxsize=4096)  # a catalogue has few prices, and emails repeat them
def _format_money(amount: Decimal, code: str) -> str:
    places = Decimal(1) if code in ZERO_DECIMAL_CURRENCIES else Decimal("0.01")
    amount = amount.quantize(places, rounding=ROUND_HALF_UP)
    digits = f"{abs(amount):,}"
    symbol = CURRENCY_SYMBOLS.get(code)
    text = f"{symbol}{digits}" if symbol else f"{digits} {code}"
    return f"-{text}" if amount < 0 else text


@pass_context
def format_date(context: Context, value: Any, style: str = "medium") -> str:
    """Dates and times in the contact's time zone.

    Styles: "short" 2026-03-09, "medium" 9 Mar 2026, "long" Monday, 9 March 2026,
    "time" 14:05, "datetime" 9 Mar 2026, 14:05; anything with a % is a strftime pattern.
    """
    when = _as_datetime(value)
    if isinstance(when, datetime):
        when = when.astimezone(_contact_zone(context))
    if "%" in style:
        return when.strftime(style)
    day, month, year = when.day, when.month, when.year
    if style == "short":
        return f"{year:04d}-{month:02d}-{day:02d}"
    if style == "medium":
        return f"{day} {MONTHS[month - 1][:3]} {year}"
    if style == "long":
        return f"{WEEKDAYS[when.weekday()]}, {day} {MONTHS[month - 1]} {year}"
    if style in ("time", "datetime") and isinstance(when, datetime):
        clock = f"{when.hour:02d}:{when.minute:02d}"
        return clock if style == "time" else f"{day} {MONTHS[month - 1][:3]} {year}, {clock}"
    raise FilterError(f"date: unknown style {style!r} (short, medium, long, time, datetime)")


def _as_datetime(value: Any) -> date | datetime:
    if isinstance(value, Undefined):
        str(value)  # raises the undefined value's own error, which names the variable
    if isinstance(value, (date, datetime)):
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise FilterError(f"date: {value!r} is not a date") from None
        return _as_datetime(parsed)
    raise FilterError(f"date: {value!r} is not a date")


def _contact_zone(context: Context) -> ZoneInfo | timezone:
    contact = context.get("contact")
    name = contact["timezone"] if isinstance(contact, Record) and "timezone" in contact else None
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass  # a bad zone on one contact should not fail their email
    return timezone.utc


def _shop_currency(context: Context) -> str:
    shop = context.get("shop")
    try:
        return shop["currency"] or "USD"
    except (TypeError, KeyError):
        return "USD"


def sized(check: Callable[[Any], Any]) -> Callable[[Callable], Callable]:
    """Wrap a filter so what it returns passes `check` (the template size bound)."""

    def wrapper(function: Callable) -> Callable:
        def bounded(*args: Any, **kwargs: Any) -> Any:
            return check(function(*args, **kwargs))

        # Jinja reads pass_context/pass_environment markers from the function's attributes
        bounded.__dict__.update(function.__dict__)
        bounded.__name__ = function.__name__
        return bounded

    return wrapper


def make_filters(check: Callable[[Any], Any]) -> dict[str, Callable]:
    """The whitelist; `check` bounds the size of what text-building filters return."""
    size = sized(check)
    return {
        "default": default,
        "d": default,
        "money": money,
        "date": format_date,
        "upper": jf.do_upper,
        "lower": jf.do_lower,
        "title": jf.do_title,
        "capitalize": jf.do_capitalize,
        "trim": jf.do_trim,
        "truncate": jf.do_truncate,
        "round": jf.do_round,
        "int": jf.do_int,
        "abs": abs,
        "length": len,
        "count": len,
        "first": jf.do_first,
        "last": jf.do_last,
        "join": size(jf.sync_do_join),
        "urlencode": size(jf.do_urlencode),
    }


TESTS: dict[str, Callable] = {
    name: jt.TESTS[name]
    for name in ("defined", "undefined", "none", "number", "string", "even", "odd",
                 "divisibleby", "in", "eq", "ne", "lt", "le", "gt", "ge", "==", "!=", "<",
                 "<=", ">", ">=")
}
