"""What an import tells the person who ran it.

Contract: a `RejectedRow` is one line of an input file that was not imported: its 1-based
line number as an editor shows it (the CSV header is line 1), the email or raw value that
identifies it, and the reason in plain words. `read_text` loads an input file as text with
file-level problems (missing, a folder, not UTF-8) raised as `InputError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.errors import InputError


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line: int
    value: str
    reason: str

    def __str__(self) -> str:
        value = f"{self.value}: " if self.value else ""
        return f"line {self.line}: {value}{self.reason}"


def read_text(path: str | Path) -> str:
    """The file's text, UTF-8 with or without a byte-order mark."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"file not found: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a file") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{path.name} is not UTF-8 text (first bad byte on line {line}); "
            "save it again as UTF-8 (in Excel: CSV UTF-8) and retry"
        ) from None


def write_rejected_csv(rows, path: str | Path, *, value_header: str = "email") -> None:
    """Every rejected row as CSV (line, value, reason), the file the CLI's --report writes."""
    import csv

    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["line", value_header, "reason"])
        writer.writerows([row.line, row.value, row.reason] for row in rows)
