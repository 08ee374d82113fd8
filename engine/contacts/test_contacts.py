"""Test contacts: the marketer's own addresses, marked so they can be told apart.

Contract: `mark_test(session, emails, on=True)` sets or clears `contact.is_test` for the
given addresses in the caller's transaction and returns how many changed; an address no
contact has raises LookupError naming it, before anything changes.
`test_contacts(session)` lists the test contacts as (id, email, name), by email. The flag
changes nothing about how the engine treats a contact today; it is what counts, reports
and the app's test tools use to pick them out (`Contact.is_test`).
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.contacts.emails import normalise_email
from engine.db.models import Contact


def mark_test(session: Session, emails: list[str], on: bool = True) -> int:
    wanted = [normalise_email(email, f"test contact {email!r}") for email in emails]
    found = dict(session.execute(select(Contact.email, Contact.is_test)
                                 .where(Contact.email.in_(wanted))).all())
    missing = [email for email in wanted if email not in found]
    if missing:
        raise LookupError(f"there is no contact {', '.join(map(repr, missing))}")
    changing = [email for email in wanted if found[email] != on]
    if changing:
        session.execute(update(Contact).where(Contact.email.in_(changing)).values(is_test=on))
    return len(changing)


def test_contacts(session: Session) -> list[tuple[int, str, str]]:
    rows = session.execute(select(Contact.id, Contact.email, Contact.first_name,
                                  Contact.last_name)
                           .where(Contact.is_test.is_(True)).order_by(Contact.email))
    return [(row.id, row.email, f"{row.first_name} {row.last_name}".strip()) for row in rows]


test_contacts.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
