"""Copying steps between journeys: the system clipboard and re-identified fragments.

Contract:
- A fragment is an `engine.journey.data.JourneyData` as made by `Journey.copy_nodes`: the
  chosen nodes, the edges among them and the email templates they use.
- `put_fragment(fragment)` puts it on the system clipboard as JSON under `MIME_TYPE` (and
  as plain text, so it can be pasted into a chat or a file); `take_fragment()` reads it
  back from our MIME type, or from plain text holding the same JSON, else returns None.
  Anything that does not parse is simply "nothing to paste", never an exception.
- `reidentify(fragment, journey, offset)` gives the fragment fresh node ids that are free
  in `journey` (pasting twice never collides), moves it by `offset`, and rewrites its
  edges to the new ids; templates keep their keys (an existing key keeps the journey's own
  email). Works across documents: the clipboard holds data, not references.
"""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication

from engine.files import strict_json
from engine.journey.data import JourneyData, NodeData
from engine.journey.model import Journey
from engine.journey.file_format import dump_document

MIME_TYPE = "application/x-trellis-steps+json"


def put_fragment(fragment: JourneyData) -> None:
    text = dump_document(fragment)
    mime = QMimeData()
    mime.setData(MIME_TYPE, text.encode("utf-8"))
    mime.setText(text)
    QGuiApplication.clipboard().setMimeData(mime)


def fragment_from_mime(mime: QMimeData | None) -> JourneyData | None:
    if mime is None:
        return None
    if mime.hasFormat(MIME_TYPE):
        raw = bytes(mime.data(MIME_TYPE)).decode("utf-8", "replace")
    elif mime.hasText() and mime.text().lstrip().startswith("{"):
        raw = mime.text()
    else:
        return None
    try:
        # strict: pasted text may be anything (100,000 "[" must not crash the app)
        fragment = JourneyData.model_validate(strict_json.loads(raw))
    except (strict_json.JsonProblem, ValidationError):
        return None
    return fragment if fragment.nodes else None


def take_fragment() -> JourneyData | None:
    return fragment_from_mime(QGuiApplication.clipboard().mimeData())


def reidentify(
    fragment: JourneyData, journey: Journey, offset: tuple[float, float]
) -> JourneyData:
    """The fragment with node ids that are free in `journey`, moved by `offset`."""
    new_ids = {node.id: journey.new_node_id() for node in fragment.nodes}
    dx, dy = offset
    nodes = [
        NodeData(
            id=new_ids[node.id],
            type=node.type,
            type_version=node.type_version,
            title=node.title,
            pos=(node.pos[0] + dx, node.pos[1] + dy),
            config=node.config,
        )
        for node in fragment.nodes
    ]
    edges = [
        edge.model_copy(update={"source": new_ids[edge.source], "target": new_ids[edge.target]})
        for edge in fragment.edges
        if edge.source in new_ids and edge.target in new_ids
    ]
    return fragment.model_copy(update={"nodes": nodes, "edges": edges})
