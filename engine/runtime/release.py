"""How new entrants come into a journey: the stored release state, read and written.

Contract (functions of a Session; the caller owns the transaction):
- A journey's release is one `journey_release` row, made on first use: a canary (version,
  percent 1–50, since when) and an entry guard (a condition as in docs/journey-format.md:
  only contacts who match it enter, "for now"), plus how the last canary ended.
- `parse_guard(data)` checks a guard condition and returns it as plain JSON data, or
  raises `TrellisError` saying what is wrong (nothing is written): a guard needs at least
  one rule (an empty condition would let nobody in). Any rule kind the condition model
  knows is accepted, so rules added to it later (segments by name) work here unchanged.
- `set_entry_guard(session, row, guard, now)` sets it (None: everyone may enter again:
  "Widen to everyone"); `widen(...)` is the same with None.
- `release_state(session, journey_id)` → `ReleaseState`: plain data for the header, the
  publish dialog and the CLI (canary and live version numbers and figures, the guard in
  words, the last canary's outcome).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.analytics.version_figures import VersionFigures, version_figures
from engine.db.models import JourneyRelease, JourneyRow, JourneyVersion
from engine.errors import TrellisError
from engine.nodes.common import Condition

MIN_PERCENT, MAX_PERCENT = 1, 50


def parse_guard(data: Any) -> dict[str, Any]:
    """The guard as stored (plain JSON), or TrellisError naming the problem."""
    try:
        condition = Condition.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "condition"
        raise TrellisError(f"the entry guard is not a valid condition: {where}: "
                           f"{first['msg']}") from None
    if not condition.rules:
        raise TrellisError("the entry guard has no rules: it would let nobody in "
                           "(widen the journey to everyone instead)")
    return condition.model_dump(mode="json")


def check_percent(percent: Any) -> int:
    if isinstance(percent, bool) or not isinstance(percent, int) \
            or not MIN_PERCENT <= percent <= MAX_PERCENT:
        raise TrellisError(f"a canary takes {MIN_PERCENT} to {MAX_PERCENT} % of new entrants, "
                           f"not {percent!r}")
    return percent


def release_row(session: Session, journey_id: int, create: bool = False) -> JourneyRelease | None:
    row = session.get(JourneyRelease, journey_id)
    if row is None and create:
        row = JourneyRelease(journey_id=journey_id)
        session.add(row)
    return row


def canary_version_id(session: Session, journey_id: int) -> int | None:
    """The version running as a canary in this journey, or None."""
    return session.scalar(select(JourneyRelease.canary_version_id)
                          .where(JourneyRelease.journey_id == journey_id))


def set_entry_guard(session: Session, row: JourneyRow, guard: Any, now: datetime) -> None:
    stored = parse_guard(guard) if guard is not None else None
    release = release_row(session, row.id, create=stored is not None)
    if release is None or release.entry_guard == stored:
        return  # nothing changes (publishing again with the guard in force keeps its time)
    release.entry_guard, release.guard_set_at = stored, (now if stored else None)


def widen(session: Session, row: JourneyRow, now: datetime) -> None:
    set_entry_guard(session, row, None, now)


@dataclass(frozen=True)
class ReleaseState:
    live_version: int | None
    canary_version: int | None = None
    canary_percent: int | None = None
    canary_since: datetime | None = None
    #: entrants since the canary started: the canary's and the live version's
    canary_figures: VersionFigures | None = None
    live_figures: VersionFigures | None = None
    #: the guard in words ("country equals 'DE'") and as data; None: everyone
    guard_words: str | None = None
    guard: dict[str, Any] | None = None
    #: how the last canary ended ({"version", "outcome", "reason", "at", "entered", ...})
    last_canary: dict[str, Any] | None = None

    @property
    def canary_running(self) -> bool:
        return self.canary_version is not None


def _number(session: Session, version_id: int | None) -> int | None:
    if version_id is None:
        return None
    return session.scalar(select(JourneyVersion.number).where(JourneyVersion.id == version_id))


def release_state(session: Session, journey_id: int) -> ReleaseState:
    journey = session.get(JourneyRow, journey_id)
    if journey is None:
        raise LookupError(f"there is no journey with id {journey_id}")
    live = _number(session, journey.live_version_id)
    release = release_row(session, journey_id)
    if release is None:
        return ReleaseState(live_version=live)
    guard = release.entry_guard
    state: dict[str, Any] = dict(
        live_version=live, guard=guard, last_canary=release.last_canary,
        guard_words=str(Condition.model_validate(guard)) if guard else None)
    if release.canary_version_id is not None and journey.live_version_id is not None:
        figures = version_figures(session, journey_id,
                                  [release.canary_version_id, journey.live_version_id],
                                  since=release.canary_started_at)
        state |= dict(canary_version=_number(session, release.canary_version_id),
                      canary_percent=release.canary_percent,
                      canary_since=release.canary_started_at,
                      canary_figures=figures[release.canary_version_id],
                      live_figures=figures[journey.live_version_id])
    return ReleaseState(**state)
