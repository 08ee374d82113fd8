"""The `.segment.json` file: one saved segment, shareable.

Contract: `{"schema_version": 1, "name", "description", "condition"}` where `condition` is
the journey condition of docs/journey-format.md. `parse_segment(data, where)` and
`read_segment_file(path)` return a `SegmentFile` or raise `SegmentFileError` naming what is
wrong and where (`condition.rules[1].within`); nothing is written on an error.
`segment_file_data(...)` is the JSON written by `export`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.errors import TrellisError
from engine.nodes.common import Condition

SCHEMA_VERSION = 1
SUFFIX = ".segment.json"
_KEYS = {"schema_version", "name", "description", "condition"}


class SegmentFileError(TrellisError):
    """A segment file (or segment data) that cannot be used, with where and why."""


@dataclass(frozen=True)
class SegmentFile:
    name: str
    description: str
    condition: Condition


_KINDS = ("field", "list", "event", "engagement", "segment", "status", "consent")


def _path(loc: tuple) -> str:
    """`condition.rules[1].within` from pydantic's location (without the union's tag)."""
    text, previous = "condition", None
    for part in loc:
        if isinstance(previous, int) and part in _KINDS:
            previous = part
            continue  # the discriminated union names the rule kind here
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
        previous = part
    return text


def parse_segment(data: Any, where: str = "segment") -> SegmentFile:
    if not isinstance(data, dict):
        raise SegmentFileError(f"{where}: expected a JSON object with name and condition")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise SegmentFileError(f"{where}: unknown key {unknown[0]!r} "
                               f"(a segment has {', '.join(sorted(_KEYS))})")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise SegmentFileError(f"{where}: schema_version must be {SCHEMA_VERSION}, not {version!r}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 200:
        raise SegmentFileError(f"{where}: 'name' must be a text of 1 to 200 characters")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise SegmentFileError(f"{where}: 'description' must be a text")
    if "condition" not in data:
        raise SegmentFileError(f"{where}: 'condition' is missing")
    condition = condition_from(data["condition"], where)
    return SegmentFile(name.strip(), description, condition)


def condition_from(data: Any, where: str) -> Condition:
    try:
        condition = Condition.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        raise SegmentFileError(f"{where}: {_path(first['loc'])}: {first['msg']}") from None
    if not condition.rules:
        raise SegmentFileError(f"{where}: condition has no rules")
    return condition


def read_segment_file(path: Path) -> SegmentFile:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SegmentFileError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SegmentFileError(f"{path}: cannot read it ({error})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SegmentFileError(f"{path}: not JSON (line {error.lineno}, column {error.colno}: "
                               f"{error.msg})") from None
    return parse_segment(data, str(path))


def segment_file_data(name: str, description: str, condition: Condition) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "name": name, "description": description,
            "condition": condition.model_dump(mode="json", exclude_defaults=False)}
