"""Rules written once stay written once: counts are worded by `engine.words.plural`, and
pydantic's messages are cleaned by `engine.errors.error_message`; a new copy of either
in the app's source fails here (use the shared function instead)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COPIES = {
    "a hand-made plural (use engine.words.plural)": (
        re.compile(r"""(?:''|"") if [^\n]{1,60}? == 1 else ['"]s['"]"""
                   r"""|['"]s['"] if [^\n]{1,60}? != 1"""),
        {Path("engine/words.py")},
    ),
    "pydantic's prefix trimmed by hand (use engine.errors.error_message)": (
        re.compile(r"Value error, "),
        {Path("engine/errors.py")},
    ),
}


def _sources():
    for folder in ("engine", "app", "widgets"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path.relative_to(ROOT), path.read_text(encoding="utf-8")


def test_no_second_copy():
    found = []
    for rel, text in _sources():
        for what, (pattern, home) in COPIES.items():
            if rel in home:
                continue
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{rel}:{line}: {what}")
    assert found == [], "\n".join(found)


def test_the_patterns_find_a_copy():
    plural, trimmed = (pattern for pattern, _home in COPIES.values())
    assert plural.search("""f"{n} step{'' if n == 1 else 's'}" """)
    assert plural.search("""f"{n} step{'s' if n != 1 else ''}" """)
    assert trimmed.search('''msg.removeprefix("Value error, ")''')
