"""Routine lines of the libraries under the engine go to DEBUG, not INFO.

APScheduler logs two INFO lines for every beat ("Running job …", "… executed
successfully") and Alembic two for every database it opens; at a beat a second they bury
what `run` has to say. `demote_routine_logs()` installs a filter on those loggers that
turns exactly these lines into DEBUG records (shown with `--log-level debug`-style
configurations, dropped otherwise); warnings and errors pass unchanged. Idempotent.
"""

from __future__ import annotations

import logging

# logger name -> the starts of the messages that are routine there
ROUTINE = {
    "apscheduler.executors.default": ("Running job", "Job "),
    "alembic.runtime.migration": ("Context impl", "Will assume"),
}


class DemoteToDebug(logging.Filter):
    def __init__(self, prefixes: tuple[str, ...]):
        super().__init__()
        self.prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.INFO or not str(record.msg).startswith(self.prefixes):
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


def demote_routine_logs() -> None:
    for name, prefixes in ROUTINE.items():
        logger = logging.getLogger(name)
        if not any(isinstance(f, DemoteToDebug) for f in logger.filters):
            logger.addFilter(DemoteToDebug(prefixes))
