"""Who enters which version: the canary's share of new entrants and the guard on entry.

Contract: an `EntryGate(session, cache, now, facts=None)` is made once per unit of work
(an event batch, a scan, a manual enrollment) and loads, in one query, the release of
every journey that has a canary or a guard (engine/runtime/release.py).
- `entry_versions(live)`: the live versions plus the canaries running beside them — every
  version new entrants can go to; triggers are matched against the version the contact
  would enter, so a canary with a changed trigger is judged by its own trigger.
- `takes(version, contact_id)`: whether this contact's new entries go to `version`. With a
  canary of p %, a contact goes to the canary when `in_canary(journey, canary, contact, p)`:
  a hash of journey, canary version and contact, so the same contact lands on the same
  version every time it (re-)enters while this canary runs, and a later canary draws
  afresh. Without a canary the live version takes everyone.
- `route(live, contact_id)`: the version a contact enters (manual enrollment).
- `prepare(contact_ids)`: load a batch's contacts in one go when a guard is in force.
- `admits(version, contact_id)`: the entry guard. A contact who does not match is not
  enrolled; a `skip` line with reason `entry_guard` goes on their timeline (at the
  trigger step, no enrollment), once per contact while the same guard stands, so a scan
  that finds them again every few minutes does not fill the timeline. The lines are
  written by `flush()`, which the unit of work calls before it commits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from engine.conditions.evaluate import condition_holds
from engine.db.fastbulk import chunks
from engine.db.models import JourneyRelease, StepLog
from engine.journey.compiled import CompiledJourney, VersionCache
from engine.nodes.common import Condition
from engine.runtime.batch import Batch
from engine.settings import load_settings

GUARD_REASON = "entry_guard"


def in_canary(journey_id: int, canary_version_id: int, contact_id: int, percent: int) -> bool:
    digest = hashlib.blake2b(f"{journey_id}:{canary_version_id}:{contact_id}".encode(),
                             digest_size=8, person=b"trellis-canary").digest()
    return int.from_bytes(digest, "big") % 10_000 < percent * 100


@dataclass(frozen=True)
class _Release:
    canary_version_id: int | None
    percent: int
    guard: Condition | None
    guard_set_at: datetime | None


class EntryGate:
    def __init__(self, session: Session, cache: VersionCache, now: datetime,
                 facts: Batch | None = None):
        self.session, self.cache, self.now = session, cache, now
        self._facts = facts
        self._releases: dict[int, _Release] = {}
        self._logged: set[tuple[int, int]] = set()
        self._refusals: list[tuple[CompiledJourney, int, datetime | None, str]] = []
        for r in session.scalars(select(JourneyRelease).where(or_(
                JourneyRelease.canary_version_id.is_not(None),
                JourneyRelease.entry_guard.is_not(None)))):
            guard = Condition.model_validate(r.entry_guard) if r.entry_guard else None
            self._releases[r.journey_id] = _Release(r.canary_version_id, r.canary_percent or 0,
                                                    guard, r.guard_set_at)

    def prepare(self, contact_ids) -> None:
        """Load these contacts at once when a guard will need them (an event batch)."""
        if any(r.guard is not None for r in self._releases.values()):
            self._get_facts().load_contacts(contact_ids)

    def entry_versions(self, live: list[CompiledJourney]) -> list[CompiledJourney]:
        versions = []
        for journey in live:
            versions.append(journey)
            release = self._releases.get(journey.journey_id)
            if release is not None and release.canary_version_id is not None:
                versions.append(self.cache.get(self.session, release.canary_version_id))
        return versions

    def _to_canary(self, journey_id: int, contact_id: int) -> bool | None:
        release = self._releases.get(journey_id)
        if release is None or release.canary_version_id is None:
            return None
        return in_canary(journey_id, release.canary_version_id, contact_id, release.percent)

    def takes(self, version: CompiledJourney, contact_id: int) -> bool:
        canary = self._to_canary(version.journey_id, contact_id)
        if canary is None:
            return True
        is_canary = version.version_id == self._releases[version.journey_id].canary_version_id
        return canary == is_canary

    def route(self, live: CompiledJourney, contact_id: int) -> CompiledJourney:
        if self._to_canary(live.journey_id, contact_id):
            return self.cache.get(self.session, self._releases[live.journey_id].canary_version_id)
        return live

    def admits(self, version: CompiledJourney, contact_id: int) -> bool:
        release = self._releases.get(version.journey_id)
        if release is None or release.guard is None:
            return True
        facts = self._get_facts()
        facts.load_contacts([contact_id])
        contact = facts.contacts.get(contact_id)
        if contact is not None and condition_holds(release.guard, contact, facts, self.now):
            return True
        self._log_refusal(version, contact_id, release)
        return False

    def _get_facts(self) -> Batch:
        if self._facts is None:  # made only when a guard is to be checked
            self._facts = Batch(self.session, self.now, load_settings(self.session))
        return self._facts

    def _log_refusal(self, version: CompiledJourney, contact_id: int, release: _Release) -> None:
        key = (version.journey_id, contact_id)
        if key not in self._logged:
            self._logged.add(key)
            self._refusals.append((version, contact_id, release.guard_set_at, str(release.guard)))

    def flush(self) -> None:
        """Write the refusals' timeline lines, in bulk: those already written while the
        same guard stands are left out (one query per journey and 900 contacts)."""
        by_journey: dict[int, list[tuple]] = {}
        for refusal in self._refusals:
            by_journey.setdefault(refusal[0].journey_id, []).append(refusal)
        self._refusals = []
        rows = []
        for journey_id, refusals in by_journey.items():
            since = refusals[0][2]
            logged: set[int] = set()
            for chunk in chunks(sorted({r[1] for r in refusals}), 900):
                query = select(StepLog.contact_id).where(
                    StepLog.journey_id == journey_id, StepLog.reason == GUARD_REASON,
                    StepLog.contact_id.in_(chunk))
                if since is not None:
                    query = query.where(StepLog.at >= since)
                logged.update(self.session.scalars(query))
            rows += [{"enrollment_id": None, "contact_id": contact_id, "journey_id": journey_id,
                      "version_id": version.version_id, "node_id": version.trigger_id,
                      "kind": "skip", "port": None, "reason": GUARD_REASON,
                      "detail": {"guard": words}, "at": self.now}
                     for version, contact_id, _since, words in refusals
                     if contact_id not in logged]
        if rows:
            self.session.execute(insert(StepLog), rows)
