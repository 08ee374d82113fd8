"""The contact import wizard: file → columns → progress → report.

Contract:
- `ImportWizard(preview)`: `preview(path)` returns an `engine.contacts.csv_preview.CsvPreview`
  or raises an error whose text is shown. Step 1 chooses the file (`choose_file(path)` does
  what Browse does); Next shows step 2: one row per column with the detected meaning in a
  drop-down (any standard field, "Custom field" with an editable name, or "Skip"), the
  first values of the column, and an optional list to add everyone to.
- `Import` emits `import_requested(path, mapping, list_name)` (mapping: column index →
  field, `attributes.KEY` or None) and shows step 3 (progress with Cancel, which emits
  `cancel_requested`). The owner runs the import and calls `show_progress(fraction)`,
  then `show_report(report)` (step 4: created/updated/merged/rejected and each rejected
  line, with "Save rejected rows…" emitting `save_rejected_requested`) or
  `show_failure(text)` (back to step 2 with the reason: nothing was written).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox, QDialog, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QProgressBar,
    QPushButton, QStackedWidget, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from engine.contacts.csv_preview import CHOICES

SKIP, CUSTOM = "", "custom"
ATTRIBUTE_PREFIX = "attributes."


class ImportWizard(QDialog):
    import_requested = Signal(str, object, object)
    cancel_requested = Signal()
    save_rejected_requested = Signal()

    def __init__(self, preview, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Import contacts")
        self.resize(780, 560)
        self._preview_fn = preview
        self.preview = None
        self.path = ""
        self.pages = QStackedWidget()

        # 1. the file
        self.file_field = QLineEdit(placeholderText="A CSV file (UTF-8, comma, semicolon or tab)")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.file_error = QLabel(objectName="errorLabel", wordWrap=True)
        self.next_button = QPushButton("Next")
        self.next_button.clicked.connect(lambda: self.choose_file(self.file_field.text()))
        self.pages.addWidget(self._page("Choose the CSV file to import",
                                        _row(self.file_field, browse), self.file_error,
                                        _row(None, self.next_button)))
        # 2. the columns
        self.columns = QTableWidget(0, 4)
        self.columns.setHorizontalHeaderLabels(["Column", "Import as", "Custom field name",
                                                "First values"])
        self.columns.setColumnWidth(1, 170)
        self.columns.setColumnWidth(2, 150)
        self.columns.horizontalHeader().setStretchLastSection(True)
        self.list_field = QLineEdit(placeholderText="Optional: add everyone to this list")
        self.mapping_error = QLabel(objectName="errorLabel", wordWrap=True)
        self.import_button = QPushButton("Import")
        self.import_button.clicked.connect(self._start)
        self.pages.addWidget(self._page("Check what each column holds", self.columns,
                                        self.list_field, self.mapping_error,
                                        _row(None, self.import_button)))
        # 3. progress
        self.progress = QProgressBar(maximum=1000)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self._cancel)
        self.pages.addWidget(self._page("Importing…", self.progress,
                                        _row(None, self.cancel_button)))
        # 4. report
        self.summary = QLabel(wordWrap=True)
        self.rejected = QTableWidget(0, 3)
        self.rejected.setHorizontalHeaderLabels(["Line", "Email", "Why it was rejected"])
        self.rejected.horizontalHeader().setStretchLastSection(True)
        self.save_button = QPushButton("Save rejected rows…")
        self.save_button.clicked.connect(self.save_rejected_requested)
        done = QPushButton("Done")
        done.clicked.connect(self.accept)
        self.pages.addWidget(self._page("Import finished", self.summary, self.rejected,
                                        _row(self.save_button, done)))
        QVBoxLayout(self).addWidget(self.pages)

    @staticmethod
    def _page(title: str, *parts) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(f"<b>{title}</b>"))
        for part in parts:
            layout.addWidget(part)
        return page

    # ---- step 1 → 2 --------------------------------------------------------------------

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import contacts", "", "CSV (*.csv *.txt)")
        if path:
            self.choose_file(path)

    def choose_file(self, path: str) -> bool:
        self.file_field.setText(path)
        try:
            self.preview = self._preview_fn(path)
        except Exception as error:  # the engine's reasons are written for people
            self.file_error.setText(str(error))
            return False
        self.path = path
        self.file_error.clear()
        self._show_columns()
        self.pages.setCurrentIndex(1)
        return True

    def _show_columns(self) -> None:
        preview = self.preview
        self.columns.setRowCount(len(preview.headers))
        for index, (header, detected) in enumerate(zip(preview.headers, preview.detected)):
            self.columns.setItem(index, 0, QTableWidgetItem(header or f"(column {index + 1})"))
            combo = QComboBox()
            combo.addItem("Skip this column", SKIP)
            for choice, label in CHOICES:
                combo.addItem(label, choice)
            combo.addItem("Custom field", CUSTOM)
            name = QLineEdit()
            if detected and detected.startswith(ATTRIBUTE_PREFIX):
                combo.setCurrentIndex(combo.findData(CUSTOM))
                name.setText(detected[len(ATTRIBUTE_PREFIX):])
            elif detected:
                combo.setCurrentIndex(combo.findData(detected))
            name.setEnabled(combo.currentData() == CUSTOM)
            combo.currentIndexChanged.connect(
                lambda _i, c=combo, n=name: n.setEnabled(c.currentData() == CUSTOM))
            self.columns.setCellWidget(index, 1, combo)
            self.columns.setCellWidget(index, 2, name)
            values = ", ".join(row[index] for row in preview.rows if row[index])
            self.columns.setItem(index, 3, QTableWidgetItem(values))

    def set_choice(self, column: int, choice: str, custom_name: str = "") -> None:
        """Choose what `column` imports as (a field, `CUSTOM` with a name, or `SKIP`)."""
        combo = self.columns.cellWidget(column, 1)
        combo.setCurrentIndex(combo.findData(choice))
        if custom_name:
            self.columns.cellWidget(column, 2).setText(custom_name)

    def mapping(self) -> dict[int, str | None]:
        chosen: dict[int, str | None] = {}
        for index in range(self.columns.rowCount()):
            choice = self.columns.cellWidget(index, 1).currentData()
            if choice == CUSTOM:
                name = self.columns.cellWidget(index, 2).text().strip()
                chosen[index] = ATTRIBUTE_PREFIX + name if name else None
            else:
                chosen[index] = choice or None
        return chosen

    # ---- step 2 → 3 → 4 ----------------------------------------------------------------

    def _start(self) -> None:
        self.mapping_error.clear()
        self.progress.setValue(0)
        self.cancel_button.setEnabled(True)
        self.pages.setCurrentIndex(2)
        self.import_requested.emit(self.path, self.mapping(),
                                   self.list_field.text().strip() or None)

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.cancel_requested.emit()

    def show_progress(self, fraction: float) -> None:
        self.progress.setValue(int(fraction * 1000))

    def show_failure(self, text: str) -> None:
        self.mapping_error.setText(text)
        self.pages.setCurrentIndex(1)

    def show_report(self, report) -> None:
        self.summary.setText(
            f"{report.created:,} created · {report.updated:,} updated · "
            f"{report.unchanged:,} unchanged · {report.merged_duplicates:,} merged · "
            f"{len(report.rejected):,} rejected\n\n{report.summary()}")
        self.rejected.setRowCount(len(report.rejected))
        for row, rejected in enumerate(report.rejected):
            for column, value in enumerate((str(rejected.line), rejected.value, rejected.reason)):
                self.rejected.setItem(row, column, QTableWidgetItem(value))
        self.save_button.setEnabled(bool(report.rejected))
        self.pages.setCurrentIndex(3)


def _row(first, *others) -> QWidget:
    widget = QWidget()
    layout = QHBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    if first is None:
        layout.addStretch(1)
    else:
        layout.addWidget(first, 1)
    for other in others:
        layout.addWidget(other)
    return widget
