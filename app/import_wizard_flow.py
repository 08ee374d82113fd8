"""Runs the import wizard: the preview, the import off the GUI thread, Cancel, the report.

Contract: `ImportWizardFlow(db, window, clock, on_done=None, importer=import_contacts_csv)`
makes `dialog` (a `widgets.import_wizard.ImportWizard`). Its Import runs
`importer(db, path, mapping=..., list_name=..., now=..., progress=..., cancelled=...)` in
an `app.background.Task`; progress goes to the dialog, Cancel cancels the task (the import
rolls back: nothing written) and returns to the column step saying so; a file or mapping
problem does the same with its reason. Success shows the report and calls `on_done()`
(the workspace reloads). "Save rejected rows…" writes them as CSV (`save_rejected(path)`).
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog

from app.background import Task
from engine.contacts.csv_import import import_contacts_csv
from engine.contacts.csv_preview import preview_csv
from engine.contacts.report import write_rejected_csv
from widgets.import_wizard import ImportWizard

CANCELLED = "The import was cancelled: nothing was imported."


class ImportWizardFlow:
    def __init__(self, db, window, clock, on_done=None, importer=import_contacts_csv):
        self._db, self._clock, self._on_done, self._importer = db, clock, on_done, importer
        self.dialog = ImportWizard(preview_csv, window)
        self.dialog.import_requested.connect(self.start)
        self.dialog.cancel_requested.connect(self.cancel)
        self.dialog.save_rejected_requested.connect(self._ask_save)
        self.task: Task | None = None
        self.report = None

    def start(self, path: str, mapping: dict, list_name: str | None) -> None:
        now = self._clock.now()

        def work(progress, cancelled):
            return self._importer(self._db, path, mapping=mapping, list_name=list_name,
                                  now=now, progress=progress, cancelled=cancelled)

        self.task = Task(work, self.dialog, name="trellis-import")
        self.task.progressed.connect(self.dialog.show_progress)
        self.task.succeeded.connect(self._succeeded)
        self.task.failed.connect(self.dialog.show_failure)
        self.task.cancelled.connect(lambda: self.dialog.show_failure(CANCELLED))
        self.task.start()

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _succeeded(self, report) -> None:
        self.report = report
        self.dialog.show_report(report)
        if self._on_done is not None:
            self._on_done()

    def _ask_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.dialog, "Save rejected rows",
                                              "rejected.csv", "CSV (*.csv)")
        if path:
            self.save_rejected(path)

    def save_rejected(self, path: str) -> None:
        write_rejected_csv(self.report.rejected, path)
