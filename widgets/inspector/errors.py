"""Validation errors in words a marketer can act on, placed under the right field.

Contract: `field_messages(error, fallback_field)` turns a pydantic `ValidationError` of a
config model into {field name: sentence}; errors of the model as a whole ("the shares add
up to 90%, not 100%") go to `fallback_field`, the field just edited. Rows inside lists are
named by number ("Rule 2 · Field: can't be empty").
"""

from __future__ import annotations

from pydantic import ValidationError

from engine.errors import error_message

PART_NAMES = {
    "property": "Property", "field": "Field", "event": "Event", "value": "Value",
    "list": "List", "label": "Label", "percent": "Share", "key": "Key", "op": "Test",
    "within": "Time window", "min_count": "Count", "name": "Name", "start": "Start",
    "end": "End", "after": "Again after", "filters": "Filter", "rules": "Rule",
    "paths": "Path", "variants": "Variant", "wait_for": "Event",
}
# pydantic adds the tag of a tagged union (a rule's kind) to error locations
UNION_TAGS = {"field", "list", "event", "engagement"}


def _sentence(item: dict) -> str:
    kind, ctx = item["type"], item.get("ctx") or {}
    if kind == "string_too_short":
        return "can't be empty" if ctx.get("min_length") == 1 else (
            f"needs at least {ctx.get('min_length')} characters"
        )
    if kind == "string_too_long":
        return f"at most {ctx.get('max_length')} characters"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}"
    if kind == "greater_than":
        return f"must be more than {ctx.get('gt')}"
    if kind == "string_pattern_mismatch":
        return "is not in the expected form"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')}"
    if kind == "too_long":
        return f"at most {ctx.get('max_length')}"
    if kind == "missing":
        return "is required"
    message = error_message(item)
    return message[:1].upper() + message[1:]


def _where(parts: tuple) -> list[str]:
    words: list[str] = []
    for index, part in enumerate(parts):
        if isinstance(part, int):
            owner = parts[index - 1] if index else ""
            words.append(f"{PART_NAMES.get(owner, 'Row')} {part + 1}")
        elif index + 1 < len(parts) and isinstance(parts[index + 1], int):
            continue  # named by the number that follows ("Rule 2")
        elif part in UNION_TAGS and index > 0 and isinstance(parts[index - 1], int) and (
            index + 1 < len(parts)
        ):
            continue
        else:
            words.append(PART_NAMES.get(part, str(part).replace("_", " ").capitalize()))
    return words


def field_messages(error: ValidationError, fallback_field: str) -> dict[str, str]:
    messages: dict[str, str] = {}
    for item in error.errors():
        loc = item["loc"]
        field = str(loc[0]) if loc else fallback_field
        words = _where(tuple(loc))
        if len(loc) < 2 or not isinstance(loc[1], int):
            words = words[1:]  # the field itself: its label is right above the message
        where = " · ".join(words)
        text = _sentence(item)
        text = f"{where}: {text}" if where else text
        messages[field] = f"{messages[field]}\n{text}" if field in messages else text
    return messages
