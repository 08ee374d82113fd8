"""A text file written whole or not at all.

Contract: `write_text_atomically(path, write)` opens a temporary file beside `path` (UTF-8,
no newline translation, as the csv module wants), calls `write(out)`, then renames it over
`path`. If `write` raises, nothing at `path` changes and the temporary file is removed.
Used by every export (CSV of tables, journeys) so a failed export never leaves half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable, TextIO


def write_text_atomically(path: Path | str, write: Callable[[TextIO], None]) -> None:
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as out:
            write(out)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
