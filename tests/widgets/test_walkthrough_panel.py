"""The walk-through panel: the timeline as a marketer reads it, the path, and its intents."""

from __future__ import annotations

from widgets.walkthrough_panel import WalkthroughPanel, since_start

LINES = [
    {"at": "2026-03-02T09:00:00+00:00", "node": None, "kind": "event", "offset": 0.0,
     "title": "", "explanation": "Adds an item to the cart (added_to_cart)"},
    {"at": "2026-03-02T09:00:00+00:00", "node": "trigger", "kind": "enter", "offset": 0.0,
     "title": "Added to cart", "explanation": "Entered the journey"},
    {"at": "2026-03-02T13:00:00+00:00", "node": "reminder", "kind": "email", "offset": 14400.0,
     "title": "Reminder", "explanation": "Would get the email “Hi”", "subject": "Hi",
     "html": "<p>Hi</p>", "text": "Hi"},
    {"at": "2026-03-03T15:30:00+00:00", "node": "reminder", "kind": "exit", "offset": 109800.0,
     "title": "Reminder", "explanation": "Reached the end of the path"},
]


def test_times_since_the_start():
    assert [since_start(s) for s in (0, 1800, 14400, 14400 + 1800, 109800)] == [
        "Start", "+30 min", "+4 h", "+4 h 30 min", "+1 d 6 h"]


def test_timeline_rows_path_and_clicks(qtbot):
    panel = WalkthroughPanel({"never_buys": "Never buys"})
    qtbot.addWidget(panel)
    panel.set_contacts([("Invented: Alex Rivera", None), ("Ana <ana@example.com>", 7)])
    panel.contact.setCurrentIndex(1)
    with qtbot.waitSignal(panel.run_requested) as request:
        panel.run_button.click()
    assert request.args == ["never_buys", 7]
    panel.set_running(True)
    assert not panel.run_button.isEnabled() and panel.stop_button.isVisibleTo(panel)
    with qtbot.waitSignal(panel.cancel_requested):
        panel.stop_button.click()

    panel.show_timeline(LINES)
    assert panel.run_button.isEnabled() and not panel.progress.isVisibleTo(panel)
    assert [panel.timeline.item(i).text() for i in range(4)] == [
        "Start   Adds an item to the cart (added_to_cart)",
        "Start   Added to cart — Entered the journey",
        "+4 h   Reminder — Would get the email “Hi”",
        "+1 d 6 h   Reminder — Reached the end of the path",
    ]
    assert panel.path() == ["trigger", "reminder"]
    assert panel.summary.text().startswith("2 steps reached, 1 email")
    with qtbot.waitSignal(panel.email_clicked) as clicked, \
            qtbot.waitSignal(panel.step_clicked) as step:
        panel.timeline.itemClicked.emit(panel.timeline.item(2))
    assert clicked.args[0]["subject"] == "Hi" and step.args == ["reminder"]


def test_errors_end_the_run(qtbot):
    panel = WalkthroughPanel({"never_buys": "Never buys"})
    qtbot.addWidget(panel)
    panel.set_running(True)
    panel.show_error("1 problem(s) must be fixed before publishing")
    assert panel.run_button.isEnabled()
    assert "could not run: 1 problem(s)" in panel.summary.text()


def test_profile_of_the_chosen_contact(qtbot):
    panel = WalkthroughPanel({"never_buys": "Never buys"})
    qtbot.addWidget(panel)
    panel.set_contacts([("Invented: Alex Rivera", None), ("Ana <ana@example.com>", 7)])
    assert not panel.profile_button.isEnabled()  # an invented contact has no profile
    panel.contact.setCurrentIndex(1)
    with qtbot.waitSignal(panel.profile_requested) as request:
        panel.profile_button.click()
    assert request.args == [7]
