"""The publish dialog on its own: errors refuse, the diff is listed, and the keep-or-move
choice comes out as `Engine.publish` wants it."""

from __future__ import annotations

from engine.analytics.version_diff import StepRef, VersionDiff
from engine.journey.validation import Problem
from widgets.publish_dialog import PublishChoice, PublishDialog, PublishPlan

STEPS = [("t", "Added to cart"), ("d", "Delay"), ("e", "Reminder")]


def plan(**changes) -> PublishPlan:
    values = dict(name="Abandoned cart", problems=[], diff=VersionDiff(added=(StepRef("d", "Delay"),),
                                                                        removed=(StepRef("w", "Wait"),)),
                  live_version=3, waiting={"w": 5, "e": 2}, old_labels={"w": "Wait", "e": "Reminder"},
                  new_steps=STEPS, labels=dict(STEPS))
    return PublishPlan(**(values | changes))


def texts(dialog):
    from PySide6.QtWidgets import QLabel

    return [label.text() for label in dialog.findChildren(QLabel)]


def test_errors_refuse(qtbot):
    dialog = PublishDialog(plan(problems=[Problem("e", "error", "Choose the email to send"),
                                          Problem(None, "warning", "Long subject")]))
    qtbot.addWidget(dialog)
    assert dialog.publish_button is None
    assert "Fix this problem before publishing" in texts(dialog)
    assert "•  Reminder: Choose the email to send" in texts(dialog)


def test_changes_and_keeping_contacts(qtbot):
    dialog = PublishDialog(plan(problems=[Problem(None, "warning", "The subject is long")]))
    qtbot.addWidget(dialog)
    shown = texts(dialog)
    assert "Changes since version 3" in shown
    assert "•  Adds the step 'Delay'\n•  Removes the step 'Wait'" in shown
    assert "•  The subject is long" in shown
    assert "7 contacts on their way through this journey" in shown
    assert dialog.publish_button.text() == "Publish version 4"
    with qtbot.waitSignal(dialog.publish_requested) as request:
        dialog.publish_button.click()
    assert request.args == [PublishChoice()]


def test_moving_contacts_maps_removed_steps(qtbot):
    dialog = PublishDialog(plan())
    qtbot.addWidget(dialog)
    assert list(dialog._gone) == ["w"]  # "e" still exists: its contacts stay put
    dialog.move_button.click()
    assert dialog.choice() == PublishChoice(move={}, fallback=None)  # leave the journey
    dialog._gone["w"].setCurrentIndex(dialog._gone["w"].findData("d"))
    dialog.fallback.setCurrentIndex(dialog.fallback.findData("e"))
    assert dialog.choice() == PublishChoice(move={"w": "d"}, fallback="e")


def test_busy_then_failed(qtbot):
    dialog = PublishDialog(plan())
    qtbot.addWidget(dialog)
    dialog.set_busy()
    assert not dialog.buttons.isEnabled() and dialog.progress.isVisibleTo(dialog)
    dialog.finish_failed("the fallback step 'x' is not in the new version")
    assert dialog.buttons.isEnabled() and dialog.message.text().startswith("Not published:")
