"""The loop rule, written once: a loop must pass through a timing step (a delay or a wait).

Contract: a loop of instant steps would run a contact around it forever within one tick,
so edits refuse to close one (`closes_untimed_loop`), and validation and the file loader
report any a file or an older draft still holds (`untimed_loops`). A step is "timing" when
its spec says so (`NodeSpec.is_timing`); unknown types count as instant.
"""

from __future__ import annotations

from typing import Iterable

import networkx as nx

from engine.nodes import NodeRegistry


def _is_timing(registry: NodeRegistry, type_id: str) -> bool:
    return type_id in registry and registry.get(type_id).is_timing


def instant_graph(nodes: Iterable[tuple[str, str]], edges: Iterable[tuple[str, str]],
                  registry: NodeRegistry) -> nx.DiGraph:
    """The steps that take no time (`(node id, type id)` pairs) and the edges among them."""
    graph = nx.DiGraph()
    graph.add_nodes_from(n for n, type_id in nodes if not _is_timing(registry, type_id))
    graph.add_edges_from((s, t) for s, t in edges if s in graph and t in graph)
    return graph


def untimed_loops(nodes: Iterable[tuple[str, str]], edges: Iterable[tuple[str, str]],
                  registry: NodeRegistry) -> list[list[str]]:
    """Every loop with no timing step in it, each as its node ids in order."""
    return list(nx.simple_cycles(instant_graph(nodes, edges, registry)))


def closes_untimed_loop(graph: nx.DiGraph, source: str, target: str,
                        registry: NodeRegistry) -> bool:
    """Would the edge source->target close a loop through no timing step? (`graph` holds
    each node's type id under "type".)"""
    if not nx.has_path(graph, target, source):
        return False
    instant = instant_graph(graph.nodes(data="type"), graph.edges, registry)
    return source in instant and target in instant and nx.has_path(instant, target, source)
