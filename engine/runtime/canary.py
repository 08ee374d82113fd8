"""Canary releases: a new version of a live journey first takes a share of new entrants.

Contract (functions of a Session; the caller owns the transaction, so a refusal writes
nothing):
- `publish_canary(session, row, now=, percent=, lint_template=, notes=)` validates the
  draft and freezes it as the next version, like `publish`, but leaves the live version
  live: from now on each new entrant goes to the new version with `percent` % chance
  (1–50; sticky per contact, engine/runtime/entry.py) and to the live version otherwise;
  both run side by side. Refused when the journey has no live version (publish it first),
  is not live or paused, already runs a canary, or its draft does not differ from the
  live version (nothing new to try).
- `promote(session, row, now=, move=None, fallback=None)`: the canary becomes the live
  version for every new entrant. Contacts on older versions stay on theirs, unless `move`
  is given: then they move as when publishing (`move_contacts`: the same step id, the
  mapping, the fallback, else they exit).
- `rollback_canary(session, row, now=, reason=, move=None, fallback=None)`: new entrants
  all go to the live version again; contacts on the canary finish on it, unless `move`
  is given: then they move to the live version by the same mapping rules. `reason` is
  kept (guardrails pass what tripped them; "manual" from the app and the CLI).
  Guardrails call this (or `Engine.rollback_canary`) instead of pausing when a canary runs.
- Each end records `last_canary` on the release: version, outcome (`promoted` or
  `rolled_back`), reason, when, and the canary's and live version's figures at that time.
All refusals raise `TrellisError` with a sentence saying what is wrong.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engine.analytics.version_diff import diff_versions
from engine.db.models import JourneyRelease, JourneyRow, JourneyStatus, JourneyVersion
from engine.errors import TrellisError
from engine.journey.data import JourneyData
from engine.journey.store import draft_document
from engine.journey.validation import TemplateLinter
from engine.runtime.publish import freeze, move_contacts, refuse_while_canary
from engine.runtime.release import check_percent, release_row, release_state

PROMOTED, ROLLED_BACK = "promoted", "rolled_back"


def publish_canary(session: Session, row: JourneyRow, *, now: datetime, percent: int,
                   lint_template: TemplateLinter | None = None, notes: str = "",
                   move: dict[str, str] | None = None, fallback: str | None = None
                   ) -> JourneyVersion:
    check_percent(percent)
    if move is not None:
        raise TrellisError("a canary takes new entrants only: contacts on their way move "
                           "when it is promoted (or rolled back)")
    if row.live_version_id is None or row.status not in (JourneyStatus.LIVE, JourneyStatus.PAUSED):
        raise TrellisError(f"{row.name!r} has no live version to compare with: publish it "
                           "to everyone first, then release its next version as a canary")
    refuse_while_canary(session, row)
    live = JourneyData.model_validate(session.get(JourneyVersion, row.live_version_id).document)
    if diff_versions(live, draft_document(row)).empty:
        raise TrellisError(f"the draft of {row.name!r} is the same as its live version: "
                           "there is nothing new to try on a share of entrants")
    version, _document = freeze(session, row, now=now, lint_template=lint_template,
                                fallback=fallback, notes=notes)
    release = release_row(session, row.id, create=True)
    release.canary_version_id, release.canary_percent = version.id, percent
    release.canary_started_at, release.last_canary = now, None
    row.updated_at = now
    return version


def _running(session: Session, row: JourneyRow) -> JourneyRelease:
    release = release_row(session, row.id)
    if release is None or release.canary_version_id is None:
        raise TrellisError(f"{row.name!r} has no canary running")
    return release


def _end(session: Session, row: JourneyRow, release: JourneyRelease, outcome: str,
         reason: str, now: datetime) -> JourneyVersion:
    state = release_state(session, row.id)
    canary = session.get(JourneyVersion, release.canary_version_id)
    record = {"version": canary.number, "outcome": outcome, "reason": reason,
              "at": now.isoformat(), "percent": release.canary_percent,
              "live_version": state.live_version}
    for key, figures in (("canary", state.canary_figures), ("live", state.live_figures)):
        if figures is not None:
            record[key] = {"entered": figures.entered, "converted": figures.converted}
    release.last_canary = record
    release.canary_version_id = release.canary_percent = release.canary_started_at = None
    row.updated_at = now
    return canary


def promote(session: Session, row: JourneyRow, *, now: datetime,
            move: dict[str, str] | None = None, fallback: str | None = None) -> JourneyVersion:
    release = _running(session, row)
    canary = session.get(JourneyVersion, release.canary_version_id)
    document = JourneyData.model_validate(canary.document)
    _check_fallback(document, fallback)
    _end(session, row, release, PROMOTED, "promoted", now)
    row.live_version_id = canary.id
    if move is not None:
        move_contacts(session, row, canary, document, move, fallback, now)
    return canary


def rollback_canary(session: Session, row: JourneyRow, *, now: datetime, reason: str = "manual",
                    move: dict[str, str] | None = None, fallback: str | None = None
                    ) -> JourneyVersion:
    release = _running(session, row)
    live = session.get(JourneyVersion, row.live_version_id)
    document = JourneyData.model_validate(live.document)
    _check_fallback(document, fallback)
    canary = _end(session, row, release, ROLLED_BACK, reason, now)
    if move is not None:
        move_contacts(session, row, live, document, move, fallback, now, only_from=canary.id)
    return canary


def _check_fallback(document: JourneyData, fallback: str | None) -> None:
    if fallback is not None and fallback not in {node.id for node in document.nodes}:
        raise TrellisError(f"the fallback step {fallback!r} is not in the version contacts "
                           "would move to")
