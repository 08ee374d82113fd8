"""Every payload of the hostile corpus ends with a clear error within 2 s and 50 MB.

The corpus runs in a subprocess (tests/security/corpus_worker.py), once rendered as an
email and once linted, so a payload that escaped the bounds would show as a timeout or a
crash of that process, not of the test run. The 2 s is a safety limit per payload, not a
benchmark; the memory is tracemalloc's peak, which counts big integers and strings.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.security.corpus import CORPUS

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 2.0
PEAK_BYTES = 50 * 1024 * 1024


def run_corpus(mode: str) -> dict[str, dict]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.security.corpus_worker", mode], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=len(CORPUS) * SECONDS + 30)
    assert done.returncode == 0, done.stderr[-3000:]
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return {result["name"]: result for result in results}


@pytest.fixture(scope="module")
def rendered():
    return run_corpus("render")


@pytest.fixture(scope="module")
def linted():
    return run_corpus("lint")


@pytest.mark.parametrize("name, body, expected", CORPUS, ids=[c[0] for c in CORPUS])
def test_rendering_ends_in_a_clear_error_quickly_and_small(rendered, name, body, expected):
    result = rendered[name]
    assert result["outcome"] == "error", result
    assert re.search(expected, result["message"], re.I), result["message"]
    assert result["message"].startswith("the body"), result["message"]  # the part, named
    assert result["seconds"] < SECONDS, result
    assert result["peak_bytes"] < PEAK_BYTES, result


@pytest.mark.parametrize("name, body, expected", CORPUS, ids=[c[0] for c in CORPUS])
def test_lint_calls_it_an_error_quickly_and_small(linted, name, body, expected):
    result = linted[name]
    assert result["outcome"] == "error", result
    assert result["seconds"] < SECONDS, result
    assert result["peak_bytes"] < PEAK_BYTES, result


def test_bounded_work_is_reported_as_too_slow_or_too_large_by_lint(linted):
    for name in ("tower of powers", "tower inside an if", "list of big strings joined",
                 "3000 parentheses", "straight-line comparisons"):
        assert re.search("too slow|too large|too complex", linted[name]["message"]), \
            linted[name]
