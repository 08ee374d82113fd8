"""Run the corpus (corpus.py) in this process and print one JSON line per payload.

Usage: python -m tests.security.corpus_worker render|lint. Each payload is rendered as an
email body for the sample contact (or linted) twice, from cold caches: once timed
(perf_counter), once with tracemalloc measuring the peak of what Python allocates (big
integers and strings included; tracemalloc slows allocation-heavy code, so it does not
run while timing).
"""

from __future__ import annotations

import json
import sys
import time
import tracemalloc
from datetime import datetime, timezone

from engine.journey.data import EmailTemplate
from engine.messaging.lint import lint_template
from engine.messaging.render import _compile, render_email
from engine.messaging.sample import sample_context
from engine.templating.templates import RenderError
from tests.security.corpus import CORPUS

NOW = datetime(2026, 1, 15, 10, 0, tzinfo=timezone.utc)


def attempt(mode: str, body: str) -> tuple[str, str]:
    template = EmailTemplate(key="hostile", name="Hostile", subject="Hello", body=body)
    if mode == "lint":
        errors = [m for severity, m in lint_template(template) if severity == "error"]
        return ("error", " | ".join(errors)) if errors else ("accepted", "")
    try:
        render_email(template, sample_context(NOW))
    except RenderError as exc:
        return "error", exc.reason
    return "accepted", ""


def guarded(mode: str, body: str) -> tuple[str, str]:
    try:
        return attempt(mode, body)
    except BaseException as exc:  # reported, so the test names the payload
        return "raised", f"{type(exc).__name__}: {exc}"[:500]


def main(mode: str) -> None:
    for name, body, _expected in CORPUS:
        _compile.cache_clear()
        start = time.perf_counter()
        outcome, message = guarded(mode, body)
        seconds = time.perf_counter() - start
        _compile.cache_clear()
        tracemalloc.start()
        guarded(mode, body)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(json.dumps({"name": name, "outcome": outcome, "message": message[:2000],
                          "seconds": seconds, "peak_bytes": peak}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
