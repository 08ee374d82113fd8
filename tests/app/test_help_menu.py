"""Help ▸ Getting started does each step of the first hour in the window, and Help ▸
Keyboard shortcuts lists the keys the real actions have."""

from __future__ import annotations

import pytest

from app.starters import list_starters
from widgets.email_preview import prepare_web_engine

prepare_web_engine()


@pytest.fixture
def window(shown_window):
    return shown_window


def test_shortcuts_come_from_the_real_actions(window):
    dialog = window.help.shortcuts()
    rows = dialog.rows()
    sections = {section for section, _what, _keys in rows}
    assert sections == {"Everywhere", "Journeys list", "Journey canvas"}
    found = {(section, what): keys for section, what, keys in rows}
    assert found[("Everywhere", "Journeys")] == "Ctrl+1"
    assert found[("Everywhere", "Keyboard shortcuts")] == "Ctrl+/"
    assert found[("Journeys list", "Rename")] == "F2"
    assert found[("Journey canvas", "Undo")] == "Ctrl+Z"
    assert found[("Journey canvas", "Fit")] == "F"
    dialog.search.setText("f2")
    assert [what for _s, what, _k in dialog.rows()] == ["Rename"]


def test_shortcuts_read_from_the_open_editor_too(window):
    starter = list_starters()[0]
    assert window.journeys.new_journey(starter, starter.name)
    rows = window.help.shortcuts().rows()
    assert ("Journey canvas", "Duplicate", "Ctrl+D") in rows


def test_getting_started_steps_work_in_the_window(window, qtbot):
    guide = window.help.getting_started()
    assert guide.isVisible()
    assert guide.buttons["demo"].isEnabled()  # an empty database
    assert not guide.buttons["preview"].isEnabled()  # no journey open yet
    # the demo itself is tested with the first run; here: a journey to open
    starter = next(s for s in list_starters() if s.name == "Abandoned cart")
    assert window.journeys.new_journey(starter, starter.name)
    window.show_page("journeys")
    guide.buttons["open"].click()
    assert window.current_page() == "editor"
    assert window.editor_page.document.journey.name == "Abandoned cart"
    assert not guide.buttons["demo"].isEnabled()  # the database has data now
    assert guide.buttons["walk"].isEnabled()
    guide.buttons["walk"].click()
    assert window.editor_page.header.walkthrough.isChecked()
    guide.buttons["preview"].click()
    qtbot.waitUntil(lambda: bool(window.editor_page.emails.open_dialogs()))
    guide.buttons["publish"].click()
    assert window.current_page() == "settings"
