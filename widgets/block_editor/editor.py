"""`BlockEditor`: a block email's name, subject and preview text, its blocks, and their checks.

Contract (the same face as `widgets.email_editor.EmailEditor`, so the email session and
dialog drive either):
- `BlockEditor(template)` edits a template of format "blocks". Every change — a block
  added (palette click or drop), moved (drag, Alt+Up/Down), removed, duplicated or edited
  in the side form, or the name, subject or preview text typed — makes a new template
  with the pure edits of `engine.blocks` and emits `template_edited(template)`;
  `last_merge_key` is then the key under which the owner merges it into the previous
  undo step ((block id, field) while typing in one field, None for a step of its own).
  A refused edit (the footer moved…) changes nothing and says why under the form.
- `set_template(t)` shows another version (an undo or redo) without emitting: the rows
  that changed are redrawn, the same block stays chosen. `template()`, `changed()`,
  `mark_saved(t)`, `flush()` and `set_lint([(severity, message)])` are as in the code
  editor; checks about a block also mark its row (icon and tooltip).
- `insert_text(text)` puts a personalisation chip at the cursor of the text field last
  used (subject, preview text or the block's text); False when there is none.
- "Convert to code…" emits `convert_requested(format)` ("markdown" or "html") once the
  marketer has read the one-way warning and chosen; the owner converts.
"""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from engine.blocks import (
    COLUMN_TYPES, BlockEditError, Place, duplicate_block, find, insert_block, move_block,
    new_block, remove_block, update_block,
)
from engine.blocks.to_code import code_warning
from engine.errors import validation_words
from engine.journey.data import EmailTemplate
from widgets.block_editor.block_form import BlockForm
from widgets.block_editor.block_list import BlockList
from widgets.block_editor.palette import BlockPalette
from widgets.block_editor.summaries import problems_by_block
from widgets.email_editor import HEADER_LABELS
from widgets.icons import icon

EDIT_DELAY_MS = 300
SEVERITY_ICONS = {"error": ("error", "danger"), "warning": ("warning", "warning")}


