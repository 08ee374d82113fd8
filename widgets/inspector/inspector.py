"""`Inspector`: the settings of what is selected on the canvas, as a form.

Contract:
- `Inspector(document)` takes an `InspectorDocument` (widgets/document_protocol.py: the
  part of `app.journey_document.JourneyDocument` it uses, declared, as widgets never
  import the app layer): `journey`, `bridge` (its Qt signals), `problems()`,
  `problems_changed`, and the intent methods `set_node_config`, `set_node_title`,
  `set_settings` and `rename`, which return "" or the reason an edit was refused.
- `show_nodes(ids)` (connected to the scene's `node_selection_changed`): one step shows
  its header (icon, type, description), its name, its problems, and its settings form
  (`ModelForm`, one cached per node type); several steps show a short note; nothing
  selected shows the journey's name (editable: typing is one undo step) and settings.
- `set_experiments({node_id: experiment})` (the report's entries, docs/experiments.md):
  a step with a running or decided A/B test shows its live results (winner banner, table,
  bars with intervals) above its settings; {} hides them.
- It never edits the journey itself: every change goes through the document (undo stack),
  and the form follows the journey's events, so undo/redo show up here at once.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from engine.nodes import NodeSpec
from widgets.canvas.style import ICON_SIZE, canvas_style, icon_pixmap
from widgets.document_protocol import InspectorDocument
from widgets.experiment_results import ExperimentResults
from widgets.inspector.form import ModelForm
from widgets.inspector.settings_form import settings_form

TILE = 36


class _Tile(QWidget):
    """The step's icon on a tile in its category's colour, as on the canvas."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFixedSize(TILE, TILE)
        self.spec: NodeSpec | None = None

    def paintEvent(self, _event) -> None:
        if self.spec is None:
            return
        look = canvas_style().category(self.spec.category)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(look.soft_brush)
        painter.drawRoundedRect(QRectF(self.rect()), 9, 9)
        pixmap = icon_pixmap(self.spec.icon, look.color, self.devicePixelRatioF())
        inset = (TILE - ICON_SIZE) / 2
        target = QRectF(inset, inset, ICON_SIZE, ICON_SIZE)
        painter.drawPixmap(target, pixmap, QRectF(pixmap.rect()))


