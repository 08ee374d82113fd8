"""Where the app keeps files of its own between runs.

Contract: `app_folder(settings, kind)` is the folder beside the settings file when the
settings are an INI file given as a path (tests and portable set-ups keep everything
together), else the user's data folder (`kind` "data") or cache folder ("cache") for
Trellis (platformdirs). Nothing is created here.
"""

from __future__ import annotations

from pathlib import Path

APP_NAME = "Trellis"


def app_folder(settings, kind: str) -> Path:
    from PySide6.QtCore import QSettings

    if settings is not None and settings.format() == QSettings.Format.IniFormat:
        return Path(settings.fileName()).resolve().parent
    from platformdirs import user_cache_dir, user_data_dir

    user_dir = {"data": user_data_dir, "cache": user_cache_dir}[kind]
    return Path(user_dir(APP_NAME, appauthor=False))
