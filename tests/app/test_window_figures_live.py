"""The window opened after a headless run: the Journeys list's figures arrive by
themselves (the analytics catch-up runs when the engine starts, and the page on screen
re-reads after it), with no click and no 30-second wait."""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QSettings

from app.engine_host import EngineHost
from app.main_window import MainWindow
from app.theme import ThemeController
from tests.app.journeys_list import journeys_read

SIGN_UPS = 40


def _headless_run(db) -> None:
    """What `main.py run` leaves: contacts enrolled and stepped, nothing folded yet."""
    from engine.clock import SystemClock
    from engine.intake.events import parse_event, record_events
    from engine.journey.model import Journey
    from engine.journey.store import save_draft
    from engine.runtime.engine import Engine

    journey = Journey("Scores")
    journey.add_node("trigger.event", node_id="t", config={"event": "signed_up"})
    journey.add_node("action.adjust_score", node_id="s", config={"delta": 5})
    journey.connect("t", "next", "s")
    engine = Engine(db, SystemClock())
    with db.session() as session:
        save_draft(session, journey.to_document(), now=datetime.now(timezone.utc))
    engine.publish("Scores")
    with db.session() as session:
        record_events(session, [parse_event({"contact": f"s{i}@example.com",
                                             "name": "signed_up", "properties": {}})
                                for i in range(SIGN_UPS)],
                      now=datetime.now(timezone.utc), source="test")
    assert engine.tick().steps > 0


def test_entered_appears_on_the_open_list_without_a_click(qtbot, qapp, db, tmp_path):
    _headless_run(db)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    host = EngineHost(db, interval=60)
    window = MainWindow(db, settings, ThemeController(qapp, settings), engine_host=host)
    qtbot.addWidget(window)
    window.show()
    window.show_page("journeys")
    page = journeys_read(qtbot, window)
    assert [row.name for row in page.model.rows] == ["Scores"]
    host.start()
    try:
        qtbot.waitUntil(lambda: not page.loading and page.model.rows
                        and page.model.rows[0].entered_30 == SIGN_UPS, timeout=10_000)
    finally:
        host.stop()
