"""Sticky random assignment: the same contact always lands on the same side.

Contract: `point(*parts)` is a number in [0, 100) from the sha256 of the parts joined by
":" (contact, journey and step for a split or email variant; contact and journey for a
holdout), so re-entry, re-runs and other processes agree without storing anything.
`pick(point, shares)` walks `[(key, percent), …]` (adding up to 100) and returns the key
whose band holds the point.
"""

from __future__ import annotations

import hashlib
from typing import Iterable


def point(*parts: object) -> float:
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") % 10_000 / 100


def pick(at: float, shares: Iterable[tuple[str, float]]) -> str:
    total, key = 0.0, None
    for key, percent in shares:
        total += percent
        if at < total:
            return key
    if key is None:
        raise ValueError("nothing to pick from")
    return key
