"""`JourneyDocument`: one journey being edited — the journey, its undo stack, its file,
whether it is saved, and what is wrong with it.

Contract:
- `JourneyDocument(journey=None, path=None)` wraps an `engine.journey.model.Journey` (a blank
  one by default) with a `QUndoStack` (`undo_stack`), a `JourneyBridge` (`bridge`, the
  journey's events as Qt signals) and the file it was read from or saved to (`path`).
- Intent slots are the only way the app edits the journey (DESIGN §6): each checks the
  edit, pushes one `QUndoCommand` (app/undo_commands.py) and returns what the caller
  needs (new ids, or "" / an error sentence). The journey then emits its events and the
  bridge turns them into the signals the canvas listens to. A refused edit changes nothing
  and emits `edit_refused(reason)`.
- `dirty` is "the undo stack is not at its clean index"; `dirty_changed(bool)` follows it.
  `save(path)` writes the `.journey.json` atomically and marks the stack clean;
  `load(path)` reads one and replaces the journey only when the file could be read as a
  whole (never half-loaded; an unfinished journey with validation errors does open),
  clears the undo history, and returns the file's problems either way.
- Validation (`engine.journey.validation.validate_journey` with the email linter) re-runs ~150 ms
  after the last change; `problems_changed(list[Problem])` reports a changed result.
  `problems()` and `can_publish()` are always current (they validate at once if a run is
  pending); `current_problems()` is the last result, without forcing a pending run (what
  the canvas shows until `problems_changed`). Lint results are cached per template
  content: linting renders a sample email, so a journey that is opened is checked at once
  without linting emails not linted before, and the full check follows ~150 ms later.
- `set_template(template, merge_key)` and `rename(name, merge_key)` are undoable like every
  other edit (typing in the email editor or the name field merges per field).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from pydantic import BaseModel, ValidationError
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from app import clipboard
from app.journey_bridge import JourneyBridge
from app.undo_commands import (
    ConnectCommand,
    EditCommand,
    InsertNodesCommand,
    InsertOnLinkCommand,
    MoveNodesCommand,
    PutBack,
    RemoveCommand,
    SetValueCommand,
)
from engine.journey.data import EmailTemplate, JourneyData, JourneySettings, NodeData
from engine.errors import UnknownNodeType, validation_words
from engine.journey.model import Journey
from engine.journey.file_format import FileProblem, read_journey_file, write_journey_file
from engine.messaging.lint import lint_template
from engine.journey.validation import Problem, TemplateLinter, has_errors, validate_journey
from engine.words import plural

VALIDATE_DELAY_MS = 150
#: how far a pasted or duplicated copy lands from its original (and from earlier copies)
PASTE_OFFSET = (40.0, 40.0)

Edge = tuple[str, str, str]


class JourneyDocument(QObject):
    dirty_changed = Signal(bool)
    path_changed = Signal(str)
    problems_changed = Signal(list)
    edit_refused = Signal(str)

    def __init__(
        self,
        journey: Journey | None = None,
        path: str | Path | None = None,
        parent: QObject | None = None,
        *,
        linter: TemplateLinter | None = lint_template,
    ):
        super().__init__(parent)
        self.journey = journey if journey is not None else Journey()
        self.path = Path(path) if path else None
        self.undo_stack = QUndoStack(self)
        self.bridge = JourneyBridge(self.journey, self)
        self._linter = linter
        self._lint_cache: dict[str, list[tuple[str, str]]] = {}
        self._problems: list[Problem] = []
        self._timer = QTimer(self, singleShot=True, interval=VALIDATE_DELAY_MS)
        self._timer.timeout.connect(self.validate_now)
        self.bridge.changed.connect(self._timer.start)
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self._validate_soon()

    @classmethod
    def from_file(
        cls,
        path: str | Path,
        parent: QObject | None = None,
        *,
        linter: TemplateLinter | None = lint_template,
    ):
        """(document, problems); the document is None when the file cannot be read as a
        journey (an unfinished journey opens, with its validation problems)."""
        document = cls(parent=parent, linter=linter)
        problems = document.load(path)
        if document.path is None:
            document.close()
            return None, problems
        return document, problems

    def use_linter(self, linter: TemplateLinter | None) -> None:
        """Lint emails with `linter` from now on (the app's: it knows the database's
        custom fields, so a field no contact has is an error here as at publishing)."""
        self._linter = linter
        self._lint_cache.clear()
        self._validate_soon()

    def _clean_changed(self, clean: bool) -> None:
        self.dirty_changed.emit(not clean)

    def close(self) -> None:
        self._timer.stop()
        self.bridge.detach()
        self.deleteLater()

    # ---- state ---------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    def save(self, path: str | Path | None = None) -> Path:
        """Write the journey (OSError when that fails; nothing is marked saved then)."""
        target = Path(path) if path else self.path
        if target is None:
            raise ValueError("this journey has no file yet: choose where to save it")
        write_journey_file(self.journey, target)
        self.undo_stack.setClean()
        self._set_path(target)
        return target

    def load(self, path: str | Path) -> list[FileProblem]:
        # the file's own problems, without its emails' lint: the document's validation
        # right after reports those, once linted
        result = read_journey_file(path)
        if result.journey is None:  # the file itself is broken: nothing is loaded
            return result.problems
        # an unfinished journey (validation errors) still opens: that is what drafts are
        self.journey.load(result.document)
        self.undo_stack.clear()
        self._set_path(Path(path))
        self._validate_soon()
        return result.problems

    def _set_path(self, path: Path) -> None:
        if path != self.path:
            self.path = path
            self.path_changed.emit(str(path))

    # ---- problems ------------------------------------------------------------------------

    def _lint(self, template: EmailTemplate) -> list[tuple[str, str]]:
        key = template.model_dump_json()
        if key not in self._lint_cache:
            try:
                found = list(self._linter(template)) if self._linter else []
            except Exception as exc:  # never "No problems" for an email that was not checked
                found = [("error", f"This email could not be checked ({type(exc).__name__})")]
            self._lint_cache[key] = found
        return self._lint_cache[key]

    def validate_now(self) -> list[Problem]:
        self._timer.stop()
        return self._validate(self._lint)

    def _validate(self, linter: TemplateLinter) -> list[Problem]:
        problems = validate_journey(self.journey, linter)
        if problems != self._problems:
            self._problems = problems
            self.problems_changed.emit(list(problems))
        return problems

    def _validate_soon(self) -> None:
        """Check the journey at once with the lint results known; emails never linted
        before are linted by the full run the timer starts (opening stays quick)."""
        missing = []

        def known_lint(template: EmailTemplate) -> list[tuple[str, str]]:
            if self._linter is None:
                return []
            found = self._lint_cache.get(template.model_dump_json())
            if found is None:
                missing.append(template.key)
                return []
            return found

        self._timer.stop()
        self._validate(known_lint)
        if missing:
            self._timer.start()

    def problems(self) -> list[Problem]:
        if self._timer.isActive():
            self.validate_now()
        return list(self._problems)

    def current_problems(self) -> list[Problem]:
        return list(self._problems)

    def can_publish(self) -> bool:
        """True when no validation error is left (warnings do not block)."""
        return not has_errors(self.problems())

    # ---- intents -------------------------------------------------------------------------

    def _push(self, command: QUndoCommand) -> bool:
        self.undo_stack.push(command)
        if isinstance(command, EditCommand) and command.error:
            self.edit_refused.emit(command.error)
            return False
        return True

    def _refuse(self, reason: str) -> str:
        self.edit_refused.emit(reason)
        return reason

    def _label(self, node_id: str) -> str:
        return self.journey.node(node_id)["title"] or self.journey.spec(node_id).title

    def add_node(
        self,
        type_id: str,
        pos: tuple[float, float],
        connect_from: tuple[str, str] | None = None,
    ) -> str | None:
        """Add a step of `type_id` at `pos` (its top-left corner); with `connect_from`
        = (source, port), also connect that port to it, in the same undo step."""
        try:
            spec = self.journey.registry.get(type_id)
        except UnknownNodeType as exc:
            self._refuse(str(exc))
            return None
        node = NodeData(
            id=self.journey.new_node_id(),
            type=spec.type_id,
            type_version=spec.version,
            pos=(float(pos[0]), float(pos[1])),
            config=spec.default_config().model_dump(mode="json"),
        )
        edges: list[Edge] = []
        if connect_from is not None:
            source, port = connect_from
            if not spec.has_input:
                self._refuse("a trigger starts the journey; nothing can lead into it")
                return None
            edges.append((source, port, node.id))
        command = InsertNodesCommand(self.journey, f"Add {spec.title}", [node], edges)
        return node.id if self._push(command) else None

    def insert_on_link(
        self,
        type_id: str,
        link: Edge,
        pos: tuple[float, float],
        moves: Mapping[str, tuple[float, float]] = {},
    ) -> str | None:
        """Put a new step of `type_id` at `pos` into the link (source, port, target): the
        link now runs through it (its first output leads on to the old target), and the
        steps in `moves` go to their new places; one undo step. The id, or None when the
        journey refuses (the reason goes to `edit_refused`)."""
        try:
            spec = self.journey.registry.get(type_id)
        except UnknownNodeType as exc:
            self._refuse(str(exc))
            return None
        source, port, target = link
        if self.journey.target(source, port) != target:
            self._refuse("that link is gone; nothing was added")
            return None
        if not spec.has_input:
            self._refuse("a trigger starts the journey; it cannot go between two steps")
            return None
        config = spec.default_config()
        outputs = spec.outputs(config)
        if not outputs:
            self._refuse(f"“{spec.title}” ends the journey, so nothing can come after it: "
                         "add it at the end of a path instead")
            return None
        node = NodeData(id=self.journey.new_node_id(), type=spec.type_id,
                        type_version=spec.version, pos=(float(pos[0]), float(pos[1])),
                        config=config.model_dump(mode="json"))
        before = {n: self.journey.node(n)["pos"] for n in moves if self.journey.has_node(n)}
        after = {n: (float(x), float(y)) for n, (x, y) in moves.items() if n in before}
        command = InsertOnLinkCommand(self.journey, f"Insert {spec.title}", node, link,
                                      outputs[0].key, before, after)
        return node.id if self._push(command) else None

    def delete(self, node_ids: Iterable[str], edges: Iterable[Edge] = (), text: str = "") -> None:
        node_ids = [n for n in dict.fromkeys(node_ids) if self.journey.has_node(n)]
        existing = set(self.journey.edges())
        edges = [e for e in dict.fromkeys(edges) if tuple(e) in existing]
        if not node_ids and not edges:
            return
        if not text and len(node_ids) == 1 and not edges:
            text = f"Delete '{self._label(node_ids[0])}'"
        elif not text:
            text = (
                f"Delete {plural(len(node_ids), 'step')}" if node_ids
                else f"Remove {plural(len(edges), 'link')}"
            )
        self._push(RemoveCommand(self.journey, text, node_ids, edges))

    def connect_ports(self, source: str, port: str, target: str) -> bool:
        verdict = self.journey.can_connect(source, port, target)
        if not verdict:
            self._refuse(verdict.reason)
            return False
        text = f"Connect '{self._label(source)}' to '{self._label(target)}'"
        return self._push(ConnectCommand(self.journey, text, (source, port, target)))

    def disconnect_port(self, source: str, port: str) -> None:
        target = self.journey.target(source, port)
        if target is not None:
            self.delete((), [(source, port, target)])

    def move_nodes(self, positions: Mapping[str, tuple[float, float]], text: str = "") -> None:
        """Move nodes to `positions` as one undo step (a finished drag, a tidy layout)."""
        before, after = {}, {}
        for node_id, (x, y) in positions.items():
            if not self.journey.has_node(node_id):
                continue
            old = self.journey.node(node_id)["pos"]
            if old != (float(x), float(y)):
                before[node_id], after[node_id] = old, (float(x), float(y))
        if after:
            text = text or (
                f"Move '{self._label(next(iter(after)))}'" if len(after) == 1
                else f"Move {plural(len(after), 'step')}"
            )
            self._push(MoveNodesCommand(self.journey, text, before, after))

    def set_node_config(
        self, node_id: str, config: Mapping[str, Any] | BaseModel, merge_key: object = None
    ) -> str:
        """Replace a step's settings; "" when done (or nothing changed), else the reason
        it was refused. Edits with the same `merge_key` merge into one undo step."""
        if not self.journey.has_node(node_id):
            return self._refuse(f"there is no step {node_id!r} in this journey")
        spec = self.journey.spec(node_id)
        try:
            parsed = spec.parse_config(config)
        except ValidationError as exc:
            return validation_words(exc, places=False)
        before = self.journey.config(node_id).model_dump(mode="json")
        after = parsed.model_dump(mode="json")
        if after == before:
            return ""
        command = SetValueCommand(f"Edit '{self._label(node_id)}'", ("config", node_id),
                                  self._config_writer(node_id), before, after, merge_key)
        return "" if self._push(command) else command.error

    def _config_writer(self, node_id: str) -> Callable[[Mapping[str, Any]], PutBack]:
        def write(config: Mapping[str, Any]) -> PutBack:
            # settings with fewer ports drop those ports' links: undo links them again
            dropped = self.journey.set_config(node_id, config)
            return [partial(self.journey.connect, *edge) for edge in dropped]
        return write

    def set_node_title(self, node_id: str, title: str) -> str:
        if not self.journey.has_node(node_id):
            return self._refuse(f"there is no step {node_id!r} in this journey")
        before = self.journey.node(node_id)["title"]
        if title == before:
            return ""
        if len(title) > 120:
            return "a step title has at most 120 characters"
        # renames of one step in a row (typing in its title field) are one undo step
        command = SetValueCommand("Rename step", ("title", node_id),
                                  partial(self.journey.set_title, node_id), before, title,
                                  merge_key="title")
        return "" if self._push(command) else command.error

    def set_settings(
        self, settings: JourneySettings | Mapping[str, Any], merge_key: object = None
    ) -> str:
        try:
            after = JourneySettings.model_validate(
                settings.model_dump() if isinstance(settings, BaseModel) else settings
            )
        except ValidationError as exc:
            return validation_words(exc, places=False)
        before = self.journey.settings
        if after == before:
            return ""
        command = SetValueCommand("Edit journey settings", "settings",
                                  self.journey.set_settings, before, after, merge_key)
        return "" if self._push(command) else command.error

    def set_template(
        self, template: EmailTemplate | Mapping[str, Any], merge_key: object = None
    ) -> str:
        """Add or replace one of the journey's emails (by its key); "" when done (or nothing
        changed), else the reason it was refused. Edits of one email with the same
        `merge_key` (e.g. the field being typed in) merge into one undo step."""
        try:
            after = EmailTemplate.model_validate(
                template.model_dump() if isinstance(template, BaseModel) else template
            )
        except ValidationError as exc:
            return validation_words(exc, places=False)
        before = self.journey.templates.get(after.key)
        if after == before:
            return ""
        text = f"Add email '{after.name}'" if before is None else f"Edit email '{after.name}'"
        command = SetValueCommand(text, ("template", after.key), self._template_writer(after.key),
                                  before, after, merge_key)
        return "" if self._push(command) else command.error

    def rename(self, name: str, merge_key: object = None) -> str:
        """Rename the journey; "" when done (or unchanged), else the reason it was refused.
        Renames with the same `merge_key` (typing in the name field) are one undo step."""
        name = name.strip()
        if not name:
            return "the journey needs a name"
        if len(name) > 200:
            return "a journey name has at most 200 characters"
        before = self.journey.name
        if name == before:
            return ""
        command = SetValueCommand("Rename journey", "name", self.journey.rename, before, name,
                                  merge_key)
        return "" if self._push(command) else command.error

    def _template_writer(self, key: str) -> Callable[[EmailTemplate | None], None]:
        def write(template: EmailTemplate | None) -> None:
            # `None`: there was no email `key` before it was added
            if template is None:
                self.journey.remove_template(key)
            else:
                self.journey.set_template(template)
        return write

    # ---- clipboard -----------------------------------------------------------------------

    def copy(self, node_ids: Sequence[str]) -> bool:
        fragment = self.journey.copy_nodes(node_ids)
        if not fragment.nodes:
            return False
        clipboard.put_fragment(fragment)
        return True

    def cut(self, node_ids: Sequence[str]) -> None:
        if self.copy(node_ids):
            self.delete(node_ids, text=f"Cut {plural(len(node_ids), 'step')}")

    def paste(self, at: tuple[float, float] | None = None) -> list[str]:
        """Paste the clipboard's steps with fresh ids: their top-left corner at `at`, or
        next to where they were copied from. Returns the new ids ([] if nothing to paste)."""
        fragment = clipboard.take_fragment()
        return self._insert_fragment(fragment, at, "Paste") if fragment else []

    def duplicate(self, node_ids: Sequence[str]) -> list[str]:
        fragment = self.journey.copy_nodes(node_ids)
        return self._insert_fragment(fragment, None, "Duplicate") if fragment.nodes else []

    def _insert_fragment(
        self, fragment: JourneyData, at: tuple[float, float] | None, verb: str
    ) -> list[str]:
        left = min(node.pos[0] for node in fragment.nodes)
        top = min(node.pos[1] for node in fragment.nodes)
        if at is None:
            dx, dy = PASTE_OFFSET
            taken = {self.journey.node(n)["pos"] for n in self.journey.node_ids()}
            # paste after paste cascades instead of piling copies on one spot
            while (left + dx, top + dy) in taken:
                dx, dy = dx + PASTE_OFFSET[0], dy + PASTE_OFFSET[1]
        else:
            dx, dy = at[0] - left, at[1] - top
        fresh = clipboard.reidentify(fragment, self.journey, (dx, dy))
        bad = [n.type for n in fresh.nodes if n.type not in self.journey.registry]
        if bad:
            self._refuse(f"these steps use a type this Trellis does not know: {bad[0]}")
            return []
        command = InsertNodesCommand(
            self.journey,
            f"{verb} {plural(len(fresh.nodes), 'step')}",
            fresh.nodes,
            [(e.source, e.port, e.target) for e in fresh.edges],
            fresh.templates,
        )
        return command.node_ids if self._push(command) else []