class _Header(QWidget):
    """Icon tile, type name and description of the selected step."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tile = _Tile()
        self.kind = QLabel(objectName="inspectorKind")
        self.title = QLabel(objectName="inspectorTitle")
        self.title.setWordWrap(True)
        self.description = QLabel(objectName="muted")
        self.description.setWordWrap(True)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(self.kind)
        texts.addWidget(self.title)
        top = QHBoxLayout()
        top.setSpacing(12)
        top.addWidget(self.tile, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(texts, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.description)

    def show_spec(self, spec: NodeSpec) -> None:
        self.tile.spec = spec
        self.tile.update()
        self.kind.setText(spec.category.value.upper())
        self.title.setText(spec.title)
        self.description.setText(spec.description)


class Inspector(QWidget):
    def __init__(self, document: InspectorDocument, parent=None):
        super().__init__(parent)
        self.setObjectName("inspector")
        self.document = document
        self.journey = document.journey
        self.node_id: str | None = None
        self._forms: dict[str, ModelForm] = {}
        self._experiments: dict[str, dict] = {}

        self.header = _Header()
        self.name = QLineEdit()
        self.name.textEdited.connect(self._title_edited)
        self.problems = QLabel(objectName="inspectorProblems")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.RichText)
        self.forms = QWidget()
        self._forms_layout = QVBoxLayout(self.forms)
        self._forms_layout.setContentsMargins(0, 0, 0, 0)
        node_page = QWidget()
        node_layout = QVBoxLayout(node_page)
        node_layout.setContentsMargins(0, 0, 0, 0)
        node_layout.setSpacing(16)
        node_layout.addWidget(self.header)
        name_label = QLabel("Name on the canvas", objectName="fieldLabel")
        name_box = QVBoxLayout()
        name_box.setSpacing(5)
        name_box.addWidget(name_label)
        name_box.addWidget(self.name)
        node_layout.addLayout(name_box)
        node_layout.addWidget(self.problems)
        self.results = ExperimentResults(compact=True)
        node_layout.addWidget(self.results)
        node_layout.addWidget(_divider())
        node_layout.addWidget(self.forms)
        node_layout.addStretch(1)

        self.settings = settings_form(self.document.set_settings)
        settings_page = QWidget()
        settings_layout = QVBoxLayout(settings_page)
        settings_layout.setContentsMargins(0, 0, 0, 0)
        settings_layout.setSpacing(16)
        self.journey_title = QLineEdit(objectName="journeyName")
        self.journey_title.setPlaceholderText("Name this journey")
        self.journey_title.setToolTip("The journey's name, as the Journeys page lists it")
        self.journey_title.textEdited.connect(self._name_edited)
        self.name_problem = QLabel(objectName="fieldError", wordWrap=True)
        self.name_problem.hide()
        hint = QLabel("Journey settings apply to every step. Select a step to edit it.",
                      objectName="muted")
        hint.setWordWrap(True)
        kind = QLabel("JOURNEY", objectName="inspectorKind")
        settings_layout.addWidget(kind)
        name_box = QVBoxLayout()
        name_box.setSpacing(5)
        name_box.addWidget(QLabel("Name", objectName="fieldLabel"))
        name_box.addWidget(self.journey_title)
        name_box.addWidget(self.name_problem)
        settings_layout.addLayout(name_box)
        settings_layout.addWidget(hint)
        settings_layout.addWidget(_divider())
        settings_layout.addWidget(self.settings)
        settings_layout.addStretch(1)

        self.many = QLabel(objectName="muted")
        self.many.setWordWrap(True)
        self.many.setAlignment(Qt.AlignmentFlag.AlignTop)

        self.settings_page, self.node_page = settings_page, node_page
        self._pages = (settings_page, node_page, self.many)
        body = QWidget(objectName="inspectorBody")
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(20, 18, 20, 24)
        for page in self._pages:  # one shown at a time; hidden pages take no room
            body_layout.addWidget(page)
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        bridge = document.bridge
        bridge.config_changed.connect(self._config_changed)
        bridge.title_changed.connect(self._title_changed)
        bridge.node_removed.connect(self._node_removed)
        bridge.templates_changed.connect(self._templates_changed)
        bridge.settings_changed.connect(self._show_settings_values)
        bridge.renamed.connect(self._show_settings_values)
        bridge.reset.connect(self._reset)
        document.problems_changed.connect(self._problems_changed)
        self.show_nodes([])

    # ---- what is shown -------------------------------------------------------------------

    def show_nodes(self, node_ids: list[str]) -> None:
        if len(node_ids) == 1 and self.journey.has_node(node_ids[0]):
            self._show_node(node_ids[0])
        elif node_ids:
            self.node_id = None
            self.many.setText(
                f"<b>{len(node_ids)} steps selected</b><br><br>Drag one of them to move them "
                "together, press Delete to remove them, or Ctrl+D to duplicate them."
            )
            self._show_page(self.many)
        else:
            self.node_id = None
            self._show_settings_values()
            self._show_page(self.settings_page)

    def current_page(self) -> QWidget:
        return next(page for page in self._pages if not page.isHidden())

    def _show_page(self, wanted: QWidget) -> None:
        for page in self._pages:
            page.setVisible(page is wanted)

    def form_for(self, type_id: str) -> ModelForm:
        form = self._forms.get(type_id)
        if form is None:
            spec = self.journey.registry.get(type_id)
            # a step that uses an email picks it from the journey's emails
            templates = self.journey.templates if spec.email is not None else None
            form = ModelForm(
                spec.config_model,
                lambda data, key: self.document.set_node_config(self.node_id, data, key),
                templates=templates,
                template_field=spec.email.template_field if spec.email else "template",
            )
            self._forms[type_id] = form
            form.hide()
            self._forms_layout.addWidget(form)
        return form

    @property
    def form(self) -> ModelForm | None:
        return self.form_for(self.journey.node(self.node_id)["type"]) if self.node_id else None

    def _show_node(self, node_id: str) -> None:
        self.node_id = node_id
        spec = self.journey.spec(node_id)
        self.header.show_spec(spec)
        self.name.setPlaceholderText(spec.title)
        self.name.setText(self.journey.node(node_id)["title"])
        form = self.form_for(spec.type_id)
        form.set_data(self.journey.config(node_id).model_dump(mode="json"))
        # forms of other types are hidden, so they take no room
        for other in self._forms.values():
            other.setVisible(other is form)
        self._problems_changed(self.document.problems())
        self.results.set_experiment(self._experiments.get(node_id))
        self._show_page(self.node_page)

    def set_experiments(self, experiments: dict[str, dict]) -> None:
        self._experiments = dict(experiments)
        if self.node_id is not None:
            self.results.set_experiment(self._experiments.get(self.node_id))

    def _show_settings_values(self) -> None:
        if self.journey_title.text().strip() != self.journey.name:
            self.journey_title.setText(self.journey.name)
            self.name_problem.hide()
        self.settings.set_data(self.journey.settings.model_dump(mode="json"))

    # ---- following the journey ----------------------------------------------------------

    def _config_changed(self, node_id: str) -> None:
        if node_id == self.node_id:
            self.form.set_data(self.journey.config(node_id).model_dump(mode="json"))

    def _title_changed(self, node_id: str) -> None:
        if node_id == self.node_id and self.name.text() != self.journey.node(node_id)["title"]:
            self.name.setText(self.journey.node(node_id)["title"])

    def _node_removed(self, node_id: str) -> None:
        if node_id == self.node_id:
            self.show_nodes([])

    def _templates_changed(self) -> None:
        for type_id, form in self._forms.items():
            email = self.journey.registry.get(type_id).email
            if email is not None:
                form.editor(email.template_field).set_templates(self.journey.templates)

    def _reset(self) -> None:
        self.show_nodes([])

    def _name_edited(self, text: str) -> None:
        reason = self.document.rename(text, merge_key="name")
        self.name_problem.setText(reason[:1].upper() + reason[1:])
        self.name_problem.setVisible(bool(reason))

    def _title_edited(self, text: str) -> None:
        if self.node_id:
            self.document.set_node_title(self.node_id, text)

    def _problems_changed(self, problems: list) -> None:
        mine = [p for p in problems if p.node_id == self.node_id] if self.node_id else []
        style = canvas_style()
        lines = []
        for problem in mine:
            color = (style.error if problem.severity == "error" else style.warning).name()
            lines.append(f"<span style='color:{color}'>●</span>&nbsp;{problem.message}")
        self.problems.setText("<br>".join(lines))
        self.problems.setVisible(bool(lines))


def _divider() -> QFrame:
    line = QFrame(objectName="divider")
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFixedHeight(1)
    return line
