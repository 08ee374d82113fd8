"""The editor's experiment view: live A/B test results and a guardrail pause.

Contract:
- `ExperimentControls(page)` takes the `EditorPage`. `refresh()` (called by the page when
  it re-reads the journey and after engine ticks; one read at a time, another queued)
  reads off the GUI thread the journey's A/B tests (engine/experiments/report.py, the
  report's "experiments" entries) and whether a guardrail holds it paused
  (`journey_guardrail`), then gives the editor `set_experiments({step: experiment})` — the
  inspector's live results, the winner on the card — and the header its guardrail banner.
- `winner_said(text)` is emitted once per newly seen winner of the open journey (the page
  puts it in the status bar); a journey opened with a winner already called says nothing.
- `notice_words(notice)`: the main window's status-bar sentence for a journey notice.
- `clear()` forgets the journey (the page closed it); `experiments()` is the last result.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from sqlalchemy import select

from app.background import SerialRead
from engine.words import plural as _count


def guardrail_words(reason: str, figures: dict) -> str:
    return (f"{reason}. Over the last {figures.get('sends', 0):,} emails: "
            f"{_count(figures.get('unsubscribes', 0), 'unsubscribe')}, "
            f"{_count(figures.get('complaints', 0), 'spam complaint')}, "
            f"{_count(figures.get('bounces', 0), 'bounce')}.")


def notice_words(notice: dict) -> str:
    """One status-bar sentence for a journey notice (engine/experiments/notices.py)."""
    journey = notice.get("journey", "a journey")
    if notice.get("kind") == "guardrail_paused":
        verb = ("rolled its canary back" if notice.get("action") == "rolled_back"
                else "paused it")
        return f"“{journey}”: a guardrail {verb} — {notice.get('reason', '')}"
    if notice.get("kind") == "experiment_winner":
        return (f"“{journey}”: {notice.get('label') or notice.get('winner')} wins the A/B test "
                f"at “{notice.get('step')}”")
    return ""


def read_experiment_view(database, journey_id: int) -> tuple[int, dict, str | None]:
    from engine.db.models import JourneyGuardrail, JourneyRow, JourneyStatus
    from engine.experiments.report import experiment_parts

    with database.session() as session:
        tests = {e["step"]: e for e in experiment_parts(session, journey_id)["experiments"]}
        row = session.execute(
            select(JourneyGuardrail.reason, JourneyGuardrail.figures)
            .join(JourneyRow, JourneyRow.id == JourneyGuardrail.journey_id)
            .where(JourneyGuardrail.journey_id == journey_id,
                   JourneyGuardrail.resumed_at.is_(None),
                   JourneyRow.status == JourneyStatus.PAUSED)).first()
    return journey_id, tests, guardrail_words(row.reason, row.figures or {}) if row else None


class ExperimentControls(QObject):
    winner_said = Signal(str)

    def __init__(self, page):
        super().__init__(page)
        self.page = page
        self._tests: dict[str, dict] = {}
        self._reading = SerialRead(self, "trellis-experiments", self._show, again=self.refresh)
        self._known: dict[str, str | None] | None = None  # step -> winner, as last seen

    def experiments(self) -> dict[str, dict]:
        return dict(self._tests)

    def clear(self) -> None:
        self._tests, self._known = {}, None
        self.page.header.set_guardrail(None)

    def refresh(self) -> None:
        journey_id = self.page.journey_id
        if journey_id is None:
            self.clear()
            return
        database = self.page.database
        self._reading.run(lambda _p, _c: read_experiment_view(database, journey_id))

    def _show(self, result) -> None:
        journey_id, tests, guardrail = result
        if journey_id != self.page.journey_id:
            return
        self._tests = tests
        if self.page.editor is not None:
            self.page.editor.set_experiments(tests)
        self.page.header.set_guardrail(guardrail)
        winners = {step: e.get("winner") for step, e in tests.items()}
        if self._known is not None:
            for step, winner in winners.items():
                if winner and self._known.get(step) != winner:
                    test = tests[step]
                    label = next((v.get("label") or v["key"] for v in test["variants"]
                                  if v["key"] == winner), winner)
                    self.winner_said.emit(f"A/B test “{step}”: {label} wins")
        self._known = winners

    def is_reading(self) -> bool:
        return self._reading.is_reading()
