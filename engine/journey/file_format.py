"""Reading and writing `.journey.json` files.

Contract:
- `read_journey_file(path)` / `parse_journey_text(text)` never raise for a bad file: they
  return a `LoadResult` whose `problems` each say *where* in the file (a JSON line and
  column, or a path such as `nodes[2].config.duration.unit`) and what is wrong. The journey
  is built only when no error was found, so nothing half-loaded ever reaches the app.
- Loading = parse JSON → run format migrations (`engine.journey.migrations`) → check the
  document shape → resolve node types through the registry (legacy ids included) and check
  every config → check every edge → build the `Journey` → whole-journey validation.
- `write_journey_file` writes atomically (a temporary file renamed over the target).
- JSON only: never pickle, never code.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.blocks.model import BLOCK_TYPES
from engine.files import strict_json
from engine.journey.data import JourneyData
from engine.errors import JourneyEditError, UnknownNodeType, error_message
from engine.journey.model import Journey
from engine.journey.migrations import MigrationError, migrate_document
from engine.nodes import NodeRegistry, active_registry
from engine.journey.validation import ERROR, TemplateLinter, validate_journey

SUFFIX = ".journey.json"
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class FileProblem:
    where: str
    severity: str
    message: str
    node_id: str | None = None

    def __str__(self) -> str:
        where = self.where
        if self.node_id and f"({self.node_id})" not in where:
            where = f"{where} (node {self.node_id})".strip()
        return f"{self.severity}: {where}: {self.message}" if where else (
            f"{self.severity}: {self.message}"
        )


@dataclass
class LoadResult:
    journey: Journey | None = None
    document: JourneyData | None = None
    problems: list[FileProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.journey is not None and not any(p.severity == ERROR for p in self.problems)


def _loc(parts) -> str:
    text, before = "", (None, None)
    for part in parts:
        if before[0] == "blocks" and isinstance(before[1], int) and part in BLOCK_TYPES:
            before = (before[1], part)
            continue  # the block type pydantic picked the model by: not a place in the file
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
        before = (before[1], part)
    return text


def _pydantic_problems(error: ValidationError, prefix: str = "") -> list[FileProblem]:
    problems = []
    for item in error.errors():
        where = _loc(item["loc"])
        if prefix:
            where = f"{prefix}.{where}" if where else prefix
        message = error_message(item)
        if item["type"] == "missing":
            message = "this field is required"
        elif item["type"] == "extra_forbidden":
            message = "unknown field"
        elif item["type"] == "union_tag_invalid":
            message = (f"unknown block type {item['ctx']['tag']!r} (known: "
                       f"{', '.join(BLOCK_TYPES)})")
        problems.append(FileProblem(where, ERROR, message))
    return problems


def read_journey_file(
    path: str | Path, *, registry: NodeRegistry | None = None, lint_template: TemplateLinter | None = None
) -> LoadResult:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return LoadResult(problems=[FileProblem("", ERROR, f"the file is {size:,} bytes; "
                                                    f"journeys are at most {MAX_FILE_BYTES:,}")])
        raw = path.read_bytes()
    except FileNotFoundError:
        return LoadResult(problems=[FileProblem("", ERROR, f"no such file: {path}")])
    except OSError as error:
        return LoadResult(problems=[FileProblem("", ERROR, f"cannot read {path}: {error.strerror}")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return LoadResult(
            problems=[FileProblem(f"byte {error.start}", ERROR, "the file is not UTF-8 text")]
        )
    return parse_journey_text(text, registry=registry, lint_template=lint_template)


def parse_journey_text(
    text: str, *, registry: NodeRegistry | None = None, lint_template: TemplateLinter | None = None
) -> LoadResult:
    try:
        data = strict_json.loads(text)
    except strict_json.JsonProblem as problem:
        return LoadResult(
            problems=[FileProblem(f"line {problem.line}, column {problem.column}", ERROR,
                                  problem.reason)]
        )
    found = strict_json.text_problem(data)
    if found is not None:
        return LoadResult(problems=[FileProblem(found[0], ERROR, found[1])])
    return load_journey_data(data, registry=registry, lint_template=lint_template)


def load_journey_data(
    data: Any, *, registry: NodeRegistry | None = None, lint_template: TemplateLinter | None = None
) -> LoadResult:
    """Check and build a journey from already-parsed JSON data."""
    registry = registry if registry is not None else active_registry()
    if not isinstance(data, dict):
        return LoadResult(problems=[FileProblem("", ERROR, "a journey file holds one JSON object")])
    try:
        data = migrate_document(data, registry)
    except MigrationError as error:
        return LoadResult(problems=[FileProblem(error.where, ERROR, str(error))])
    try:
        document = JourneyData.model_validate(data)
    except ValidationError as error:
        return LoadResult(problems=_pydantic_problems(error))

    problems = _check_nodes(document, registry) + _check_edges(document, registry)
    if problems:
        return LoadResult(document=document, problems=problems)
    try:
        journey = Journey.from_document(document, registry=registry)
    except JourneyEditError as error:  # a rule the checks above do not cover
        return LoadResult(document=document, problems=[FileProblem("edges", ERROR, str(error))])
    index = {node.id: i for i, node in enumerate(document.nodes)}
    for problem in validate_journey(journey, lint_template):
        where = f"nodes[{index[problem.node_id]}]" if problem.node_id in index else ""
        problems.append(FileProblem(where, problem.severity, problem.message, problem.node_id))
    return LoadResult(journey=journey, document=document, problems=problems)


def _check_nodes(document: JourneyData, registry: NodeRegistry) -> list[FileProblem]:
    problems = []
    seen: dict[str, int] = {}
    for i, node in enumerate(document.nodes):
        where = f"nodes[{i}]"
        if node.id in seen:
            problems.append(FileProblem(f"{where}.id", ERROR,
                                        f"the id {node.id!r} is also used by nodes[{seen[node.id]}]"))
        seen.setdefault(node.id, i)
        try:
            spec = registry.get(node.type)
        except UnknownNodeType:
            problems.append(FileProblem(f"{where}.type", ERROR,
                                        f"unknown node type {node.type!r}", node.id))
            continue
        if node.type_version > spec.version:
            problems.append(FileProblem(
                f"{where}.type_version", ERROR,
                f"{node.type} version {node.type_version} is newer than this Trellis knows "
                f"({spec.version}); update Trellis", node.id))
            continue
        try:
            spec.parse_config(node.config)
        except ValidationError as error:
            for problem in _pydantic_problems(error, f"{where}.config"):
                problems.append(FileProblem(problem.where, ERROR, problem.message, node.id))
    return problems


def _check_edges(document: JourneyData, registry: NodeRegistry) -> list[FileProblem]:
    nodes: dict = {}
    for node in document.nodes:
        nodes.setdefault(node.id, node)  # a duplicate id is reported by _check_nodes
    problems = []
    used_ports: dict[tuple[str, str], int] = {}
    for i, edge in enumerate(document.edges):
        where = f"edges[{i}]"
        key = (edge.source, edge.port)
        if key in used_ports:
            problems.append(FileProblem(where, ERROR,
                                        f"output {edge.port!r} of {edge.source!r} is already "
                                        f"connected by edges[{used_ports[key]}]"))
        used_ports.setdefault(key, i)
        for end in ("source", "target"):
            if getattr(edge, end) not in nodes:
                problems.append(FileProblem(f"{where}.{end}", ERROR,
                                            f"there is no node {getattr(edge, end)!r}"))
        if edge.source not in nodes or edge.target not in nodes:
            continue
        if edge.source == edge.target:
            problems.append(FileProblem(where, ERROR, "a step cannot lead to itself"))
        source, target = nodes[edge.source], nodes[edge.target]
        if source.type in registry:
            spec = registry.get(source.type)
            try:
                ports = {p.key for p in spec.outputs(spec.parse_config(source.config))}
            except ValidationError:
                ports = None  # its config problem is reported already
            if ports is not None and edge.port not in ports:
                choices = ", ".join(sorted(ports)) or "none"
                problems.append(FileProblem(f"{where}.port", ERROR,
                                            f"{edge.source!r} has no output {edge.port!r} "
                                            f"(it has: {choices})"))
        if target.type in registry and registry.get(target.type).is_trigger:
            problems.append(FileProblem(f"{where}.target", ERROR,
                                        "nothing can lead into a trigger"))
    if not problems:
        problems += _check_loops(document, registry)
    return problems


def _check_loops(document: JourneyData, registry: NodeRegistry) -> list[FileProblem]:
    from engine.journey.loops import untimed_loops

    problems = []
    nodes = [(node.id, node.type) for node in document.nodes]
    for cycle in untimed_loops(nodes, [(e.source, e.target) for e in document.edges], registry):
        path = " → ".join(cycle + cycle[:1])
        problems.append(FileProblem("edges", ERROR, f"loop with no delay or wait: {path}"))
    return problems


def dump_document(document: JourneyData) -> str:
    # standard JSON only: a NaN or Infinity (refused on load) must never be written either
    return strict_json.dumps(document.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def write_journey_file(journey: Journey | JourneyData, path: str | Path) -> None:
    document = journey.to_document() if isinstance(journey, Journey) else journey
    path = Path(path)
    text = dump_document(document)
    fd, temp = tempfile.mkstemp(prefix=".journey-", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
