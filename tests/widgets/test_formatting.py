"""Display formatting of counts and times."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from widgets import formatting

NOW = datetime(2026, 3, 12, 12, 0, tzinfo=timezone.utc)


def test_counts_and_plurals():
    assert formatting.count(1234567) == "1,234,567"
    assert formatting.plural(1, "contact") == "1 contact"
    assert formatting.plural(5000, "contact") == "5,000 contacts"


def test_relative_times():
    assert formatting.relative(NOW - timedelta(seconds=20), NOW) == "just now"
    assert formatting.relative(NOW - timedelta(minutes=5), NOW) == "5 min ago"
    assert formatting.relative(NOW - timedelta(days=3), NOW) == "3 days ago"
    assert formatting.relative(NOW - timedelta(days=40), NOW) == formatting.date(
        NOW - timedelta(days=40)
    )
    assert formatting.relative(None, NOW) == formatting.EMPTY


def test_dialog_buttons_carry_no_icons(qapp):
    from PySide6.QtWidgets import QDialogButtonBox, QStyle

    from widgets.app_style import AppStyle

    style = AppStyle()
    assert style.styleHint(QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons) == 0
    assert style.baseStyle().name().lower() == "fusion"
    # every other hint is Fusion's
    fusion = style.baseStyle()
    hint = QStyle.StyleHint.SH_Menu_SubMenuPopupDelay
    assert style.styleHint(hint) == fusion.styleHint(hint)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    box.setStyle(style)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).icon().isNull()
