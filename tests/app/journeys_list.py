"""Waiting for the Journeys list in window tests: its rows are read off the GUI thread."""

from __future__ import annotations


def journeys_read(qtbot, window, timeout: int = 10_000):
    """Wait until the Journeys page shows its latest read; returns the page."""
    page = window.journeys_page
    qtbot.waitUntil(lambda: not page.loading, timeout=timeout)
    return page
