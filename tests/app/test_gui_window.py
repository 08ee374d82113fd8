"""The main window on an empty database: navigation, menus, status bar, remembered layout."""

from __future__ import annotations

import pytest
from PySide6.QtCore import SIGNAL, QSettings, Qt
from PySide6.QtWidgets import QMenu

from app.main_window import MainWindow
from app.window_pages import PAGE_NAMES
from app.theme import ThemeController
from tests.app.journeys_list import journeys_read


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot, qapp, db, settings):
    def make():
        window = MainWindow(db, settings, ThemeController(qapp, settings))
        qtbot.addWidget(window)
        return window

    return make


def all_actions(menu: QMenu):
    for action in menu.actions():
        if action.menu():
            yield from all_actions(action.menu())
        elif not action.isSeparator():
            yield action


def test_every_page_is_reachable_from_the_navigation(make_window, qtbot):
    window = make_window()
    window.show()
    assert window.page_names() == [*PAGE_NAMES, "editor"]  # the editor has no nav item
    assert window.current_page() == "journeys"
    for name in PAGE_NAMES:
        qtbot.mouseClick(window.nav.button(name), Qt.MouseButton.LeftButton)
        assert window.current_page() == name
        assert window.stack.currentWidget() is window.page(name)
        assert window.nav.current() == name


def test_empty_database_shows_empty_states(make_window, qtbot):
    window = make_window()
    for name, page in (
        ("journeys", window.journeys_page),
        ("contacts", window.contacts_page),
        ("templates", window.templates_page),
    ):
        window.show_page(name)
        if name == "journeys":
            journeys_read(qtbot, window)  # its rows are read off the GUI thread
        assert page.card.current_widget() is page.empty


def test_unknown_page_is_a_clear_error(make_window):
    with pytest.raises(ValueError, match="journeys, contacts"):
        make_window().show_page("canvas")


def test_engine_status_area(make_window):
    window = make_window()
    assert window.engine_status() == "Engine: not running"
    window.set_engine_status("Engine: running — 3 journeys live", tone="success")
    assert window.engine_status() == "Engine: running — 3 journeys live"


def test_menus_hold_only_working_actions(make_window):
    window = make_window()
    menus = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions()}
    assert list(menus) == ["File", "View", "Sending", "Help"]
    texts = {m: [a.text().replace("&", "") for a in all_actions(menu)] for m, menu in menus.items()}
    assert texts["File"] == ["New journey…", "Import journey file…", "Save journey",
                             "Export journey file…", "Quit"]
    assert {"Light", "Dark", "Follow system", "Refresh"} <= set(texts["View"])
    assert texts["Sending"] == ["Pause all sending", "Email server settings…",
                                "Sending rules…", "Send a test event…"]
    assert texts["Help"] == ["Getting started", "Keyboard shortcuts", "Open log folder",
                             "About Trellis"]
    # with no journey open or selected, there is nothing to save or export yet
    idle = {"Save journey", "Export journey file…"}
    for menu in menus.values():
        for action in all_actions(menu):
            assert action.isEnabled() != (action.text().replace("&", "") in idle), action.text()
            assert action.receivers(SIGNAL("triggered(bool)")) > 0, action.text()


def test_view_shortcuts_switch_pages(make_window):
    window = make_window()
    actions = {a.text(): a for a in all_actions(window.menuBar().actions()[1].menu())}
    assert actions["Templates"].shortcut().toString() == "Ctrl+3"
    actions["Templates"].trigger()
    assert window.current_page() == "templates"


def test_theme_menu_and_settings_page_stay_in_step(make_window, qapp):
    window = make_window()
    before = (qapp.palette(), qapp.styleSheet())
    try:
        window.settings_page.theme_buttons["dark"].click()
        view = window.menuBar().actions()[1].menu()
        checked = [a.text() for a in all_actions(view) if a.isCheckable() and a.isChecked()]
        assert checked == ["Dark"]
        next(a for a in all_actions(view) if a.text() == "Light").trigger()
        assert window.settings_page.theme_buttons["light"].isChecked()
    finally:
        qapp.setPalette(before[0])
        qapp.setStyleSheet(before[1])


def test_geometry_and_page_are_remembered(make_window, qtbot, monkeypatch):
    # restoreGeometry() keeps windows on screen, and the offscreen screen is only 800 px
    monkeypatch.setattr("app.main_window.MINIMUM_SIZE", (400, 300))
    first = make_window()
    first.resize(720, 510)
    first.show()
    qtbot.waitExposed(first)
    first.show_page("templates")
    first.close()

    second = make_window()
    # the size, exactly; the position depends on window-frame guesses of the platform
    assert second.size() == first.size()
    assert second.current_page() == "templates"
