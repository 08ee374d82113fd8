"""Block emails hold up in a browser engine: no horizontal scroll at 320 and 600 px.

The compiled HTML (MJML) of an email with every kind of block, rendered for the sample
contact, is loaded into QtWebEngine at a phone's and a desktop's width; the page must fit
(`document.documentElement.scrollWidth` within the viewport), and columns must stack on
the phone and sit side by side on the desktop.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets", reason="QtWebEngine is not installed")
from PySide6.QtCore import QUrl  # noqa: E402
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: E402

from engine.messaging.preview import render_preview  # noqa: E402
from tests.blocks_samples import block_template  # noqa: E402
from widgets.email_preview import prepare_web_engine  # noqa: E402

prepare_web_engine()

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
MEASURE = ("JSON.stringify({scroll: document.documentElement.scrollWidth, "
           "inner: window.innerWidth, "
           "tops: Array.from(document.querySelectorAll('h3')).map(e => e.getBoundingClientRect().top)})")


def load(qtbot, html: str, width: int) -> dict:
    import json

    view = QWebEngineView()
    qtbot.addWidget(view)
    view.resize(width, 900)
    view.show()
    with qtbot.waitSignal(view.loadFinished, timeout=30_000) as loaded:
        view.setHtml(html, QUrl("https://preview.invalid/"))
    if not loaded.args[0]:
        pytest.skip("QtWebEngine could not load a page here")
    seen = []
    qtbot.waitUntil(lambda: view.page().runJavaScript(MEASURE, 0, seen.append) or bool(seen),
                    timeout=10_000)
    if os.environ.get("TRELLIS_SHOTS"):
        qtbot.wait(300)
        view.grab().save(os.path.join(os.environ["TRELLIS_SHOTS"], f"blocks-{width}.png"))
    return json.loads(seen[0])


@pytest.mark.parametrize("width", [320, 600])
def test_a_block_email_never_scrolls_sideways(qtbot, width):
    html = render_preview(block_template(), now=NOW).html
    measured = load(qtbot, html, width)
    assert measured["inner"] == width
    assert measured["scroll"] <= measured["inner"], measured
    tops = measured["tops"]  # the three column headings
    assert len(tops) == 3
    if width == 320:
        assert tops[0] < tops[1] < tops[2]  # stacked
    else:
        assert max(tops) - min(tops) < 2  # side by side


@pytest.mark.parametrize("width", [320, 600])
def test_no_starter_design_or_starter_journey_email_scrolls_sideways(qtbot, width):
    from engine.journey.file_format import read_journey_file
    from engine.messaging.starter_emails import starter_designs
    from tests.engine.test_starter_journeys import JOURNEYS

    emails = list(starter_designs())
    for path in sorted(JOURNEYS.glob("*.journey.json")):
        emails += [t for t in read_journey_file(path).document.templates if t.format == "blocks"]
    assert len(emails) == 6 + 15
    for template in emails:
        measured = load(qtbot, render_preview(template, now=NOW).html, width)
        assert measured["scroll"] <= measured["inner"] == width, (template.key, measured)
