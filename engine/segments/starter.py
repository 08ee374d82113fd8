"""The starter segments: New, Returning customers, Active, Inactive, Engaged, VIP, At risk.

Contract: `starter_segments()` reads them from resources/segments/*.segment.json (in
order); `add_starter_segments(session, now)` saves those whose name is not taken yet and
returns the names it added (the demo shop adds them; an empty database is offered them).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

import resources
from engine.db.models import Segment
from engine.segments.file_format import SUFFIX, SegmentFile, read_segment_file
from engine.segments.store import save_segment

STARTER_FOLDER = Path(resources.__file__).parent / "segments"


def starter_segments() -> list[SegmentFile]:
    return [read_segment_file(path) for path in sorted(STARTER_FOLDER.glob(f"*{SUFFIX}"))]


def add_starter_segments(session: Session, now: datetime) -> list[str]:
    taken = set(session.scalars(select(Segment.name)))
    added = []
    for segment in starter_segments():
        if segment.name not in taken:
            save_segment(session, segment.name, segment.description, segment.condition, now)
            added.append(segment.name)
    return added
