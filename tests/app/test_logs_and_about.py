"""The log file rotates in the user log folder; Help ▸ Open log folder shows it; About
names the version and the database."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler

from PySide6.QtCore import QObject, QSettings, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from app.logs import BACKUPS, LOG_NAME, MAX_BYTES, log_folder, setup_logging
from app.main_window import MainWindow, app_version
from app.theme import ThemeController


def _handlers(path):
    return [h for h in logging.getLogger().handlers
            if isinstance(h, RotatingFileHandler) and h.baseFilename == str(path)]


def test_the_log_rotates_in_its_folder_and_is_set_up_once(tmp_path, monkeypatch):
    monkeypatch.setenv("TRELLIS_LOG_DIR", str(tmp_path / "logs"))
    assert log_folder() == tmp_path / "logs"
    path = setup_logging()
    try:
        assert path == (tmp_path / "logs" / LOG_NAME).resolve()
        assert setup_logging() == path and len(_handlers(path)) == 1
        handler = _handlers(path)[0]
        assert (handler.maxBytes, handler.backupCount) == (MAX_BYTES, BACKUPS)
        logging.getLogger("trellis.test").info("a line for the log")
        handler.flush()
        assert "trellis.test: a line for the log" in path.read_text()
    finally:
        for handler in _handlers(path):
            logging.getLogger().removeHandler(handler)
            handler.close()


def test_an_unwritable_log_folder_leaves_the_app_without_a_log(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert setup_logging(blocker / "logs") is None


class Opened(QObject):
    def __init__(self):
        super().__init__()
        self.urls = []

    @Slot(QUrl)
    def open(self, url):
        self.urls.append(url.toLocalFile())


def test_help_opens_the_log_folder_and_about_names_version_and_database(
        qtbot, qapp, db, tmp_path, monkeypatch):
    monkeypatch.setenv("TRELLIS_LOG_DIR", str(tmp_path / "logs"))
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db, settings, ThemeController(qapp, settings))
    qtbot.addWidget(window)
    opened = Opened()
    QDesktopServices.setUrlHandler("file", opened, "open")
    try:
        window.help.log_folder_action.trigger()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert opened.urls == [str(tmp_path / "logs")]
    assert (tmp_path / "logs").is_dir()
    about = window.about_text()
    assert f"Trellis {app_version()}" in about
    assert str(db.sqlite_path.resolve()) in about and "SQLite" in about
