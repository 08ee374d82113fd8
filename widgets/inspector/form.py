"""`ModelForm`: a form generated from a pydantic model, whose edits go through a callback.

Contract:
- `ModelForm(model, apply, fields=None, templates=None, template_field="template")` shows
  one row per field of
  `model` (label = the field's `title`, help = its `description`), with the editor
  `editor_for()` picks from the field's type: numbers → spin boxes, bools → check boxes,
  Literal → combos, Duration → number + unit, time of day → time edit, weekdays → day
  buttons, lists of filters / paths / variants → rows, Condition → the rule builder, the
  field that names a step's email (its spec's `email.template_field`, when `templates`
  are given) → the journey's emails. `fields` may give (title, help, editor)
  for fields a model does not describe well enough (journey settings).
- `set_data(data)` shows the model's current values (JSON data) and forgets pending
  invalid input. An edit builds the new data — the current data, the fields whose last
  input was invalid, and the edited field — and checks it with the model: invalid input
  is shown in red under its field and nothing is applied; valid data goes to
  `apply(data, merge_key)`, which returns "" or a reason to show. Edits between two
  `finished` signals of one field share a merge key: one undo step per field edit.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Callable, Literal

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from engine.nodes.common import Condition, Duration, EventMatcher, PropertyFilter
from engine.nodes.actions import EmailVariant
from engine.nodes.experiment_keys import EmailExperiment, SplitExperiment
from engine.nodes.logic import SplitPath, Variant
from widgets.inspector.condition_editor import ConditionEditor, paths_editor
from widgets.inspector.errors import field_messages
from widgets.inspector.field_editors import (
    BoolEditor,
    ChoiceEditor,
    DurationEditor,
    FieldEditor,
    NumberEditor,
    OptionalEditor,
    ScalarEditor,
    TemplateEditor,
    TextEditor,
    TimeEditor,
    WeekdaysEditor,
)
from widgets.inspector.row_editors import (
    EventMatcherRow,
    HeadersEditor,
    event_matchers_editor,
    filters_editor,
    variants_editor,
)

Apply = Callable[[dict, object], str]
FieldOverride = tuple[str, str, FieldEditor]
TIME_PATTERN_HINT = "([01]"  # the TimeOfDay pattern starts so (engine/nodes/common.py)


def _bounds(metadata: list) -> dict[str, float]:
    bounds = {}
    for item in metadata:
        for name in ("ge", "gt", "le", "lt"):
            if getattr(item, name, None) is not None:
                bounds[name] = getattr(item, name)
    return bounds


def _is_time(annotation: Any, metadata: list) -> bool:
    patterns = [getattr(m, "pattern", "") or "" for m in metadata]
    if typing.get_origin(annotation) is typing.Annotated:
        for extra in typing.get_args(annotation)[1:]:
            patterns += [getattr(m, "pattern", "") or "" for m in getattr(extra, "metadata", [])]
    return any(TIME_PATTERN_HINT in p for p in patterns)


def _without_none(annotation: Any) -> tuple[Any, bool]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(annotation)) == 2:
            return args[0], True
    return annotation, False


def editor_for(name: str, info: FieldInfo, templates: dict | None,
               template_field: str = "template") -> FieldEditor:
    """The editor for one config field, chosen from its type (`template_field` names the
    field that picks one of the journey's `templates`)."""
    annotation, optional = _without_none(info.annotation)
    if annotation in (SplitExperiment, EmailExperiment):
        from widgets.inspector.experiment_editors import experiment_editor

        return experiment_editor(typing.get_args(annotation.model_fields["metric"].annotation))
    if optional:
        inner_info = FieldInfo(annotation=annotation, metadata=info.metadata)
        inner = editor_for(name, inner_info, templates, template_field)
        default = {"value": 1, "unit": "days"} if annotation is Duration else "09:00"
        return OptionalEditor(inner, "", default)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if name == template_field and templates is not None:
        return TemplateEditor(templates)
    if annotation is bool:
        return BoolEditor(info.title or name)
    if annotation in (int, float):
        bounds = _bounds(info.metadata)
        low = bounds.get("ge", bounds.get("gt", -1_000_000))
        high = bounds.get("le", bounds.get("lt", 1_000_000))
        return NumberEditor(low, high, decimals=1 if annotation is float else 0)
    if annotation is str or origin is typing.Annotated:
        if _is_time(annotation, info.metadata):
            return TimeEditor()
        return TextEditor(info.description or "")
    if origin is Literal:
        return ChoiceEditor(args)
    if annotation is Duration:
        return DurationEditor()
    if annotation is Condition:
        return ConditionEditor()
    if annotation is EventMatcher:
        return EventMatcherRow()
    if origin is list:
        item = args[0]
        if typing.get_origin(item) is Literal:
            return WeekdaysEditor()
        if item is PropertyFilter:
            return filters_editor()
        if item is SplitPath:
            return paths_editor()
        if item is Variant:
            return variants_editor()
        if item is EmailVariant:
            from widgets.inspector.experiment_editors import email_variants_editor

            return email_variants_editor(templates if templates is not None else {})
        if item is EventMatcher:
            return event_matchers_editor("Add an event")
    if origin is dict:
        return HeadersEditor()
    return ScalarEditor(info.description or "")  # bool | int | float | str | None


class FormRow(QWidget):
    def __init__(self, title: str, help_text: str, editor: FieldEditor, parent=None):
        super().__init__(parent)
        self.editor = editor
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(5)
        if title and not isinstance(editor, BoolEditor):
            layout.addWidget(QLabel(title, objectName="fieldLabel"))
        layout.addWidget(editor)
        if help_text and not isinstance(editor, TextEditor):
            help_label = QLabel(help_text, objectName="fieldHelp")
            help_label.setWordWrap(True)
            layout.addWidget(help_label)
        self.error = QLabel(objectName="fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)

    def set_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))


class ModelForm(QWidget):
    def __init__(
        self,
        model: type[BaseModel],
        apply: Apply,
        fields: dict[str, FieldOverride] | None = None,
        templates: dict | None = None,
        template_field: str = "template",
        parent=None,
    ):
        super().__init__(parent)
        self.model = model
        self._apply = apply
        self._data: dict = {}
        self._pending: dict[str, Any] = {}
        self._session = 0
        self.rows: dict[str, FormRow] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        for name, info in model.model_fields.items():
            if fields is not None and name not in fields:
                continue
            if fields is not None:
                title, help_text, editor = fields[name]
            else:
                title, help_text = info.title or name, info.description or ""
                editor = editor_for(name, info, templates, template_field)
            row = self.rows[name] = FormRow(title, help_text, editor)
            editor.edited.connect(lambda name=name: self._edited(name))
            editor.finished.connect(self._finished)
            layout.addWidget(row)

    def editor(self, name: str) -> FieldEditor:
        return self.rows[name].editor

    def set_data(self, data: dict) -> None:
        self._data = dict(data)
        self._pending.clear()
        for name, row in self.rows.items():
            row.editor.set_value(data.get(name))
            row.set_error("")

    def _finished(self) -> None:
        self._session += 1

    def _edited(self, name: str) -> None:
        self._pending[name] = self.rows[name].editor.value()
        data = {**self._data, **self._pending}
        try:
            self.model.model_validate(data)
        except ValidationError as error:
            messages = field_messages(error, name)
            for field, row in self.rows.items():
                row.set_error(messages.get(field, ""))
            return
        reason = self._apply(data, (name, self._session))
        for field, row in self.rows.items():
            row.set_error(reason if (reason and field == name) else "")
        if not reason:
            self._data, self._pending = data, {}
