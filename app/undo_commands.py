"""The undoable edits of a journey: one `QUndoCommand` per kind of change.

Contract:
- Every command changes the journey only through its edit methods (DESIGN §6), so undo
  and redo produce the same events, and the same scene updates, as the first edit did.
- A command is built with everything its redo and undo need (ids, old and new values),
  so redo after undo re-creates exactly the same nodes, ids and edges.
- `redo()` that is refused by the journey (`JourneyEditError`) marks the command obsolete,
  so `QUndoStack.push` drops it instead of recording an edit that did not happen; the
  document checks edits before pushing, this is the belt to those braces.
- Field edits merge (`mergeWith`) while they carry the same `merge_key`: typing in one
  inspector field is one undo step. A merge that ends where it began is obsolete and
  disappears from the stack.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from PySide6.QtGui import QUndoCommand

from engine.journey.data import EmailTemplate, JourneySettings, NodeData
from engine.errors import JourneyEditError
from engine.journey.model import Journey, RemovedNode

Edge = tuple[str, str, str]
Position = tuple[float, float]

CONFIG_MERGE_ID = 1001
TITLE_MERGE_ID = 1002
SETTINGS_MERGE_ID = 1003
TEMPLATE_MERGE_ID = 1004
RENAME_MERGE_ID = 1005


def _mergeable(other: QUndoCommand, kind: type) -> bool:
    # QUndoStack offers a refused (obsolete) command for merging too; its values never
    # reached the journey, so it must not be merged
    return isinstance(other, kind) and not other.isObsolete()


class JourneyCommand(QUndoCommand):
    """Base: runs `_redo`/`_undo`, turning a refused first redo into an obsolete command."""

    def __init__(self, journey: Journey, text: str):
        super().__init__(text)
        self.journey = journey
        self.error = ""

    def redo(self) -> None:
        try:
            self._redo()
        except JourneyEditError as exc:
            self.error = str(exc)
            self.setObsolete(True)

    def undo(self) -> None:
        self._undo()

    def _redo(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


class InsertNodesCommand(JourneyCommand):
    """Adds nodes, the edges among them (and an optional edge into the first one from an
    existing port), and the email templates they use that the journey lacks."""

    def __init__(
        self,
        journey: Journey,
        text: str,
        nodes: Sequence[NodeData],
        edges: Sequence[Edge] = (),
        templates: Sequence[EmailTemplate] = (),
    ):
        super().__init__(journey, text)
        self.nodes = list(nodes)
        self.edges = list(edges)
        self.templates = [t for t in templates if t.key not in journey.templates]

    @property
    def node_ids(self) -> list[str]:
        return [node.id for node in self.nodes]

    def _redo(self) -> None:
        for template in self.templates:
            self.journey.set_template(template)
        done: list[str] = []
        try:
            for node in self.nodes:
                self.journey.add_node(
                    node.type, node_id=node.id, title=node.title, pos=node.pos, config=node.config
                )
                done.append(node.id)
            for source, port, target in self.edges:
                self.journey.connect(source, port, target)
        except JourneyEditError:
            # all or nothing: take back the part that went in before the refusal
            for node_id in reversed(done):
                self.journey.remove_node(node_id)
            for template in self.templates:
                self.journey.remove_template(template.key)
            raise

    def _undo(self) -> None:
        for node_id in reversed(self.node_ids):
            self.journey.remove_node(node_id)  # takes its edges with it
        for template in self.templates:
            self.journey.remove_template(template.key)


class InsertOnLinkCommand(JourneyCommand):
    """Puts a new node into the link `source --port--> target`: source's port leads to the
    new node, its `out_port` to the old target; the steps after it move out of its way
    (`before`/`after` positions). One undo step, all or nothing."""

    def __init__(self, journey: Journey, text: str, node: NodeData, link: Edge, out_port: str,
                 before: Mapping[str, Position], after: Mapping[str, Position]):
        super().__init__(journey, text)
        self.node, self.link, self.out_port = node, link, out_port
        self.before, self.after = dict(before), dict(after)

    @property
    def node_ids(self) -> list[str]:
        return [self.node.id]

    def _redo(self) -> None:
        source, port, target = self.link
        node = self.node
        steps = []  # what went in, to take back on a refusal
        try:
            self.journey.set_positions(self.after)
            steps.append("moved")
            self.journey.disconnect(source, port)
            steps.append("unlinked")
            self.journey.add_node(node.type, node_id=node.id, title=node.title, pos=node.pos,
                                  config=node.config)
            steps.append("added")
            self.journey.connect(source, port, node.id)
            self.journey.connect(node.id, self.out_port, target)
        except JourneyEditError:
            if "added" in steps:
                self.journey.remove_node(node.id)
            if "unlinked" in steps:
                self.journey.connect(source, port, target)
            if "moved" in steps:
                self.journey.set_positions(self.before)
            raise

    def _undo(self) -> None:
        source, port, target = self.link
        self.journey.remove_node(self.node.id)  # takes its two links with it
        self.journey.connect(source, port, target)
        self.journey.set_positions(self.before)


class RemoveCommand(JourneyCommand):
    """Removes edges and nodes (with every edge touching them) as one step."""

    def __init__(self, journey: Journey, text: str, node_ids: Sequence[str], edges: Sequence[Edge]):
        super().__init__(journey, text)
        self.node_ids = list(node_ids)
        self.edges = [e for e in edges if e[0] not in node_ids and e[2] not in node_ids]
        self._removed: list[RemovedNode] = []

    def _redo(self) -> None:
        for source, port, _target in self.edges:
            self.journey.disconnect(source, port)
        self._removed = [self.journey.remove_node(node_id) for node_id in self.node_ids]

    def _undo(self) -> None:
        # reverse order: a node's edges to nodes removed after it come back with the later
        # node, which is restored first
        for removed in reversed(self._removed):
            self.journey.restore_node(removed)
        for source, port, target in reversed(self.edges):
            self.journey.connect(source, port, target)


class ConnectCommand(JourneyCommand):
    def __init__(self, journey: Journey, text: str, edge: Edge):
        super().__init__(journey, text)
        self.edge = edge

    def _redo(self) -> None:
        self.journey.connect(*self.edge)

    def _undo(self) -> None:
        self.journey.disconnect(self.edge[0], self.edge[1])


class MoveNodesCommand(JourneyCommand):
    """Moves nodes from `before` to `after` (a drag, a nudge, a tidy layout): one step."""

    def __init__(
        self,
        journey: Journey,
        text: str,
        before: Mapping[str, Position],
        after: Mapping[str, Position],
    ):
        super().__init__(journey, text)
        self.before = dict(before)
        self.after = dict(after)

    def _redo(self) -> None:
        self.journey.set_positions(self.after)

    def _undo(self) -> None:
        self.journey.set_positions(self.before)


class SetConfigCommand(JourneyCommand):
    """Replaces a node's config; re-creates on undo the edges of ports it removed."""

    def __init__(
        self,
        journey: Journey,
        text: str,
        node_id: str,
        before: Mapping[str, Any],
        after: Mapping[str, Any],
        merge_key: object = None,
    ):
        super().__init__(journey, text)
        self.node_id = node_id
        self.before = before
        self.after = after
        self.merge_key = merge_key
        self._dropped: list[Edge] = []

    def id(self) -> int:
        return CONFIG_MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not _mergeable(other, SetConfigCommand) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        # edges `other` dropped existed after this command ran: undo must bring them back too
        self._dropped += other._dropped
        self.setObsolete(self.after == self.before and not self._dropped)
        return True

    def _redo(self) -> None:
        self._dropped = self.journey.set_config(self.node_id, self.after)

    def _undo(self) -> None:
        self.journey.set_config(self.node_id, self.before)
        for edge in self._dropped:
            self.journey.connect(*edge)


