"""Typed errors raised by the engine. Each carries a message meant for a person.

`error_message`, `error_place` and `validation_words` turn pydantic's validation errors
into such messages; every caller uses them rather than cleaning pydantic's text itself.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence


class TrellisError(Exception):
    """Base of every error the engine raises on purpose."""


class JourneyEditError(TrellisError):
    """An edit of a journey graph broke one of its rules (nothing was changed)."""


class UnknownNodeType(TrellisError):
    """A node type id that the registry does not know."""


class InputError(TrellisError):
    """Bad input from a file, a form or an API call; `where` says where."""

    def __init__(self, message: str, where: str = ""):
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.reason = message


# ---- pydantic's errors, in words for a person (one place for every caller) ------------------

def error_message(item: Mapping[str, Any]) -> str:
    """One pydantic error's message: the words a validator raised, without pydantic's
    "Value error, " prefix."""
    return str(item["msg"]).removeprefix("Value error, ")


def error_place(loc: Sequence[Any]) -> str:
    """Where a pydantic error is, dotted: "duration.value", "variants.1.key"."""
    return ".".join(str(part) for part in loc)


def validation_words(error: Any, *, places: bool = True,
                     labels: Mapping[str, str] | None = None) -> str:
    """Every error of a pydantic `ValidationError` as "place: message; …" (without the
    places when `places` is False, for a form that shows them next to the field). `labels`
    names places in a form's words ({"subject": "Subject"})."""
    parts = []
    for item in error.errors():
        message, where = error_message(item), error_place(item["loc"])
        where = (labels or {}).get(where, where)
        parts.append(f"{where}: {message}" if where and places else message)
    return "; ".join(parts)
