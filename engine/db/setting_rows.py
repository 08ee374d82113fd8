"""Settings kept as one JSON row of the `setting` table per key, each one pydantic model.

Contract: `load_row(session, key, model, default)` returns the row's value validated as
`model`, or `default` when there is no row or its value is empty (null or {}): callers
pass a fresh default model (settings that always exist) or None (settings that may not
be set up, such as SMTP). A stored value that does not validate raises pydantic's
`ValidationError`, naming the field: settings are never silently reset. `save_row(session,
key, settings)` validates `settings` again (a model built with `model_construct` or
changed by assignment is checked before it is written) and writes its JSON form, creating
the row or replacing its value, in the caller's transaction.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel
from sqlalchemy.orm import Session

from engine.db.models import Setting

M = TypeVar("M", bound=BaseModel)
D = TypeVar("D")


def load_row(session: Session, key: str, model: type[M], default: D) -> M | D:
    row = session.get(Setting, key)
    if row is None or not row.value:
        return default
    return model.model_validate(row.value)


def save_row(session: Session, key: str, settings: BaseModel) -> None:
    value = type(settings).model_validate(settings.model_dump()).model_dump(mode="json")
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
