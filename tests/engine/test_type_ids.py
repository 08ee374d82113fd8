"""No node type id outside `engine/nodes/`: the rest of the code asks a type's spec
(`forks`, `email`, `match`, `port_words`, `executor`, …), never a list of ids — so adding a
type is one module, and a forgotten place cannot exist. `engine/journey/migrations.py` maps
legacy ids and is the one exception. The ids looked for are the registry's own (current and
legacy), found as string literals in the app's source."""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

from engine.nodes import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {Path("engine/journey/migrations.py")}


def _ids() -> set[str]:
    return {i for spec in REGISTRY for i in (spec.type_id, *spec.legacy_ids)}


def _sources():
    for folder in ("engine", "app", "widgets"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if rel.parts[:2] == ("engine", "nodes") or rel in ALLOWED:
                continue
            yield rel, path
    yield Path("main.py"), ROOT / "main.py"


def _string_literals(text: str):
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.STRING:
            yield token.start[0], token.string


def test_no_type_id_outside_the_node_package():
    ids = _ids()
    found = []
    for rel, path in _sources():
        if not path.exists():
            continue
        for line, literal in _string_literals(path.read_text(encoding="utf-8")):
            if literal.strip("rbfuRBFU").strip("'\"") in ids:
                found.append(f"{rel}:{line}: {literal}")
    assert found == [], "type ids outside engine/nodes (ask the spec instead):\n" + "\n".join(found)


def test_the_check_finds_an_id():
    literal = next(_string_literals('kind = "%s"\n' % next(iter(_ids()))))[1]
    assert literal.strip("'\"") in _ids()
