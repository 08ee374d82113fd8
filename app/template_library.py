"""The email library behind the Templates page: saved templates and every journey's emails.

Contract (pure functions of an SQLAlchemy `Session`; no Qt, so tests run them headless):
- Saved templates live in the `template` table (one row each, keyed like a journey's
  email). A journey holds its own copy of each email it sends (the `.journey.json`
  format makes one file a whole journey), so a saved template is the marketer's library
  and "Use in a journey" copies it in under its key.
- `list_library(session)` → `LibraryEmail`s: the saved templates (with the names of the
  journeys that hold their key) and the emails of every journey that is not archived,
  alphabetically by name within each kind, saved first.
- `create_template(session, template, now)` stores a new saved template under a key no
  saved template or journey email has yet (derived from its name) and returns its id;
  `duplicate_template` stores a copy named "… (copy)"; `rename_template` renames one.
- `delete_template(session, id, open_users)` raises `TemplateInUse` (naming the journeys) while any
  journey holds the template's key, else deletes the row.
- Bad input (an empty name, an unknown id) raises `ValueError`/`LookupError` with the
  reason and writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.db.models import JourneyRow, JourneyStatus, Template
from engine.journey.data import EmailTemplate
from engine.journey.drafts import load_template
from engine.journey.store import draft_document

SAVED, IN_JOURNEY = "saved", "journey"
NAME_LIMIT = 200


class TemplateInUse(ValueError):
    """A saved template a journey still holds: the message names the journeys."""

    def __init__(self, name: str, journeys: list[str]):
        self.journeys = journeys
        listed = ", ".join(f"“{j}”" for j in journeys)
        super().__init__(f"“{name}” is used by {listed}: remove it from "
                         f"{'that journey' if len(journeys) == 1 else 'those journeys'} first")


@dataclass(frozen=True)
class LibraryEmail:
    kind: str  # SAVED or IN_JOURNEY
    template: EmailTemplate
    updated_at: datetime
    #: the `template` row of a saved template, else None
    template_id: int | None = None
    #: the journey that holds this email, else None
    journey_id: int | None = None
    journey_name: str | None = None
    #: saved: the journeys that hold its key (it cannot be deleted while any does)
    used_by: tuple[str, ...] = ()

    @property
    def ident(self) -> str:
        """Stable across reloads: "saved:3" or "journey:7:cart-reminder"."""
        if self.kind == SAVED:
            return f"saved:{self.template_id}"
        return f"journey:{self.journey_id}:{self.key}"

    @property
    def name(self) -> str:
        return self.template.name

    @property
    def key(self) -> str:
        return self.template.key

    @property
    def subject(self) -> str:
        return self.template.subject

    @property
    def where(self) -> str:
        """Where it lives, in words: "Saved template" or "In Welcome series"."""
        if self.kind == SAVED:
            return "Saved template"
        return f"In {self.journey_name}"


def _journey_emails(session: Session) -> list[tuple[JourneyRow, EmailTemplate]]:
    rows = session.scalars(select(JourneyRow).where(JourneyRow.status != JourneyStatus.ARCHIVED)
                           .order_by(JourneyRow.name))
    found = []
    for row in rows:
        try:
            document = draft_document(row)
        except ValueError:
            continue  # a damaged draft says so where it is opened; the list shows the rest
        found.extend((row, template) for template in document.templates)
    return found


def journeys_using(session: Session, key: str) -> list[str]:
    """The names of the journeys (archived ones too) that hold an email under `key`."""
    names = []
    for row in session.scalars(select(JourneyRow).order_by(JourneyRow.name)):
        templates = (row.draft or {}).get("templates") or []
        if any(isinstance(t, dict) and t.get("key") == key for t in templates):
            names.append(row.name)
    return names


def list_library(session: Session) -> list[LibraryEmail]:
    in_journeys = _journey_emails(session)
    users: dict[str, list[str]] = {}
    for row, template in in_journeys:
        users.setdefault(template.key, []).append(row.name)
    saved = [
        LibraryEmail(SAVED, load_template(session, row.id), row.updated_at, template_id=row.id,
                     used_by=tuple(users.get(row.key, ())))
        for row in session.scalars(select(Template).order_by(func.lower(Template.name),
                                                             Template.id))
    ]
    emails = sorted(
        (LibraryEmail(IN_JOURNEY, template, row.updated_at, journey_id=row.id,
                      journey_name=row.name) for row, template in in_journeys),
        key=lambda e: (e.name.lower(), e.journey_name.lower()))
    return saved + emails


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValueError("a template needs a name")
    if len(name) > NAME_LIMIT:
        raise ValueError(f"a template name has at most {NAME_LIMIT} characters")
    return name


def unique_key(session: Session, name: str) -> str:
    """A key from `name` ("Spring sale" → "spring-sale") that no saved template or journey
    email has (a saved template is found in journeys by its key)."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80] or "email"
    taken = set(session.scalars(select(Template.key)))
    for row in session.scalars(select(JourneyRow)):
        taken.update(t.get("key") for t in (row.draft or {}).get("templates") or []
                     if isinstance(t, dict))
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


def create_template(session: Session, template: EmailTemplate, now: datetime) -> int:
    name = _clean_name(template.name)
    key = unique_key(session, name)
    row = Template(key=key, name=name, subject=template.subject, preheader=template.preheader,
                   from_name=template.from_name, body=template.stored_body,
                   body_format=template.format, layout=template.layout,
                   text_override=template.text, created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    return row.id


def copy_name(session: Session, name: str) -> str:
    """"Welcome (copy)", or "Welcome (copy 2)"… when that name is taken."""
    taken = set(session.scalars(select(Template.name)))
    candidate, number = f"{name} (copy)", 2
    while candidate in taken:
        candidate, number = f"{name} (copy {number})", number + 1
    return candidate[:NAME_LIMIT]


def duplicate_template(session: Session, template: EmailTemplate, now: datetime) -> int:
    """Store `template` (a saved one or a journey's email) as a new saved template."""
    copy = template.model_copy(update={"name": copy_name(session, template.name)})
    return create_template(session, copy, now)


def rename_template(session: Session, template_id: int, name: str, now: datetime) -> None:
    name = _clean_name(name)
    row = session.get(Template, template_id)
    if row is None:
        raise LookupError(f"there is no template with id {template_id}")
    row.name, row.updated_at = name, now


def delete_template(session: Session, template_id: int,
                    open_users: Callable[[str], list[str]] = lambda _key: []) -> None:
    """`open_users(key)` names journeys holding the key in edits not stored yet (the
    journey open in the editor)."""
    row = session.get(Template, template_id)
    if row is None:
        raise LookupError(f"there is no template with id {template_id}")
    users = sorted(set(journeys_using(session, row.key)) | set(open_users(row.key)))
    if users:
        raise TemplateInUse(row.name, users)
    session.delete(row)
