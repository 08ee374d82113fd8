"""ElidedLabel: "…" and the whole text in the tooltip when narrow, plain when wide."""

from __future__ import annotations

from widgets.elided_label import ElidedLabel

TEXT = "Version 2 is live · 1,234 contacts in it now"


def test_narrow_elides_with_the_whole_text_as_tooltip_and_wide_does_not(qtbot):
    label = ElidedLabel(TEXT)
    qtbot.addWidget(label)
    label.resize(label.fontMetrics().horizontalAdvance(TEXT) // 2, 24)
    label.show()
    assert label.is_elided()
    assert label.shown_text().endswith("…") and len(label.shown_text()) < len(TEXT)
    assert label.toolTip() == TEXT
    assert not label.grab().isNull()  # painted through the style, no error
    label.setText("Draft")  # short enough now: no tooltip, no "…"
    assert not label.is_elided() and label.toolTip() == ""
    label.setText(TEXT)
    label.resize(label.sizeHint().width() + 10, 24)
    assert not label.is_elided() and label.shown_text() == TEXT and label.toolTip() == ""
