"""Drag-and-drop formats shared by the palette and the canvas.

Contract: a node type dragged out of the palette travels as its type id (UTF-8) under
`NODE_TYPE_MIME`; `node_type_mime(type_id)` builds it, `node_type_from(mime)` reads it
back (None for anything else).
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData

NODE_TYPE_MIME = "application/x-trellis-node-type"


def node_type_mime(type_id: str) -> QMimeData:
    mime = QMimeData()
    mime.setData(NODE_TYPE_MIME, type_id.encode("utf-8"))
    return mime


def node_type_from(mime: QMimeData | None) -> str | None:
    if mime is None or not mime.hasFormat(NODE_TYPE_MIME):
        return None
    return bytes(mime.data(NODE_TYPE_MIME)).decode("utf-8") or None
