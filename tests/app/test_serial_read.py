"""SerialRead: one read at a time; asked again meanwhile, exactly one more read after it,
with what is current then; without `again`, a request while reading is dropped."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject

from app.background import SerialRead


def test_requests_while_reading_become_one_more_read_with_the_newest_question(qtbot):
    owner = QObject()
    release = threading.Event()
    answers, started = [], []
    state = {"question": 1}

    def refresh():
        question = state["question"]

        def work(_progress, _cancelled):
            started.append(question)
            if question == 1:
                release.wait(5)  # the first read is slow: the others arrive meanwhile
            return question

        reader.run(work)

    reader = SerialRead(owner, "test-read", answers.append, again=refresh)
    refresh()
    assert reader.is_reading()
    for question in (2, 3, 4):
        state["question"] = question
        refresh()  # while the first runs: remembered, not queued
    release.set()
    qtbot.waitUntil(lambda: answers == [1, 4] and not reader.is_reading(), timeout=5000)
    assert started == [1, 4]  # the stale questions 2 and 3 were never read


def test_without_again_a_request_while_reading_is_dropped(qtbot):
    owner = QObject()
    release = threading.Event()
    answers = []
    reader = SerialRead(owner, "test-read", answers.append)
    assert reader.run(lambda _p, _c: release.wait(5) and "first")
    assert not reader.run(lambda _p, _c: "second")
    release.set()
    qtbot.waitUntil(lambda: not reader.is_reading(), timeout=5000)
    qtbot.wait(100)
    assert answers == ["first"]
