"""Reading CSV records with the physical line each starts on, and file errors that say where.

Contract: `csv_records(text, delimiter=",")` yields `(line, cells)` for every record of
`text`, `line` being the 1-based physical line the record starts on (a quoted value may
span lines, so this is not the record's index). A broken file raises `InputError` naming
the line and the cause in plain words, before any caller writes anything:
- a quote that is never closed: "line N: a quoted value is never closed" (Python's csv
  module would otherwise swallow the rest of the file into one cell and lose every row
  after it);
- a value longer than `csv.field_size_limit()` characters;
- text after a closing quote (`"a"b`), which spreadsheets never write.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from engine.errors import InputError


def _reason(error: csv.Error) -> str:
    text = str(error)
    if "unexpected end of data" in text or "EOF inside string" in text:
        return 'a quoted value is never closed (a " with no closing ")'
    if "field larger than field limit" in text:
        return (f"a value is longer than {csv.field_size_limit():,} characters "
                '(a quote " that is never closed is the usual cause)')
    if "expected after" in text:
        return 'a quoted value is followed by more text before the next separator'
    return f"not valid CSV ({text})"


def csv_records(text: str, *, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    # strict: an unclosed quote at the end of the file is an error, not one giant cell
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    last_line = 0
    while True:
        start = last_line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise InputError(_reason(error), f"line {start}") from None
        last_line = reader.line_num
        yield start, cells