class SetTitleCommand(JourneyCommand):
    def __init__(self, journey: Journey, text: str, node_id: str, before: str, after: str):
        super().__init__(journey, text)
        self.node_id, self.before, self.after = node_id, before, after

    def id(self) -> int:
        return TITLE_MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not _mergeable(other, SetTitleCommand) or other.node_id != self.node_id:
            return False
        self.after = other.after
        self.setObsolete(self.after == self.before)
        return True

    def _redo(self) -> None:
        self.journey.set_title(self.node_id, self.after)

    def _undo(self) -> None:
        self.journey.set_title(self.node_id, self.before)


class SetSettingsCommand(JourneyCommand):
    def __init__(
        self,
        journey: Journey,
        text: str,
        before: JourneySettings,
        after: JourneySettings,
        merge_key: object = None,
    ):
        super().__init__(journey, text)
        self.before, self.after, self.merge_key = before, after, merge_key

    def id(self) -> int:
        return SETTINGS_MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not _mergeable(other, SetSettingsCommand) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        self.setObsolete(self.after == self.before)
        return True

    def _redo(self) -> None:
        self.journey.set_settings(self.after)

    def _undo(self) -> None:
        self.journey.set_settings(self.before)


class SetTemplateCommand(JourneyCommand):
    """Adds, replaces or (with `after` None) removes the email template `key`; undo puts
    back what was there (`before` None: there was none)."""

    def __init__(
        self,
        journey: Journey,
        text: str,
        key: str,
        before: EmailTemplate | None,
        after: EmailTemplate | None,
        merge_key: object = None,
    ):
        super().__init__(journey, text)
        self.key, self.before, self.after, self.merge_key = key, before, after, merge_key

    def id(self) -> int:
        return TEMPLATE_MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if (not _mergeable(other, SetTemplateCommand) or other.key != self.key
                or other.merge_key != self.merge_key):
            return False
        self.after = other.after
        self.setObsolete(self.after == self.before)
        return True

    def _put(self, template: EmailTemplate | None) -> None:
        if template is None:
            self.journey.remove_template(self.key)
        else:
            self.journey.set_template(template)

    def _redo(self) -> None:
        self._put(self.after)

    def _undo(self) -> None:
        self._put(self.before)


class RenameJourneyCommand(JourneyCommand):
    def __init__(self, journey: Journey, text: str, before: str, after: str,
                 merge_key: object = None):
        super().__init__(journey, text)
        self.before, self.after, self.merge_key = before, after, merge_key

    def id(self) -> int:
        return RENAME_MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not _mergeable(other, RenameJourneyCommand) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        self.setObsolete(self.after == self.before)
        return True

    def _redo(self) -> None:
        self.journey.rename(self.after)

    def _undo(self) -> None:
        self.journey.rename(self.before)
