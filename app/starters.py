"""Starter journeys: the `.journey.json` files shipped in `resources/journeys/`.

Contract: `list_starters(folder=STARTERS)` returns a `Starter(path, name, description,
steps)` for every file there that loads without errors (a broken starter is skipped and
logged, never shown), sorted by name. `load_starter(path)` returns its document.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from engine.journey.data import JourneyData
from engine.journey.file_format import SUFFIX, read_journey_file

log = logging.getLogger("trellis.app")
STARTERS = Path(__file__).resolve().parent.parent / "resources" / "journeys"


@dataclass(frozen=True)
class Starter:
    path: Path
    name: str
    description: str
    steps: int


def load_starter(path: Path) -> JourneyData | None:
    result = read_journey_file(path)
    if result.document is None or any(p.severity == "error" for p in result.problems):
        log.warning("starter journey %s does not load: %s", path.name,
                    "; ".join(str(p) for p in result.problems[:3]))
        return None
    return result.document


def list_starters(folder: Path = STARTERS) -> list[Starter]:
    starters = []
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        document = load_starter(path)
        if document is not None:
            starters.append(Starter(path, document.name, document.description,
                                    len(document.nodes)))
    return sorted(starters, key=lambda s: s.name.lower())
