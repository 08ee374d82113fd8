"""Spreadsheet formula injection (CSV injection): the OWASP rule for cells Trellis writes.

Contract: `neutralise(value)` returns the value with a leading apostrophe when it starts
with a character a spreadsheet reads as the start of a formula (`=`, `+`, `-`, `@`, tab,
carriage return) — a contact named `=HYPERLINK("http://evil","click")` then shows as text
instead of running. Values that already start with apostrophes before such a character get
one more, so `restore(neutralise(v)) == v` for every text: `restore` removes exactly one
leading apostrophe from a value that `neutralise` would have marked. The CSV writer does
the quoting (OWASP's second half). See https://owasp.org/www-community/attacks/CSV_Injection
"""

from __future__ import annotations

import re

TRIGGERS = "=+-@\t\r"
_MARKED = re.compile(r"'*[=+\-@\t\r]")


def neutralise(value: str) -> str:
    return "'" + value if _MARKED.match(value) else value


def restore(value: str) -> str:
    return value[1:] if value.startswith("'") and _MARKED.match(value, 1) else value
