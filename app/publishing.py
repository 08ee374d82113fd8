"""Publishing from the editor: the plan the publish dialog shows, and the work it starts.

Contract:
- `publish_plan(database, journey_id, draft, problems, now=None)` reads what the dialog
  needs (pure reads: the live version's document for the diff, who waits at which step,
  and `engine.runtime.publish_preview.forecast_publish`: who can enter, the emails and
  their delays, the guards, warnings, and blockers such as a missing postal address) and
  returns a `PublishPlan`; `problems` are the document's current validation results;
  `now` (default: the system clock) dates the "last 7 days" of the forecast. The plan
  carries the release state (canary, entry guard); while a canary runs, publishing is
  refused with that as the problem (promote it or roll it back first).
- `publish_work(engine, journey_id, choice)` returns the background work that publishes
  (`Engine.publish` with the email linter, `move`, `fallback`, the canary percent and
  the entry guard from the choice: no guard widens the journey to everyone) and
  returns the new version number. Pausing and resuming are `pause_work` / `resume_work`.
  The work runs in an `app.background.Task`: publishing with contacts to move can take a
  while on a big journey.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from engine.analytics.live_counts import node_counts
from engine.analytics.version_diff import diff_versions
from engine.db.database import Database
from engine.db.models import JourneyVersion
from engine.journey.data import JourneyData
from engine.journey.drafts import journey_info, live_document
from engine.messaging.lint import linter_for
from engine.runtime.engine import Engine
from engine.runtime.publish_preview import forecast_publish
from engine.journey.step_words import step_title
from engine.journey.validation import ERROR, Problem
from engine.runtime.release import release_state
from widgets.publish_dialog import PublishChoice, PublishPlan


def publish_plan(database: Database, journey_id: int, draft: JourneyData,
                 problems: list[Problem], now: datetime | None = None) -> PublishPlan:
    with database.session() as session:
        info = journey_info(session, journey_id)
        live = live_document(session, journey_id)
        waiting = {node: w for node, (w, _passed) in node_counts(session, journey_id).items() if w}
        forecast = forecast_publish(session, draft, now or datetime.now(timezone.utc))
        release = release_state(session, journey_id)
        last = session.scalar(select(func.max(JourneyVersion.number))
                              .where(JourneyVersion.journey_id == journey_id))
    if release.canary_running:
        problems = [*problems, Problem(None, ERROR, (
            f"Version {release.canary_version} is running as a canary: promote it or roll "
            "it back (in the header) before publishing again"))]
    labels = {node.id: step_title(node) for node in draft.nodes}
    old_labels = dict(labels)
    if live is not None:
        old_labels |= {node.id: step_title(node) for node in live.nodes if node.id not in labels}
    return PublishPlan(
        name=draft.name, problems=problems, diff=diff_versions(live, draft),
        live_version=info.live_version, waiting=waiting, old_labels=old_labels,
        new_steps=[(node.id, labels[node.id]) for node in draft.nodes], labels=labels,
        forecast=forecast, release=release, next_version=(last or 0) + 1)


def publish_work(engine: Engine, journey_id: int, choice: PublishChoice):
    def work(_progress, _cancelled) -> int:
        # with the custom fields contacts have: a field none has blocks publishing
        return engine.publish(str(journey_id), lint_template=linter_for(engine.database),
                              move=choice.move, fallback=choice.fallback,
                              canary=choice.canary_percent, entry_guard=choice.entry_guard,
                              widen=choice.entry_guard is None)
    return work


def pause_work(engine: Engine, journey_id: int):
    return lambda _progress, _cancelled: engine.pause(str(journey_id))


def resume_work(engine: Engine, journey_id: int):
    return lambda _progress, _cancelled: engine.resume(str(journey_id))
