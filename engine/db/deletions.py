"""What deleting journeys or contacts must tell the analytics catch-up.

Contract: `after_deleting(session)`, called in the transaction that deleted a journey or
contacts (engine/journey/library.py, engine/contacts/bulk.py), lowers the catch-up's
watermarks of step logs and events (the setting row `analytics.watermark`,
engine/analytics/catchup.py) to the largest id left in each table.

Why: SQLite gives a new row the largest id in its table plus one, so the ids of the
newest rows come back once those rows are deleted (a journey's step logs, a contact's
events and step logs go with them). The catch-up folds the rows past its watermark; rows
given a deleted row's id would sit below it and never be counted. Step logs and events
are the engine's busiest inserts, so they are not made AUTOINCREMENT as the tables whose
ids live on outside them are (contact, journey, journey_version, enrollment: migration
0014); nothing but the watermark names their ids.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.db.models import Event, Setting, StepLog

#: the catch-up's watermark row (engine/analytics/catchup.py)
WATERMARK = "analytics.watermark"


def after_deleting(session: Session) -> None:
    row = session.get(Setting, WATERMARK)
    if row is None or not isinstance(row.value, dict):
        return  # nothing folded yet
    mark = dict(row.value)
    for name, model in (("step_log", StepLog), ("event", Event)):
        left = session.scalar(select(func.max(model.id))) or 0
        if mark.get(name, 0) > left:
            mark[name] = left
    if mark != row.value:
        row.value = mark
