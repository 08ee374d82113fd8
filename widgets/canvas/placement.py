"""Where a step added after another goes, and which steps move to make room for it.

Contract (pure functions of the journey and the flow; they read, never edit):
- `place_after(journey, flow, source, port, type_id)` -> `Placement(pos, moves, target)`:
  a new step leaving `source`'s `port`. An unwired port: one step further along the flow
  from the source, on the port's line, nudged across while that spot is taken. A wired
  port (inserting into the link to `target`): halfway when the gap holds a card, else at
  the target's place, with the target and every step after it (but not those that lead
  back to the source) moved one step along the flow. Positions are snapped to the grid.
- `first_free_port(journey, node_id)`: the first output port with no link, or None.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.journey.model import Journey
from widgets.canvas.style import NODE_WIDTH, node_height, output_port_pos, snap

LAYER_GAP = {"right": 72.0, "down": 60.0}  # as the tidy layout spaces its layers
SIBLING_GAP = 40.0
Position = tuple[float, float]


@dataclass
class Placement:
    pos: Position
    moves: dict[str, Position] = field(default_factory=dict)
    target: str | None = None  # the step the new one goes before (inserting into a link)


def first_free_port(journey: Journey, node_id: str) -> str | None:
    spec = journey.spec(node_id)
    for port in spec.outputs(journey.config(node_id)):
        if journey.target(node_id, port.key) is None:
            return port.key
    return None


def _step(journey: Journey, flow: str, type_id: str) -> float:
    """How far along the flow a card of `type_id` and the gap after it reach."""
    spec = journey.registry.get(type_id)
    if flow == "down":
        return node_height(len(spec.outputs()), flow) + LAYER_GAP[flow]
    return NODE_WIDTH + LAYER_GAP[flow]


def _downstream(journey: Journey, start: str, source: str) -> set[str]:
    children: dict[str, list[str]] = {}
    for s, _port, t in journey.edges():
        children.setdefault(s, []).append(t)
    seen, todo = {start}, [start]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    if source in seen:  # a loop back: the steps that lead back to the source stay
        parents: dict[str, list[str]] = {}
        for s, _port, t in journey.edges():
            parents.setdefault(t, []).append(s)
        upstream, todo = {source}, [source]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in upstream:
                    upstream.add(parent)
                    todo.append(parent)
        seen -= upstream
    return seen


def _taken(journey: Journey, pos: Position, ignore: set[str] = frozenset()) -> bool:
    x, y = pos
    for node_id in journey.node_ids():
        if node_id in ignore:
            continue
        nx_, ny = journey.node(node_id)["pos"]
        if abs(nx_ - x) < NODE_WIDTH and abs(ny - y) < 60:
            return True
    return False


def place_after(journey: Journey, flow: str, source: str, port: str, type_id: str) -> Placement:
    sx, sy = journey.node(source)["pos"]
    step = _step(journey, flow, journey.node(source)["type"])
    target = journey.target(source, port)
    along = (lambda p: p[1]) if flow == "down" else (lambda p: p[0])
    if target is None:
        ports = [p.key for p in journey.spec(source).outputs(journey.config(source))]
        index = ports.index(port) if port in ports else 0
        px, py = output_port_pos(index, len(ports), flow)
        if flow == "down":
            pos = (sx + px - NODE_WIDTH / 2, sy + step)
        else:
            pos = (sx + step, sy + py - node_height(1, flow) / 2)
        pos = (snap(pos[0]), snap(pos[1]))
        while _taken(journey, pos):
            pos = ((pos[0] + NODE_WIDTH + SIBLING_GAP, pos[1]) if flow == "down"
                   else (pos[0], snap(pos[1] + node_height(1, flow) + SIBLING_GAP)))
        return Placement(pos)
    tx, ty = journey.node(target)["pos"]
    new_step = _step(journey, flow, type_id)
    if along((tx, ty)) - along((sx, sy)) >= step + new_step:  # room in between
        pos = ((tx, sy + step) if flow == "down" else (sx + step, ty))
        return Placement((snap(pos[0]), snap(pos[1])), {}, target)
    shift = (0.0, new_step) if flow == "down" else (new_step, 0.0)
    moves = {}
    for node_id in _downstream(journey, target, source):
        x, y = journey.node(node_id)["pos"]
        moves[node_id] = (x + shift[0], y + shift[1])
    return Placement((tx, ty), moves, target)
