"""Strict JSON for every file and body Trellis reads: one rule for journeys, JSONL and HTTP.

Contract:
- `loads(text)` returns the decoded value or raises `JsonProblem` whose `line`/`column`
  point into `text` and whose `reason` says what is wrong, in plain words. Beyond what
  `json.loads` refuses, it refuses what standard JSON (RFC 8259) does not allow or what
  would take the process down: nesting deeper than `MAX_DEPTH` (checked by a linear scan
  BEFORE decoding, so no RecursionError), integers longer than `MAX_INT_DIGITS` digits
  (no ValueError from Python's int limit, no quadratic conversion), `NaN`/`Infinity`, and
  numbers too large for a float (`1e999`).
- `text_problem(value)` walks a decoded value and returns `(path, reason)` for the first
  text (key or value) holding a NUL character or a lone surrogate — neither can be stored
  as UTF-8 text (PostgreSQL refuses NUL; SQLite and every encoder refuse surrogates) —
  else None (the path is never empty: "the top-level value" for the value itself). The
  literal six characters backslash-u-0-0-0-0 are ordinary text and pass.
- `dumps(value, **kw)` writes standard JSON only (`allow_nan=False`).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_DEPTH = 64
MAX_INT_DIGITS = 100

# A JSON string (with its escapes) or one bracket: strings are skipped whole, so brackets
# inside text are not counted. Linear: no nested quantifier can backtrack.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.S)


class JsonProblem(ValueError):
    def __init__(self, reason: str, line: int, column: int):
        super().__init__(f"line {line}, column {column}: {reason}")
        self.reason, self.line, self.column = reason, line, column


def _place(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _check_depth(text: str, limit: int) -> None:
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                raise JsonProblem(f"nested more than {limit} levels deep", *_place(text, match.start()))
        elif token in "]}":
            depth = max(depth - 1, 0)


class _Refused(Exception):
    def __init__(self, reason: str, literal: str):
        self.reason, self.literal = reason, literal


def _parse_int(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refused(f"a number with more than {MAX_INT_DIGITS} digits", literal)
    return int(literal)


def _parse_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise _Refused(f"the number {literal[:40]} is too large", literal)
    return value


def _parse_constant(name: str) -> Any:
    raise _Refused(f"{name} is not a JSON number (JSON has no NaN or Infinity)", name)


def _literal_place(text: str, literal: str) -> tuple[int, int]:
    # The decoder does not pass the position; the first occurrence outside a string is it
    # in practice, and any occurrence is a fair pointer for a person.
    for match in re.finditer(re.escape(literal), text):
        before = text[match.start() - 1] if match.start() else ""
        if before not in "\"\\" and not before.isalnum():
            return _place(text, match.start())
    return _place(text, max(text.find(literal), 0))


def loads(text: str, *, max_depth: int = MAX_DEPTH) -> Any:
    _check_depth(text, max_depth)
    try:
        return json.loads(text, parse_int=_parse_int, parse_float=_parse_float,
                          parse_constant=_parse_constant)
    except json.JSONDecodeError as error:
        raise JsonProblem(f"not valid JSON: {error.msg}", error.lineno, error.colno) from None
    except _Refused as refused:
        raise JsonProblem(refused.reason, *_literal_place(text, refused.literal)) from None
    except (RecursionError, ValueError) as error:  # defence in depth; the checks above cover them
        raise JsonProblem(f"not valid JSON: {error}", 1, 1) from None


def _text_reason(text: str) -> str | None:
    if "\x00" in text:
        return "text must not contain the NUL character (\\u0000)"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "text holds a lone surrogate (\\ud800-\\udfff without its pair)"
    return None


def text_problem(value: Any, path: str = "") -> tuple[str, str] | None:
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            reason = _text_reason(item)
            if reason:
                return where or "the top-level value", reason
        elif isinstance(item, dict):
            for key, inner in item.items():
                inner_where = f"{where}.{key}" if where else str(key)
                if isinstance(key, str) and (reason := _text_reason(key)):
                    return where or "the top-level object", f"a key: {reason}"
                stack.append((inner_where, inner))
        elif isinstance(item, (list, tuple)):
            stack.extend((f"{where}[{i}]", inner) for i, inner in enumerate(item))
        elif isinstance(item, float) and not math.isfinite(item):
            return where or "the top-level value", "NaN and Infinity are not JSON numbers"
    return None


def dumps(value: Any, **options: Any) -> str:
    return json.dumps(value, allow_nan=False, **options)
