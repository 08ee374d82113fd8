"""What a condition asks the database about one contact, answered and cached: `ContactFacts`.

Contract: `ContactFacts(session, now)` answers the `Facts` questions of evaluate.py — the
contact's lists, counts and sums of their events up to `now`, their latest consent per
purpose, a saved segment's rules — each list and the segments' rules read once per
instance. The engine's `Batch` (engine/runtime/batch.py) is one, with its writes on top;
a single membership check (engine/segments/membership.py) uses one alone.
`CONTACT_COLUMNS` are the contact columns a condition may read (the row it is given).
`segment_conditions(session)` maps every saved segment's name to its rules (a segment
rule names another segment, so evaluating rules needs them).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.conditions.evaluate import filters_match, get_path, summable
from engine.db.models import Consent, Contact, ContactList, Event, ListMembership, Segment
from engine.nodes.common import Condition, PropertyFilter

CONTACT_COLUMNS = (
    Contact.id, Contact.email, Contact.first_name, Contact.last_name, Contact.timezone,
    Contact.locale, Contact.country, Contact.status, Contact.lead_score, Contact.attributes,
    Contact.created_at, Contact.last_activity_at,
)
CONTACT_NAMES = [column.key for column in CONTACT_COLUMNS]


def segment_conditions(session: Session) -> dict[str, Condition]:
    return {name: Condition.model_validate(data)
            for name, data in session.execute(select(Segment.name, Segment.condition))}


class ContactFacts:
    def __init__(self, session: Session, now: datetime):
        self.session = session
        self.now = now
        self._lists: dict[int, set[str]] = {}
        self._segments: dict[str, Condition] | None = None

    def lists_of(self, contact_id: int) -> set[str]:
        if contact_id not in self._lists:
            names = self.session.scalars(
                select(ContactList.name)
                .join(ListMembership, ListMembership.list_id == ContactList.id)
                .where(ListMembership.contact_id == contact_id)
            ).all()
            self._lists[contact_id] = set(names)
        return self._lists[contact_id]

    def count_events(
        self, contact_id: int, names: tuple[str, ...], since: datetime | None,
        filters: list[PropertyFilter],
    ) -> int:
        query = select(Event.properties).where(
            Event.contact_id == contact_id, Event.name.in_(names), Event.occurred_at <= self.now
        )
        if since is not None:
            query = query.where(Event.occurred_at > since)
        if not filters:
            return self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        return sum(1 for props in self.session.scalars(query) if filters_match(props or {}, filters))

    def sum_events(
        self, contact_id: int, names: tuple[str, ...], since: datetime | None,
        filters: list[PropertyFilter], prop: str,
    ) -> float:
        query = select(Event.properties).where(
            Event.contact_id == contact_id, Event.name.in_(names), Event.occurred_at <= self.now
        )
        if since is not None:
            query = query.where(Event.occurred_at > since)
        return sum(summable(get_path(props or {}, prop)) for props in self.session.scalars(query)
                   if filters_match(props or {}, filters))

    def consent_granted(self, contact_id: int, purpose: str) -> bool | None:
        return self.session.scalar(
            select(Consent.granted).where(Consent.contact_id == contact_id,
                                          Consent.purpose == purpose)
            .order_by(Consent.recorded_at.desc(), Consent.id.desc()).limit(1))

    def segment_condition(self, name: str) -> Condition | None:
        if self._segments is None:
            self._segments = segment_conditions(self.session)
        return self._segments.get(name)
