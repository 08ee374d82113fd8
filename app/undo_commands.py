"""The undoable edits: the structural ones of a journey (insert, remove, connect, move),
and one `SetValueCommand` for every edit that sets one value and can put the old one back.

Contract:
- Every journey command changes the journey only through its edit methods (DESIGN §6), so
  undo and redo produce the same events, and the same scene updates, as the first edit did.
- A command is built with everything its redo and undo need (ids, old and new values),
  so redo after undo re-creates exactly the same nodes, ids and edges.
- `redo()` that is refused (`JourneyEditError`, or `EditRefused` from a value's write)
  records the reason in `error` and marks the command obsolete, so `QUndoStack.push` drops
  it instead of recording an edit that did not happen; the document checks edits before
  pushing, this is the belt to those braces.
- `SetValueCommand(text, what, write, before, after, merge_key)` sets one value: `what`
  names it (("config", node_id), ("title", node_id), "settings", "name", ("template",
  key), a contact's field...), `write(value)` puts a value in place. Value edits merge
  (`mergeWith`) while they set the same `what` with the same non-None `merge_key`: typing
  in one field is one undo step. A merge that ends where it began is obsolete and
  disappears from the stack.
"""

from __future__ import annotations

from typing import Callable, Generic, Hashable, Iterable, Mapping, Sequence, TypeVar

from PySide6.QtGui import QUndoCommand

from engine.journey.data import EmailTemplate, NodeData
from engine.errors import JourneyEditError
from engine.journey.model import Journey, RemovedNode

Edge = tuple[str, str, str]
Position = tuple[float, float]
T = TypeVar("T")

#: the one merge id of value edits: `mergeWith` then compares `what` and `merge_key`
SET_VALUE_MERGE_ID = 1001


class EditRefused(Exception):
    """A value's write that did not happen; the message says why, in the marketer's words."""


class EditCommand(QUndoCommand):
    """Base: runs `_redo`/`_undo`, turning a refused redo into an obsolete command whose
    `error` says why."""

    REFUSALS: tuple[type[Exception], ...] = (JourneyEditError, EditRefused)

    def __init__(self, text: str):
        super().__init__(text)
        self.error = ""

    def redo(self) -> None:
        try:
            self._redo()
        except self.REFUSALS as exc:
            self.error = str(exc)
            self.setObsolete(True)

    def undo(self) -> None:
        self._undo()

    def _redo(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


class JourneyCommand(EditCommand):
    """A structural edit of `journey`."""

    def __init__(self, journey: Journey, text: str):
        super().__init__(text)
        self.journey = journey


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


#: what a value's write returns: callables that put back what else the write took away
#: (a step's new settings drop the links of ports it no longer has), or None
PutBack = Iterable[Callable[[], None]] | None


class SetValueCommand(EditCommand, Generic[T]):
    """Sets the value `what` from `before` to `after` through `write`; undo writes `before`
    back, then runs the put-backs the redo's write returned (a merged command runs those of
    every write it merged).

    `written=True`: the value was written (and checked) before the push, so a write that
    fails never reaches the stack; the push's redo does not write it again.
    An undo whose write raises `EditRefused` (a store that fails) leaves the value as it
    is and says why in `error`.
    """

    def __init__(self, text: str, what: Hashable, write: Callable[[T], PutBack],
                 before: T, after: T, merge_key: Hashable = None, *, written: bool = False):
        super().__init__(text)
        self.what, self.write, self.merge_key = what, write, merge_key
        self.before, self.after = before, after
        self._put_back: list[Callable[[], None]] = []
        self._written = written

    def id(self) -> int:
        return SET_VALUE_MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 (Qt name)
        # QUndoStack offers a refused (obsolete) command for merging too; its value never
        # got written, so it must not be merged
        if (not isinstance(other, SetValueCommand) or other.isObsolete()
                or other.what != self.what or other.merge_key != self.merge_key):
            return False
        self.after = other.after
        # what `other` took away existed after this command ran: undo must put it back too
        self._put_back += other._put_back
        self.setObsolete(self.after == self.before and not self._put_back)
        return True

    def _redo(self) -> None:
        if self._written:  # the push of a value written already
            self._written = False
            return
        self._put_back = list(self.write(self.after) or ())

    def _undo(self) -> None:
        try:
            self.write(self.before)
        except EditRefused as exc:  # a store that failed: the value stays as it is
            self.error = str(exc)
            return
        for put_back in self._put_back:
            put_back()
