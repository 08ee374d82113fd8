"""Journey notices are handed out once, even to two readers at the same moment (the app's
start and its first tick read them on two threads)."""

from __future__ import annotations

from sqlalchemy import event, select

from engine.db.models import JourneyNotice, JourneyRow
from engine.experiments.notices import take_notices
from engine.journey.store import save_draft
from tests.engine.test_experiment_runtime import split_journey


def leave_notice(db, clock, reason: str) -> None:
    with db.session() as session:
        journey_id = session.scalar(select(JourneyRow.id))
        if journey_id is None:
            save_draft(session, split_journey({}).to_document(), now=clock.now())
            journey_id = session.scalar(select(JourneyRow.id))
        session.add(JourneyNotice(journey_id=journey_id, kind="guardrail_paused", at=clock.now(),
                                  detail={"reason": reason}))


def test_each_notice_is_taken_once_and_then_never_again(db, clock):
    leave_notice(db, clock, "first")
    leave_notice(db, clock, "second")
    with db.session() as session:
        assert [n["reason"] for n in take_notices(session, clock.now())] == ["first", "second"]
    with db.session() as session:
        assert take_notices(session, clock.now()) == []


def test_two_readers_at_once_share_the_notices_without_a_double(db, clock):
    """The first reader found the notices unshown; before it stamps them, a second
    reader takes them all. The first one then hands out none of those, and a notice left
    after its read is the next reader's."""
    leave_notice(db, clock, "bounces")
    other: list[dict] = []

    def another_reader_first(_conn, _cursor, statement, *_args):
        if statement.startswith("UPDATE journey_notice") and not other:
            with db.session() as session:
                other.extend(take_notices(session, clock.now()))
            leave_notice(db, clock, "later")

    with db.session() as session:
        event.listen(session.connection(), "before_cursor_execute", another_reader_first)
        first = take_notices(session, clock.now())
    assert [n["reason"] for n in other] == ["bounces"]
    assert first == []
    with db.session() as session:
        assert [n["reason"] for n in take_notices(session, clock.now())] == ["later"]
