"""Tidy layout: where every step goes when the marketer asks to tidy the canvas.

Contract:
- `tidy_positions(journey, direction)` returns {node_id: (x, y)} top-left corners for
  every step, laid out in layers from the trigger: left to right ("right", the default)
  or top to bottom ("down"). It only computes; the caller moves the cards through the
  document, as one undo step.
- A simple Sugiyama-style layout: links that loop back (found by a depth-first walk from
  the trigger, in port order) are ignored for layering; layers are the DAG's topological
  generations (networkx); within a layer steps keep their ports' order (yes above no) and
  are pulled towards the steps that lead to them, so a chain is a straight line and a
  fork fans out evenly, with no two cards overlapping (isotonic regression, "pool
  adjacent violators", finds the closest non-overlapping placement).
- The tidied journey keeps its top-left corner where it was, on the grid.
- `infer_flow(journey)` tells from the steps' positions whether links run to the right
  or down, so the canvas puts ports where the layout needs them; the file format stores
  no orientation, and undoing a tidy restores the old orientation with the positions.
"""

from __future__ import annotations

from typing import Literal

import networkx as nx

from engine.journey.model import Journey
from widgets.canvas.style import NODE_WIDTH, input_port_pos, node_height, output_port_pos, snap

Direction = Literal["right", "down"]
LAYER_GAP = {"right": 72.0, "down": 60.0}
SIBLING_GAP = {"right": 40.0, "down": 40.0}


def _acyclic(journey: Journey) -> tuple[nx.DiGraph, list[str]]:
    """The journey's graph without the links that loop back, and a depth-first order of
    its steps (trigger first, ports in order) used to order each layer."""
    graph = nx.DiGraph()
    graph.add_nodes_from(journey.node_ids())
    order: list[str] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    roots = journey.triggers() + [n for n in journey.node_ids() if not journey.graph.in_degree(n)]
    for root in roots + journey.node_ids():
        if root in state:
            continue
        stack = [(root, iter(_children(journey, root)))]
        state[root] = 1
        order.append(root)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                continue  # a loop back: not used for layering
            else:
                graph.add_edge(node, child)
                if child not in state:
                    state[child] = 1
                    order.append(child)
                    stack.append((child, iter(_children(journey, child))))
    return graph, order


def _children(journey: Journey, node_id: str) -> list[str]:
    targets = (journey.target(node_id, port.key) for port in journey.ports(node_id))
    return [t for t in targets if t is not None]


def _pool_adjacent_violators(values: list[float]) -> list[float]:
    """The non-decreasing sequence closest (least squares) to `values`."""
    blocks: list[list[float]] = []  # [mean, weight]
    for value in values:
        blocks.append([value, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, weight = blocks.pop()
            previous = blocks[-1]
            total = previous[1] + weight
            previous[0] = (previous[0] * previous[1] + mean * weight) / total
            previous[1] = total
    result: list[float] = []
    for mean, weight in blocks:
        result += [mean] * int(weight)
    return result


def tidy_positions(
    journey: Journey, direction: Direction = "right"
) -> dict[str, tuple[float, float]]:
    node_ids = journey.node_ids()
    if not node_ids:
        return {}
    graph, order = _acyclic(journey)
    rank = {node: index for index, node in enumerate(order)}
    heights = {n: node_height(len(journey.ports(n)), direction) for n in node_ids}
    widths = {n: NODE_WIDTH for n in node_ids}
    # sizes across the layers (stacked) and along them (the layer's thickness)
    across, along = (heights, widths) if direction == "right" else (widths, heights)
    placed: dict[str, float] = {}  # position across the layers (y for "right")
    positions: dict[str, tuple[float, float]] = {}
    depth = 0.0
    for layer in nx.topological_generations(graph):
        anchors = {n: _anchor(journey, n, placed, direction, rank) for n in layer}
        layer.sort(key=lambda n: (_NOWHERE if anchors[n][0] is None else anchors[n][0],
                                  anchors[n][1]))
        wanted, offsets, offset = [], [], 0.0
        for node in layer:
            anchor = anchors[node][0]
            wanted.append(anchor - offset if anchor is not None else None)
            offsets.append(offset)
            offset += across[node] + SIBLING_GAP[direction]
        filled = _fill_gaps(wanted)
        for node, value, shift in zip(layer, _pool_adjacent_violators(filled), offsets):
            placed[node] = value + shift
        thickness = max(along[n] for n in layer)
        for node in layer:
            at = (depth, placed[node])
            positions[node] = at if direction == "right" else at[::-1]
        depth += thickness + LAYER_GAP[direction]
    return _keep_corner(journey, positions)


_NOWHERE = float("inf")


def _anchor(journey, node, placed, direction, rank) -> tuple[float | None, int]:
    """Where `node` would like to sit across the layers (aligned with the ports leading to
    it), and its depth-first rank as the tie-break."""
    axis = 1 if direction == "right" else 0
    entry = input_port_pos(direction)[axis]
    wishes = []
    for source, _target, data in journey.graph.in_edges(node, data=True):
        if source not in placed:
            continue
        ports = journey.ports(source)
        index = next((i for i, p in enumerate(ports) if p.key == data["port"]), 0)
        exit_at = output_port_pos(index, len(ports), direction)[axis]
        wishes.append(placed[source] + exit_at - entry)
    return (sum(wishes) / len(wishes) if wishes else None, rank[node])


def _fill_gaps(wanted: list[float | None]) -> list[float]:
    """Steps no placed step leads to sit right after their neighbour."""
    known = [w for w in wanted if w is not None]
    last = known[0] if known else 0.0
    filled = []
    for value in wanted:
        last = value if value is not None else last
        filled.append(last)
    return filled


def _keep_corner(journey: Journey, positions: dict[str, tuple[float, float]]):
    old_x = min(journey.node(n)["pos"][0] for n in positions)
    old_y = min(journey.node(n)["pos"][1] for n in positions)
    new_x = min(x for x, _ in positions.values())
    new_y = min(y for _, y in positions.values())
    dx, dy = snap(old_x) - new_x, snap(old_y) - new_y
    return {n: (snap(x + dx), snap(y + dy)) for n, (x, y) in positions.items()}


def infer_flow(journey: Journey, current: Direction = "right") -> Direction:
    """Which way the journey's links mostly run, judged from where its steps are: "down"
    when more links go further down than right. No links (or a tie) keep `current`."""
    down = right = 0
    for source, _port, target in journey.edges():
        (sx, sy), (tx, ty) = journey.node(source)["pos"], journey.node(target)["pos"]
        if ty - sy > tx - sx:
            down += 1
        else:
            right += 1
    if down == right:
        return current
    return "down" if down > right else "right"
