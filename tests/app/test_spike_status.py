"""The status bar's spike warning reads off the GUI thread, and a late answer overtaken by
the journeys list (or a later read) is dropped."""

from __future__ import annotations

import threading

from app import spike_status
from tests.app.journeys_list import journeys_read


def test_spike_warnings_are_read_off_the_gui_thread(qtbot, shown_window, monkeypatch):
    window = shown_window
    journeys_read(qtbot, window)  # the list's own answer says no spikes: let it come first
    readers, release = [], threading.Event()

    def read(_database):
        readers.append(threading.current_thread())
        if len(readers) > 1:
            release.wait(5)  # the second read is slow
        return [(7, "Welcome series", ["Unsubscribes are spiking: 2.0% of the last 200"])]

    monkeypatch.setattr(spike_status, "_read_spikes", read)
    status = window.spike_status
    status.refresh()
    assert status.is_reading()
    qtbot.waitUntil(lambda: not status.is_reading(), timeout=5000)
    assert readers[0] is not threading.current_thread()
    assert status.text() == "⚠ Welcome series: Unsubscribes are spiking: 2.0% of the last 200"
    assert status.first == 7

    status.refresh()  # slow: the journeys list answers first, with no spikes
    status.show([])
    assert status.text() == ""
    release.set()
    qtbot.waitUntil(lambda: not status.is_reading(), timeout=5000)
    assert status.text() == "" and status.first is None  # the late answer was dropped
