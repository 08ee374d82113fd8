"""What needs a person, said from the tray: `Notifier(show, now)`.

Contract:
- `show(title, text)` puts a notification up (the tray's `showMessage`; app/tray.py);
  `now()` is the clock (injected: tests move it).
- `status_changed(EngineStatus)` (connect `EngineHost.status_changed`) notifies:
  * "Email delivery keeps failing" once delivery's error has lasted `failing_after`
    (a server that is down for a moment is not worth a notification); again only after
    delivery worked in between;
  * "Emails may not have been sent" whenever the outbox holds more `uncertain` emails than
    when it last said so (a crash interrupted their send; Outbox decides what to do).
- Journey notices (connect `EngineHost.notices_arrived` to `journey_notices`): a guardrail
  that paused a journey (or rolled its canary back) → `journey_paused_by_guardrail`, an A/B
  test with a winner → `experiment_winner`; each notifies at once.
- `sent` lists every (title, text) shown, in order (the tray's tooltip and the tests read it).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

from engine.words import plural

FAILING_AFTER = timedelta(minutes=5)


class Notifier:
    def __init__(self, show: Callable[[str, str], None], now: Callable[[], datetime],
                 failing_after: timedelta = FAILING_AFTER):
        self._show, self._now, self.failing_after = show, now, failing_after
        self._failing_since: datetime | None = None
        self._failing_said = False
        self._uncertain_said = 0
        self.sent: list[tuple[str, str]] = []

    def notify(self, title: str, text: str) -> None:
        self.sent.append((title, text))
        self._show(title, text)

    def status_changed(self, status) -> None:
        self._check_delivery(status.delivery_error)
        self._check_uncertain(status.uncertain)

    def _check_delivery(self, error: str | None) -> None:
        if error is None:
            self._failing_since, self._failing_said = None, False
            return
        now = self._now()
        if self._failing_since is None:
            self._failing_since = now
        if not self._failing_said and now - self._failing_since >= self.failing_after:
            self._failing_said = True
            minutes = max(1, round((now - self._failing_since).total_seconds() / 60))
            self.notify("Email delivery keeps failing",
                        f"No email has gone out for {minutes} min: {error}. Emails wait in "
                        "the outbox; check Settings ▸ Sending.")

    def _check_uncertain(self, count: int | None) -> None:
        if count is None:
            return
        if count > self._uncertain_said:
            self.notify("Emails may not have been sent",
                        f"{plural(count, 'email')} in the outbox may or may "
                        "not have arrived (Trellis stopped while sending). Decide in the "
                        "outbox whether to send them again.")
        self._uncertain_said = count

    # ---- hooks for the features that report through the app -----------------------------

    def journey_notices(self, notices: list[dict]) -> None:
        for notice in notices:
            journey = notice.get("journey", "a journey")
            if notice.get("kind") == "guardrail_paused":
                if notice.get("action") == "rolled_back":
                    self.notify(f"The canary of “{journey}” was rolled back",
                                f"A guardrail stopped it: {notice.get('reason')}")
                else:
                    self.journey_paused_by_guardrail(journey, notice.get("reason", ""))
            elif notice.get("kind") == "experiment_winner":
                after = ("Later entrants take its path." if notice.get("auto_winner")
                         else "Entrants keep being split until you change the step.")
                self.experiment_winner(journey, notice.get("label") or notice.get("winner"),
                                       f"Step “{notice.get('step')}”. {after}")

    def journey_paused_by_guardrail(self, journey: str, reason: str) -> None:
        self.notify(f"“{journey}” was paused", f"A guardrail paused it: {reason}")

    def experiment_winner(self, journey: str, variant: str, detail: str = "") -> None:
        text = f"“{variant}” wins in “{journey}”."
        self.notify("An experiment has a winner", f"{text} {detail}".strip())
