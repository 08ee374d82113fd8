"""The app's log file: `setup_logging(folder=None) -> Path` and `log_folder()`.

Contract: `log_folder()` is the user log folder (platformdirs: ~/.local/state/Trellis/log
on Linux, ~/Library/Logs/Trellis on macOS, %LOCALAPPDATA%\\Trellis\\Logs on Windows), or
`TRELLIS_LOG_DIR` when set. `setup_logging` creates the folder and attaches one
`RotatingFileHandler` (trellis.log, rotated at `MAX_BYTES`, `BACKUPS` old files kept) to
the root logger at INFO, once per folder however often it is called, and returns the log
file's path. The engine's routine chatter is demoted as `main.py run` does. A folder that
cannot be written leaves logging as it was and returns None (the app runs without a log).
"""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

APP_NAME = "Trellis"
LOG_NAME = "trellis.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_folder() -> Path:
    env = os.environ.get("TRELLIS_LOG_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP_NAME, appauthor=False))


def setup_logging(folder: Path | None = None) -> Path | None:
    folder = folder or log_folder()
    path = (folder / LOG_NAME).resolve()
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == path:
            return path
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                      encoding="utf-8")
    except OSError as error:
        logging.getLogger("trellis.app").warning("no log file in %s: %s", folder, error)
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    from engine.runtime.quiet_logs import demote_routine_logs

    demote_routine_logs()
    return path
