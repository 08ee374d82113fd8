"""What the Segments page and the contacts workspace ask of saved segments, over one
database: `SegmentSource(db, now)` (`now()` is the app's clock).

Contract: reads and writes each run in their own short session; `count()` is called from
a background thread (its own session, nothing shared). Writes refuse with the engine's
sentence (a cycle between segments, no rules) and write nothing then. A saved segment is
computed at once (its first computation records members without entry events).
For the contacts workspace: `segments_with_counts()` and `member_ids(name)`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from engine.db.database import Database
from engine.nodes.common import Condition


class SegmentSource:
    def __init__(self, db: Database, now: Callable[[], datetime]):
        self.db, self.now = db, now

    # ---- reading -------------------------------------------------------------------------

    def segments(self) -> list[dict]:
        from engine.segments.store import list_segments

        with self.db.session() as session:
            return [{"name": s.name, "description": s.description,
                     "condition": s.condition.model_dump(mode="json"), "size": s.size,
                     "computed_at": s.computed_at} for s in list_segments(session)]

    def count(self, condition: dict) -> tuple[int, list[tuple[int, str]]]:
        from engine.segments.queries import sample_members

        with self.db.session() as session:
            return sample_members(session, Condition.model_validate(condition), self.now())

    def event_names(self) -> list[tuple[str, int]]:
        from engine.segments.queries import event_name_counts

        with self.db.session() as session:
            return event_name_counts(session)

    def property_names(self, event: str) -> list[tuple[str, int]]:
        from engine.segments.queries import property_name_counts

        with self.db.session() as session:
            return property_name_counts(session, event)

    def used_by(self, name: str) -> list[str]:
        from engine.segments.queries import used_by

        with self.db.session() as session:
            return used_by(session, name)

    def history(self, name: str) -> list[tuple[str, int]]:
        from engine.segments.queries import size_history

        with self.db.session() as session:
            return size_history(session, name)

    def segments_with_counts(self) -> list[tuple[str, int | None]]:
        from engine.segments.queries import segment_counts

        with self.db.session() as session:
            return [(name, size) for name, size, _at in segment_counts(session)]

    def member_ids(self, name: str) -> list[int]:
        from engine.segments.queries import segment_member_ids

        with self.db.session() as session:
            return segment_member_ids(session, name, self.now())

    # ---- writing -------------------------------------------------------------------------

    def save(self, name: str, description: str, condition: dict, old_name: str = "") -> None:
        from engine.segments.refresh import refresh_segment
        from engine.segments.store import delete_segment, save_segment

        now = self.now()
        with self.db.session() as session:
            if old_name and old_name != name:  # renamed: the old name goes
                delete_segment(session, old_name)
            save_segment(session, name, description, Condition.model_validate(condition), now)
            refresh_segment(session, name, now)

    def delete(self, name: str) -> None:
        from engine.segments.store import delete_segment

        with self.db.session() as session:
            delete_segment(session, name)

    def add_starters(self) -> list[str]:
        from engine.segments.refresh import refresh_segment
        from engine.segments.starter import add_starter_segments

        now = self.now()
        with self.db.session() as session:
            added = add_starter_segments(session, now)
            for name in added:
                refresh_segment(session, name, now)
        return added
