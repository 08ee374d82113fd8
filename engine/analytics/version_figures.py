"""Per-version figures of a journey: who entered each version, and who of them converted.

Contract: `version_figures(session, journey_id, version_ids, since=None)` → one
`VersionFigures` per asked version (zeros when nobody entered it): enrollments now on the
version that entered at or after `since` (a canary compares the two versions over the same
period: since it started), those of them that converted (a goal step or goal event), and
the conversion rate (None before anyone entered). Test contacts are left out, as in the
other reports. Enrollments moved to another version count under the one they are on now
(that only happens when a canary is rolled back or promoted with "move").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.db.models import Contact, Enrollment, EnrollmentStatus, JourneyVersion


@dataclass(frozen=True)
class VersionFigures:
    version: int
    entered: int = 0
    converted: int = 0

    @property
    def rate(self) -> float | None:
        return self.converted / self.entered if self.entered else None

    def words(self) -> str:
        rate = "–" if self.rate is None else f"{self.rate:.1%}"
        return f"{self.entered:,} entered · {self.converted:,} converted ({rate})"


def version_figures(session: Session, journey_id: int, version_ids: list[int],
                    since: datetime | None = None) -> dict[int, VersionFigures]:
    numbers = dict(session.execute(select(JourneyVersion.id, JourneyVersion.number)
                                   .where(JourneyVersion.id.in_(version_ids))).all())
    query = (select(Enrollment.version_id, func.count(),
                    func.count().filter(Enrollment.status == EnrollmentStatus.CONVERTED))
             .join(Contact, Contact.id == Enrollment.contact_id)
             .where(Enrollment.journey_id == journey_id, Enrollment.version_id.in_(version_ids),
                    Contact.is_test.is_(False))
             .group_by(Enrollment.version_id))
    if since is not None:
        query = query.where(Enrollment.entered_at >= since)
    counts = {vid: (entered, converted) for vid, entered, converted in session.execute(query)}
    return {vid: VersionFigures(numbers.get(vid, 0), *counts.get(vid, (0, 0)))
            for vid in version_ids}
