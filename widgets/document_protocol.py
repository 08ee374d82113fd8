"""What the journey editor's widgets need from the journey open in the editor, declared.

Contract:
- Widgets never import the app layer, yet the canvas (`widgets.canvas.editor_widget.
  JourneyEditor`, `widgets.canvas.scene.JourneyScene`) and the inspector
  (`widgets.inspector.inspector.Inspector`) work on the app's
  `app.journey_document.JourneyDocument` and its `app.journey_bridge.JourneyBridge`.
  These `typing.Protocol`s are the part of them those widgets use, and nothing more:
  - `JourneyFacts`: the bridge's signals (the journey's events as Qt signals, DESIGN §8).
    Each is annotated `Annotated[SignalInstance, Carries(types...)]`: what it carries.
  - `InspectorDocument`: what the inspector reads (`journey`, `bridge`, `problems()`,
    `problems_changed`) and the intents it calls (`set_node_config`, `set_node_title`,
    `set_settings`, `rename`: each returns "" or the reason the edit was refused).
  - `EditorDocument`: the inspector's, plus what the canvas uses: `undo_stack`,
    `current_problems()`, `edit_refused`, and the canvas's intents (add, insert, connect,
    delete, move, copy, cut, paste, duplicate).
- The app's classes must satisfy them with the same signatures:
  tests/widgets/test_document_protocol.py checks every member structurally (names,
  parameters, defaults, annotations, what each signal carries), so a change on either
  side that the other does not follow fails there, not at a click.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Iterable, Mapping, Protocol, Sequence, runtime_checkable

from pydantic import BaseModel
from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QUndoStack

from engine.journey.data import JourneySettings
from engine.journey.model import Journey
from engine.journey.validation import Problem

Edge = tuple[str, str, str]  # (source step, its port, target step)


@dataclass(frozen=True, init=False)
class Carries:
    """The argument types a signal carries (Python types, as given to `Signal(...)`)."""

    types: tuple[type, ...]

    def __init__(self, *types: type):
        object.__setattr__(self, "types", types)


@runtime_checkable
class JourneyFacts(Protocol):
    """The journey's events, re-emitted as Qt signals (app/journey_bridge.py)."""

    node_added: Annotated[SignalInstance, Carries(str)]
    node_removed: Annotated[SignalInstance, Carries(str)]
    edge_added: Annotated[SignalInstance, Carries(str, str, str)]
    edge_removed: Annotated[SignalInstance, Carries(str, str, str)]
    config_changed: Annotated[SignalInstance, Carries(str)]
    title_changed: Annotated[SignalInstance, Carries(str)]
    nodes_moved: Annotated[SignalInstance, Carries(dict)]  # {step id: (x, y)}
    settings_changed: Annotated[SignalInstance, Carries()]
    templates_changed: Annotated[SignalInstance, Carries()]
    renamed: Annotated[SignalInstance, Carries()]
    reset: Annotated[SignalInstance, Carries()]


@runtime_checkable
class InspectorDocument(Protocol):
    """The journey document as the inspector uses it."""

    journey: Journey
    bridge: JourneyFacts
    problems_changed: Annotated[SignalInstance, Carries(list)]  # list[Problem]

    def problems(self) -> list[Problem]: ...

    def set_node_config(
        self, node_id: str, config: Mapping[str, Any] | BaseModel, merge_key: object = None
    ) -> str: ...

    def set_node_title(self, node_id: str, title: str) -> str: ...

    def set_settings(
        self, settings: JourneySettings | Mapping[str, Any], merge_key: object = None
    ) -> str: ...

    def rename(self, name: str, merge_key: object = None) -> str: ...


@runtime_checkable
class EditorDocument(InspectorDocument, Protocol):
    """The journey document as the whole editor (canvas, inspector, problems) uses it."""

    undo_stack: QUndoStack
    edit_refused: Annotated[SignalInstance, Carries(str)]  # the reason, in words

    def current_problems(self) -> list[Problem]: ...

    def add_node(
        self,
        type_id: str,
        pos: tuple[float, float],
        connect_from: tuple[str, str] | None = None,
    ) -> str | None: ...

    def insert_on_link(
        self,
        type_id: str,
        link: Edge,
        pos: tuple[float, float],
        moves: Mapping[str, tuple[float, float]] = ...,
    ) -> str | None: ...

    def delete(self, node_ids: Iterable[str], edges: Iterable[Edge] = (),
               text: str = "") -> None: ...

    def connect_ports(self, source: str, port: str, target: str) -> bool: ...

    def move_nodes(self, positions: Mapping[str, tuple[float, float]],
                   text: str = "") -> None: ...

    def copy(self, node_ids: Sequence[str]) -> bool: ...

    def cut(self, node_ids: Sequence[str]) -> None: ...

    def paste(self, at: tuple[float, float] | None = None) -> list[str]: ...

    def duplicate(self, node_ids: Sequence[str]) -> list[str]: ...