class BlockEditor(QWidget):
    template_edited = Signal(object)  # EmailTemplate
    convert_requested = Signal(str)  # "markdown" or "html"

    def __init__(self, template: EmailTemplate, parent=None):
        super().__init__(parent)
        if template.format != "blocks":
            raise ValueError("the block editor edits block emails only")
        self._original = template
        self._current = template
        self._lint: list[tuple[str, str]] = []
        self.last_merge_key: object = None
        self._text_target: QLineEdit | None = None

        self.name = QLineEdit(template.name)
        self.subject = QLineEdit(template.subject)
        self.preheader = QLineEdit(template.preheader,
                                   placeholderText="The line inboxes show after the subject")
        for line in (self.subject, self.preheader):
            self._track(line)
        self.invalid = QLabel(objectName="fieldError", wordWrap=True)
        self.invalid.hide()
        self.personalise = QPushButton(icon("contacts"), " Personalise")
        self.personalise.setToolTip("Insert a contact field, with what to show when a contact "
                                    "has none, where the cursor is")
        self.convert = QPushButton("Convert to code…")
        self.convert.setToolTip("Turn this email into Markdown or HTML (one way)")
        self.convert.clicked.connect(self._ask_convert)

        self.palette = BlockPalette()
        self.blocks = BlockList()
        self.form = BlockForm()
        self.duplicate = QPushButton(icon("copy"), "")
        self.duplicate.setToolTip("Duplicate the chosen block (Ctrl+D)")
        self.remove = QPushButton(icon("trash"), "")
        self.remove.setToolTip("Remove the chosen block (Delete)")
        self.up = QPushButton("↑")
        self.up.setToolTip("Move up (Alt+Up)")
        self.down = QPushButton("↓")
        self.down.setToolTip("Move down (Alt+Down)")
        self.lint = QListWidget(objectName="lintList")
        self.lint.setWordWrap(True)
        self.lint_title = QLabel("Checks", objectName="cardTitle")
        self.status = QLabel(objectName="fieldError", wordWrap=True)
        self.status.hide()
        self._layout_parts()

        self.palette.add_requested.connect(self.add_block)
        self.blocks.block_selected.connect(self._block_chosen)
        self.blocks.move_requested.connect(self.move)
        self.blocks.insert_requested.connect(self.insert)
        self.form.edited.connect(self.update)
        self.form.insert_requested.connect(self.insert)
        self.duplicate.clicked.connect(lambda: self._on_selected(self.duplicate_selected))
        self.remove.clicked.connect(lambda: self._on_selected(self.remove_selected))
        self.up.clicked.connect(lambda: self.blocks.move_selected(-1))
        self.down.clicked.connect(lambda: self.blocks.move_selected(1))
        from PySide6.QtGui import QKeySequence, QShortcut

        QShortcut(QKeySequence("Delete"), self.blocks, self.remove_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence("Ctrl+D"), self.blocks, self.duplicate_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)
        self._timer = QTimer(self, singleShot=True, interval=EDIT_DELAY_MS)
        self._timer.timeout.connect(self._emit_lines)
        for line in (self.name, self.subject, self.preheader):
            line.textEdited.connect(self._timer.start)

        self.blocks.set_document(template.blocks)
        self._block_chosen(None)
        if template.blocks.blocks:
            self.blocks.select_block(template.blocks.blocks[0].id)

    def _layout_parts(self) -> None:
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Subject", self.subject)
        form.addRow("Preview text", self.preheader)
        actions = QHBoxLayout()
        actions.addWidget(self.personalise)
        actions.addStretch(1)
        actions.addWidget(self.convert)

        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.palette)
        column.addWidget(QLabel("Blocks, top to bottom", objectName="cardTitle"))
        column.addWidget(self.blocks, 1)
        row = QHBoxLayout()
        for button in (self.up, self.down, self.duplicate, self.remove):
            row.addWidget(button)
        row.addStretch(1)
        column.addLayout(row)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(scroll)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.invalid)
        layout.addLayout(actions)
        layout.addWidget(split, 4)
        layout.addWidget(self.status)
        layout.addWidget(self.lint_title)
        layout.addWidget(self.lint, 1)

    # ---- the template ----------------------------------------------------------------------

    def template(self) -> EmailTemplate | None:
        try:
            return EmailTemplate.model_validate(self._current.model_dump() | {
                "name": self.name.text().strip(), "subject": self.subject.text(),
                "preheader": self.preheader.text()})
        except ValidationError as error:
            self.invalid.setText(validation_words(error, labels=HEADER_LABELS))
            return None

    def changed(self) -> bool:
        current = self.template()
        return current is None or current != self._original

    def mark_saved(self, template: EmailTemplate) -> None:
        self._original = template

    def set_template(self, template: EmailTemplate) -> None:
        """Show `template` (the same email, changed elsewhere) without emitting an edit."""
        if template.format != "blocks":
            return  # converted to code: the owner opens the code editor instead
        self._original = template
        self._current = template
        for line, text in ((self.name, template.name), (self.subject, template.subject),
                           (self.preheader, template.preheader)):
            if line.text() != text:
                line.setText(text)
        self._timer.stop()
        self.invalid.hide()
        self._show_blocks()

    def flush(self) -> None:
        self.form.flush()
        if self._timer.isActive():
            self._timer.stop()
            self._emit_lines()

    def _emit_lines(self) -> None:
        template = self.template()
        self.invalid.setVisible(template is None)
        if template is None or template == self._current:
            return
        changed = [f for f in ("name", "subject", "preheader")
                   if getattr(template, f) != getattr(self._current, f)]
        self._current = template
        self.last_merge_key = changed[0] if len(changed) == 1 else tuple(changed)
        self.template_edited.emit(template)

    def _show_blocks(self) -> None:
        doc = self._current.blocks
        self.blocks.set_document(doc, problems_by_block(doc, self._lint))
        chosen = self.blocks.selected_id()
        try:
            block = find(doc, chosen)[0] if chosen is not None else None
        except BlockEditError:
            block = None
        self.form.show_block(block)
        self._update_buttons(block)

    # ---- block edits -----------------------------------------------------------------------

    def _edit(self, make, merge_key=None, select: str | None = None) -> bool:
        """Apply `make(doc) -> doc` to the blocks; emit the new template, or say why not."""
        self.form.flush() if merge_key is None else None
        try:
            doc = make(self._current.blocks)
        except BlockEditError as error:
            self._say(str(error))
            return False
        self._say("")
        template = self.template() or self._current
        self._current = template.model_copy(update={"blocks": doc})
        self.last_merge_key = merge_key
        if select is not None:
            self.blocks.set_document(doc, problems_by_block(doc, self._lint))
            self.blocks.select_block(select, emit=False)
        self._show_blocks()
        self.template_edited.emit(self._current)
        return True

    def _say(self, text: str) -> None:
        self.status.setText(text[:1].upper() + text[1:] if text else "")
        self.status.setVisible(bool(text))
        self.form.show_error("")

    def _place_for_new(self, block_type: str) -> Place:
        """After the chosen block (inside its column when it fits there), else before the
        footer."""
        doc = self._current.blocks
        footer = Place(len(doc.blocks) - 1)
        place = self.blocks.selected_place()
        if place is None:
            return footer
        if place.parent is not None:
            if block_type in COLUMN_TYPES:
                return Place(place.index + 1, place.parent, place.column)
            parent = find(doc, place.parent)[1]
            return Place(parent.index + 1)
        return Place(min(place.index + 1, footer.index))

    def add_block(self, block_type: str, fields: dict | None = None) -> bool:
        return self.insert(block_type, self._place_for_new(block_type), fields)

    def insert(self, block_type: str, place: Place, fields: dict | None = None) -> bool:
        try:
            block = new_block(self._current.blocks, block_type, **(fields or {}))
        except BlockEditError as error:
            self._say(str(error))
            return False
        return self._edit(lambda doc: insert_block(doc, block, place), select=block.id)

    def move(self, block_id: str, place: Place) -> bool:
        return self._edit(lambda doc: move_block(doc, block_id, place), select=block_id)

    def update(self, block_id: str, changes: dict, merge_key=None) -> bool:
        ok = self._edit(lambda doc: update_block(doc, block_id, changes), merge_key)
        if not ok:
            self.form.show_error(self.status.text())
            self.status.hide()
        return ok

    def remove_selected(self) -> bool:
        chosen = self.blocks.selected_id()
        if chosen is None:
            return False
        doc = self._current.blocks
        ids = [b.id for b, *_ in doc.walk()]
        after = ids[ids.index(chosen) + 1] if ids.index(chosen) + 1 < len(ids) else None
        return self._edit(lambda d: remove_block(d, chosen)[0], select=after)

    def duplicate_selected(self) -> bool:
        chosen = self.blocks.selected_id()
        if chosen is None:
            return False
        made = {}

        def make(doc):
            doc, made["copy"] = duplicate_block(doc, chosen)
            return doc

        ok = self._edit(make)
        if ok:
            self.blocks.select_block(made["copy"].id)
        return ok

    def _on_selected(self, action) -> None:
        action()
        self.blocks.setFocus()

    def _block_chosen(self, block_id: str | None) -> None:
        block = None
        if block_id is not None:
            try:
                block = find(self._current.blocks, block_id)[0]
            except BlockEditError:
                block = None
        self.form.show_block(block)
        self._update_buttons(block)

    def _update_buttons(self, block) -> None:
        movable = block is not None and block.type != "footer"
        for button in (self.up, self.down, self.duplicate, self.remove):
            button.setEnabled(movable)

    # ---- chips, checks, conversion -----------------------------------------------------------

    def _track(self, line: QLineEdit) -> None:
        original = line.focusInEvent

        def focus_in(event, line=line, original=original):
            self._text_target = line
            self.form._text_target = None  # the last text field used wins
            original(event)

        line.focusInEvent = focus_in

    def insert_text(self, text: str) -> bool:
        if self.form.insert_text(text):
            return True
        if self._text_target is not None:
            self._text_target.insert(text)
            self._text_target.setFocus()
            self._timer.start()
            return True
        return False

    def set_lint(self, problems: list[tuple[str, str]]) -> None:
        self._lint = list(problems)
        self.lint.clear()
        for severity, message in sorted(problems, key=lambda p: p[0] != "error"):
            name, tone = SEVERITY_ICONS.get(severity, ("warning", "warning"))
            self.lint.addItem(QListWidgetItem(icon(name, tone), message))
        if not problems:
            self.lint.addItem(QListWidgetItem(icon("flag", "success"), "No problems found"))
        errors = sum(1 for severity, _ in problems if severity == "error")
        warnings = len(problems) - errors
        self.lint_title.setText("Checks" + (f" — {errors} to fix" if errors else "")
                                + (f", {warnings} to look at" if warnings else ""))
        doc = self._current.blocks
        self.blocks.set_document(doc, problems_by_block(doc, self._lint))

    def _ask_convert(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Convert to code",
                          code_warning("markdown").replace("Markdown", "Markdown or HTML"),
                          parent=self)
        markdown = box.addButton("Convert to Markdown", QMessageBox.ButtonRole.AcceptRole)
        html = box.addButton("Convert to HTML", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is markdown:
            self.convert_requested.emit("markdown")
        elif box.clickedButton() is html:
            self.convert_requested.emit("html")
