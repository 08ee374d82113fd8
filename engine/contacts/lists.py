"""Contact lists by name.

Contract: `add_to_list(session, name, contact_ids, now=..., source=...)` creates the list if
it does not exist, adds the contacts that are not members yet (in bulk, in the caller's
transaction) and returns how many it added. Each new membership is also recorded as a
`list_joined` event (`{"list": name}`), so "joined a list" triggers see imports too. A
blank name is an `InputError`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from engine.contacts.store import CHUNK
from engine.db.fastbulk import insert_rows
from engine.db.models import ContactList, Event, ListMembership
from engine.errors import InputError

_membership = ListMembership.__table__
LIST_NAME_MAX_LENGTH = 200


def add_to_list(
    session: Session, name: str, contact_ids: Iterable[int], *, now: datetime, source: str
) -> int:
    list_id = ensure_list(session, name, now=now)
    members = set(
        session.execute(select(_membership.c.contact_id).where(_membership.c.list_id == list_id))
        .scalars()
    )
    rows = [
        {"list_id": list_id, "contact_id": contact_id, "added_at": now, "source": source}
        for contact_id in dict.fromkeys(contact_ids)
        if contact_id not in members
    ]
    events = [
        {"contact_id": row["contact_id"], "name": "list_joined", "properties": {"list": name.strip()},
         "occurred_at": now, "received_at": now, "source": source}
        for row in rows
    ]
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(_membership), rows[start : start + CHUNK])
        insert_rows(session, Event.__table__, events[start : start + CHUNK])
    return len(rows)


def ensure_list(session: Session, name: str, *, now: datetime) -> int:
    """The id of the list called `name`, created if missing."""
    name = name.strip()
    if not name:
        raise InputError("the list name is empty")
    if len(name) > LIST_NAME_MAX_LENGTH:
        raise InputError(f"the list name is longer than {LIST_NAME_MAX_LENGTH} characters")
    found = session.execute(select(ContactList.id).where(ContactList.name == name)).scalar()
    if found is not None:
        return found
    contact_list = ContactList(name=name, description="", created_at=now)
    session.add(contact_list)
    session.flush()
    return contact_list.id
