"""One batch of engine work: the state it reads and the writes it buffers.

Contract: executors never write to the database themselves; they call the `Batch`
methods, which update the in-memory contact snapshot at once (so a later step in the same
batch sees the change) and buffer the write. `flush()` writes everything with bulk
statements inside the caller's transaction, so a batch's steps, logs, outbox rows and
effects commit together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterable

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from engine.conditions.facts import CONTACT_COLUMNS, CONTACT_NAMES, ContactFacts
from engine.db.fastbulk import (
    add_to_column, chunks, insert_rows, marks, read_rows, update_rows,
)
from engine.db.models import (
    AudienceMember,
    Consent,
    Contact,
    ContactList,
    Enrollment,
    Event,
    ExperimentResult,
    ListMembership,
    Message,
    StepLog,
    WebhookCall,
)
from engine.errors import TrellisError
from engine.settings import AppSettings

UPDATABLE = ("first_name", "last_name", "timezone", "locale", "country", "status")


@dataclass
class Run:
    """An enrollment being run: the columns the engine changes, mutable in memory."""

    id: int
    contact_id: int
    journey_id: int
    version_id: int
    node_id: str
    state: str
    due_at: datetime | None
    context: dict[str, Any]
    step_count: int
    entered_at: datetime
    status: str = "active"
    wait_event: str | None = None
    ended_at: datetime | None = None
    end_reason: str | None = None
    #: when it became due: the catch-up policy compares it with now
    was_due_at: datetime | None = None
    #: the wait event as claimed (row() leaves it out while unchanged)
    was_wait_event: str | None = None

    def row(self) -> dict[str, Any]:
        """The columns to write back, and `version_id` for the write's guard (see
        `Batch.flush`). An indexed column is left out while its value is the one
        claimed: SQLite rewrites the entry of every index whose column an UPDATE sets,
        changed or not, and a run that parks keeps its status, its slot in the
        (contact, active journey) index and mostly its wait event. Claimed runs are
        active (and the write checks they still are); only an ended one changes status."""
        row = {"id": self.id, "version_id": self.version_id, "node_id": self.node_id,
               "state": self.state, "due_at": self.due_at, "context": self.context,
               "step_count": self.step_count}
        if self.status != "active":
            row.update(status=self.status, ended_at=self.ended_at, end_reason=self.end_reason,
                       active_journey_id=None)
        if self.wait_event != self.was_wait_event:
            row["wait_event"] = self.wait_event
        return row


class MovedMeanwhile(TrellisError):
    """Another connection ended, paused or migrated enrollments of a batch after its claim
    (an erasure, a pause, a publish): the batch is rolled back and claimed again."""


#: the guard of a batch's write-back on SQLite, where a claim locks nothing: the row is
#: still the claimed one only if it is still active, due and on the version claimed
#: (an erasure or a migration's exit ends it, a pause clears its due time, a migration
#: moves it to the new version)
STILL_CLAIMED = "status = 'active' AND due_at IS NOT NULL"


def _nothing() -> None:
    pass


class Batch(ContactFacts):
    """The facts conditions read (ContactFacts), the engine's own reads, buffered writes."""

    def __init__(self, session: Session, now: datetime, settings: AppSettings):
        super().__init__(session, now)
        self.settings = settings
        self.contacts: dict[int, dict[str, Any]] = {}
        self.step_logs: list[dict[str, Any]] = []
        self.messages: list[dict[str, Any]] = []
        self.webhooks: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.list_changes: list[tuple[str, int, bool]] = []  # (list, contact, add?)
        self.audience_adds: set[tuple[str, int]] = set()
        self.contact_changes: dict[int, dict[str, Any]] = {}
        self.score_deltas: dict[int, int] = {}
        self._consents: dict[int, bool] | None = None
        self._cap_times: dict[int, list[datetime]] | None = None
        self._cap_since: datetime | None = None
        self._winners: dict[tuple[int, str], str] | None = None
        #: enrollments held by a guardrail pause: {"id", "paused_due_at"}
        self.pause_holds: list[dict[str, Any]] = []
        #: the batch claimed before this one, while its emails still render (advance.py):
        #: its jobs go to the render pool before this batch's
        self.ahead: Batch | None = None

    # --- reading ---------------------------------------------------------------------

    def load_contacts(self, ids: Iterable[int]) -> None:
        missing = [i for i in set(ids) if i not in self.contacts]
        sqlite = self.session.get_bind().dialect.name == "sqlite"
        for chunk in chunks(missing, 900):
            if sqlite:
                rows = read_rows(self.session, Contact.__table__, CONTACT_NAMES,
                                 f"WHERE id IN ({marks(chunk)})", tuple(chunk))
            else:
                rows = self.session.execute(
                    select(*CONTACT_COLUMNS).where(Contact.id.in_(chunk))).mappings()
            for row in rows:
                contact = dict(row)
                contact["attributes"] = dict(contact["attributes"] or {})
                self.contacts[contact["id"]] = contact

    def winner_of(self, journey_id: int, node_id: str) -> str | None:
        """The winning variant of the A/B test at this step, if one was called; every
        winner is loaded in one query at the batch's first call."""
        if self._winners is None:
            self._winners = {(j, n): w for j, n, w in self.session.execute(
                select(ExperimentResult.journey_id, ExperimentResult.node_id,
                       ExperimentResult.winner).where(ExperimentResult.winner.is_not(None)))}
        return self._winners.get((journey_id, node_id))

    def consent_of(self, contact_id: int) -> bool | None:
        """The latest email-marketing consent decision (None: never recorded), loaded for
        the whole batch at the first call."""
        if self._consents is None:
            self._consents = {}
            sqlite = self.session.get_bind().dialect.name == "sqlite"
            for chunk in chunks(list(self.contacts), 900):
                if sqlite:  # plain driver rows, as the contacts were loaded
                    rows = [(r["contact_id"], bool(r["granted"])) for r in read_rows(
                        self.session, Consent.__table__, ["contact_id", "granted"],
                        f"WHERE contact_id IN ({marks(chunk)}) AND purpose = ? "
                        "ORDER BY recorded_at, id", (*chunk, "email_marketing"))]
                else:
                    rows = self.session.execute(
                        select(Consent.contact_id, Consent.granted)
                        .where(Consent.contact_id.in_(chunk), Consent.purpose == "email_marketing")
                        .order_by(Consent.recorded_at, Consent.id))
                for cid, granted in rows:
                    self._consents[cid] = granted  # later rows win
        return self._consents.get(contact_id)

    def marketing_sent_since(self, contact_id: int, since: datetime) -> list[datetime]:
        """Queue times of this contact's marketing emails since `since` (this batch's
        included), loaded for the whole batch at the first call."""
        if self._cap_times is None or self._cap_since != since:
            self._cap_times, self._cap_since = {}, since
            ids = list(self.contacts)
            for chunk in chunks(ids, 900):
                rows = self.session.execute(
                    select(Message.contact_id, Message.queued_at).where(
                        Message.contact_id.in_(chunk),
                        Message.category == "marketing",
                        Message.status.not_in(("failed", "suppressed", "bounced")),
                        Message.queued_at > since,
                    )
                )
                for cid, at in rows:
                    self._cap_times.setdefault(cid, []).append(at)
        return sorted(self._cap_times.get(contact_id, []))

    # --- buffered writes ---------------------------------------------------------------

    def log(self, run: Run, node_id: str, kind: str, *, port: str | None = None,
            reason: str | None = None, detail: dict[str, Any] | None = None) -> None:
        self.step_logs.append({
            "enrollment_id": run.id, "contact_id": run.contact_id, "journey_id": run.journey_id,
            "version_id": run.version_id, "node_id": node_id, "kind": kind, "port": port,
            "reason": reason, "detail": detail or {}, "at": self.now,
        })

    def queue_message(self, row: dict[str, Any]) -> None:
        row.setdefault("queued_at", self.now)
        # every row of the bulk insert has the same columns: a queued row has no error
        row.setdefault("last_error", None)
        self.messages.append(row)
        if row.get("category") == "marketing" and self._cap_times is not None:
            self._cap_times.setdefault(row["contact_id"], []).append(self.now)

    def queue_webhook(self, row: dict[str, Any]) -> None:
        row.setdefault("created_at", self.now)
        self.webhooks.append(row)

    def change_list(self, contact_id: int, name: str, add: bool) -> None:
        self.list_changes.append((name, contact_id, add))
        lists = self.lists_of(contact_id)
        if add and name not in lists:
            # joining a list is an event, so "joined a list" triggers see it
            self.events.append({"contact_id": contact_id, "name": "list_joined",
                                "properties": {"list": name}})
        (lists.add if add else lists.discard)(name)

    def set_field(self, contact_id: int, field: str, value: Any) -> None:
        contact = self.contacts[contact_id]
        if field.startswith("attributes.") or field not in UPDATABLE:
            key = field.removeprefix("attributes.")
            if value is None or value == "":
                contact["attributes"].pop(key, None)
            else:
                contact["attributes"][key] = value
            self.contact_changes.setdefault(contact_id, {})["attributes"] = contact["attributes"]
        else:
            contact[field] = value
            self.contact_changes.setdefault(contact_id, {})[field] = value

    def add_score(self, contact_id: int, delta: int) -> None:
        self.contacts[contact_id]["lead_score"] += delta
        self.score_deltas[contact_id] = self.score_deltas.get(contact_id, 0) + delta

    def add_to_audience(self, contact_id: int, audience: str) -> None:
        self.audience_adds.add((audience, contact_id))

    # --- writing ---------------------------------------------------------------------

    def flush(self, runs: Iterable[Run], between: Callable[[], None] | None = None) -> None:
        """Write everything buffered; `between()`, if given, is called between the large
        statements (advance.py takes the render workers' answers there)."""
        session = self.session
        between = between or _nothing
        self._write_back(runs)
        update_rows(session, Enrollment.__table__, self.pause_holds)
        between()
        insert_rows(session, StepLog.__table__, self.step_logs)
        between()
        insert_rows(session, Message.__table__, self.messages)
        between()
        insert_rows(session, WebhookCall.__table__, self.webhooks)
        self._flush_contacts()
        self._flush_lists()
        if self.audience_adds:
            existing = set(session.execute(select(AudienceMember.audience, AudienceMember.contact_id)
                           .where(AudienceMember.contact_id.in_({c for _, c in self.audience_adds}))).all())
            new = [{"audience": a, "contact_id": c, "added_at": self.now}
                   for a, c in sorted(self.audience_adds) if (a, c) not in existing]
            if new:
                session.execute(insert(AudienceMember), new)
        insert_rows(session, Event.__table__, [
            {**e, "occurred_at": self.now, "received_at": self.now, "source": "journey",
             "processed_at": None}
            for e in self.events
        ])

    def _write_back(self, runs: Iterable[Run]) -> None:
        """The runs' enrollments, each row only if it is still as claimed. On PostgreSQL
        the claim locked them (FOR UPDATE) until this batch commits, so nothing else
        changed them; on SQLite a claim locks nothing, and a row an erasure, a pause or a
        publish changed since would be revived: then the batch gives up (MovedMeanwhile)."""
        by_shape: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for run in runs:
            row = run.row()
            by_shape.setdefault(tuple(row), []).append(row)
        for rows in by_shape.values():
            written = update_rows(self.session, Enrollment.__table__, rows,
                                  match=("version_id",), condition=STILL_CLAIMED)
            if written is not None and written < len(rows):
                raise MovedMeanwhile(
                    f"{len(rows) - written} of this batch's enrollments were ended, paused or "
                    "moved to a new version since it was claimed; it runs again")

    def _flush_contacts(self) -> None:
        table = Contact.__table__
        by_shape: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for contact_id, changes in self.contact_changes.items():
            by_shape.setdefault(tuple(sorted(changes)), []).append(
                {"id": contact_id, "updated_at": self.now, **changes})
        for rows in by_shape.values():
            update_rows(self.session, table, rows)
        withdrawn = [
            {"contact_id": cid, "purpose": "email_marketing", "granted": False,
             "recorded_at": self.now, "source": "journey", "evidence": {"status": c["status"]}}
            for cid, c in self.contact_changes.items()
            if c.get("status") in ("unsubscribed", "complained")
        ]
        insert_rows(self.session, Consent.__table__, withdrawn)
        add_to_column(self.session, table, "lead_score", self.score_deltas,
                      {"updated_at": self.now})

    def _flush_lists(self) -> None:
        if not self.list_changes:
            return
        names = {name for name, _, _ in self.list_changes}
        ids = dict(self.session.execute(
            select(ContactList.name, ContactList.id).where(ContactList.name.in_(names))).all())
        for name in sorted(names - set(ids)):
            ids[name] = self.session.execute(
                insert(ContactList).values(name=name, description="", created_at=self.now)
                .returning(ContactList.id)
            ).scalar_one()
        # The final wish per (list, contact) wins; compare with what is stored, in bulk.
        wanted = {(ids[name], contact): add for name, contact, add in self.list_changes}
        contacts = list({contact for _, contact in wanted})
        present: set[tuple[int, int]] = set()
        for chunk in chunks(contacts, 900):
            present.update(self.session.execute(
                select(ListMembership.list_id, ListMembership.contact_id).where(
                    ListMembership.contact_id.in_(chunk),
                    ListMembership.list_id.in_(set(ids.values())))).all())
        adds = [{"list_id": l, "contact_id": c, "added_at": self.now, "source": "journey"}
                for (l, c), add in wanted.items() if add and (l, c) not in present]
        insert_rows(self.session, ListMembership.__table__, adds)
        table = ListMembership.__table__
        for (list_id, contact_id), add in wanted.items():
            if not add and (list_id, contact_id) in present:
                self.session.execute(delete(table).where(
                    (table.c.list_id == list_id) & (table.c.contact_id == contact_id)))
