"""Starter designs: block emails to begin a new template from.

Contract: `starter_designs()` returns the designs in the Templates page's order (welcome,
cart reminder, discount, recommendations, feedback request, newsletter) as block
`EmailTemplate`s, read and checked once from `resources/email/starters/<key>.json`;
`starter_design(key)` one of them (KeyError naming the known keys). Each is a whole, valid
email with no check errors, so "New from a starter" gives something that can be sent;
the caller gives the copy its own key and name.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import resources
from engine.journey.data import EmailTemplate

STARTERS_DIR = Path(resources.__file__).parent / "email" / "starters"
ORDER = ("welcome", "cart-reminder", "discount", "recommendations", "feedback-request",
         "newsletter")


@lru_cache(maxsize=1)
def starter_designs() -> tuple[EmailTemplate, ...]:
    return tuple(EmailTemplate.model_validate_json((STARTERS_DIR / f"{key}.json").read_text("utf-8"))
                 for key in ORDER)


def starter_design(key: str) -> EmailTemplate:
    for design in starter_designs():
        if design.key == key:
            return design
    raise KeyError(f"there is no starter design {key!r} (there are: {', '.join(ORDER)})")
