"""The engine's packages import each other without cycles, in a declared layer order.

Contract: the graph is built from the source (ast, nothing imported): one node per
first-level package of engine/ (engine/runtime/…) or loose module (engine/errors.py), one
edge A → B when any module of A imports anything of B — at module level or inside a
function alike (a function-level import that closes a cycle is a hidden cycle, not a
fix). Only imports under `if TYPE_CHECKING:` are left out: they never run.

`LAYERS` is the order, lowest first: a package may import only packages before it. To add
a package, put it in the list where what it imports allows; an import that goes "up" is a
design question (move the shared piece down, or invert the call), not a line to add here.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import networkx as nx

ENGINE = Path(__file__).resolve().parents[2] / "engine"

#: lowest first; each may import only what comes before it (docs/architecture.md)
LAYERS = [
    "errors", "words", "clock", "files",   # no engine imports but errors
    "db",            # the schema and the database (models, migrations, bulk writes)
    "credentials",   # the keychain and the link secret
    "templating",    # the sandboxed template language: RenderError, value types
    "nodes",         # node types, their configs and conditions' shape
    "blocks",        # block emails
    "journey",       # the journey document, model, validation, compiled versions, words
    "settings",      # app settings (a brand kit, quiet hours, a frequency cap)
    "conditions",    # evaluating conditions for one contact or for all
    "segments",      # saved segments
    "messaging",     # emails: data, rendering, composition, tokens, tracking, lint
    "contacts",      # contacts, lists, CSV, privacy
    "intake",        # events and contact updates coming in
    "catalog",       # products and coupons from CSV
    "mailbox",       # reading replies and reports over IMAP
    "delivery",      # SMTP, the outbox worker, sending setup
    "http",          # the HTTP server (events in, links answered)
    "analytics",     # rollups and figures
    "experiments",   # A/B tests, holdout, guardrails
    "reports",       # reports combining analytics and experiments
    "runtime",       # the journey engine: batches, executors, publishing, services
    "simulation",    # simulate and walk through, on the runtime
    "demo",          # a demo shop's data
]
#: engine/ keeps at most this many loose modules at the top (`__init__` included)
MAX_LOOSE_MODULES = 5


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return ((isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
            or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def _imported(module: str, is_package: bool, tree: ast.AST) -> list[tuple[str, int]]:
    """Every engine module name imported by `tree` (with its line), TYPE_CHECKING skipped."""
    found: list[tuple[str, int]] = []
    parts = module.split(".")

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = parts if is_package else parts[:-1]
                    base = base[:len(base) - (child.level - 1)]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                found.append((target, child.lineno))
                # `from engine import runtime` names a package in the names
                found.extend((f"{target}.{alias.name}", child.lineno) for alias in child.names)
            visit(child)

    visit(tree)
    return [(name, line) for name, line in found if name.split(".")[0] == "engine"]


def _unit(module: str) -> str | None:
    """The package or loose module of engine an engine module belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] != "__init__" else None


def _units() -> set[str]:
    return {p.stem if p.is_file() else p.name for p in ENGINE.iterdir()
            if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()}


def import_graph() -> tuple[nx.DiGraph, dict[tuple[str, str], list[str]]]:
    """The package graph, and for each edge the importing places ("engine/x/y.py:12")."""
    graph = nx.DiGraph()
    places: dict[tuple[str, str], list[str]] = defaultdict(list)
    units = _units()
    graph.add_nodes_from(units)
    for path in sorted(ENGINE.rglob("*.py")):
        relative = path.relative_to(ENGINE.parent)
        module = ".".join(relative.with_suffix("").parts)
        is_package = path.name == "__init__.py"
        if is_package:
            module = module.removesuffix(".__init__")
        source = _unit(module)
        if source is None:
            continue
        for name, line in _imported(module, is_package, ast.parse(path.read_text("utf-8"))):
            target = _unit(name)
            if target is None or target == source or target not in units:
                continue
            graph.add_edge(source, target)
            places[(source, target)].append(f"{relative}:{line}")
    return graph, places


def test_engine_packages_import_no_cycle():
    graph, places = import_graph()
    if nx.is_directed_acyclic_graph(graph):
        return
    cycle = nx.find_cycle(graph)
    lines = [f"  {a} -> {b}: {', '.join(sorted(set(places[(a, b)])))}" for a, b in cycle]
    raise AssertionError("engine packages import each other in a cycle "
                         f"({' -> '.join([a for a, _ in cycle] + [cycle[0][0]])}):\n"
                         + "\n".join(lines))


def test_engine_imports_only_go_down_the_layers():
    graph, places = import_graph()
    rank = {name: n for n, name in enumerate(LAYERS)}
    unplaced = sorted(set(graph.nodes) - set(rank))
    assert not unplaced, (f"engine packages missing from LAYERS in {__file__}: {unplaced} "
                          "(add each where its imports allow)")
    upward = [f"  {place} imports {b} ({a} sits below {b} in LAYERS)"
              for (a, b), found in sorted(places.items()) if rank[b] > rank[a]
              for place in sorted(set(found))]
    assert not upward, "imports that go up the engine's layers:\n" + "\n".join(upward)


def test_engine_has_few_loose_modules():
    loose = sorted(p.name for p in ENGINE.glob("*.py"))
    assert len(loose) <= MAX_LOOSE_MODULES, (
        f"engine/ has {len(loose)} loose modules ({', '.join(loose)}); at most "
        f"{MAX_LOOSE_MODULES}: put the new one in the package whose job it is")


def test_the_graph_sees_function_level_imports(tmp_path):
    """The checker itself: a function-level import counts, a TYPE_CHECKING one does not."""
    tree = ast.parse("from typing import TYPE_CHECKING\n"
                     "if TYPE_CHECKING:\n    from engine.runtime import batch\n"
                     "def f():\n    from engine.messaging.render import render_email\n"
                     "from . import sibling\n")
    names = [name for name, _ in _imported("engine.blocks.compile", False, tree)]
    assert "engine.messaging.render" in names
    assert not any(name.startswith("engine.runtime") for name in names)
    assert "engine.blocks.sibling" in names
