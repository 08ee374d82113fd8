"""After the browser engine took the app down while showing its first email, the next
start previews emails in the simplified view, says why, and can try again — a real
crash (a child process killed with SIGKILL while its marker was armed) and the real
preview widget."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# QtWebEngine must be loaded before the QApplication exists (pytest-qt creates it later)
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401
from PySide6.QtWidgets import QTextBrowser

from engine.messaging.compose import RenderedEmail
from widgets import web_engine_guard
from widgets.email_preview import EmailPreview, prepare_web_engine

prepare_web_engine()
pytestmark = pytest.mark.usefixtures("delete_windows")

EMAIL = RenderedEmail("Hello", "Good to see you", "Shop", "<p>Hello <b>Ana</b></p>", "Hello Ana")
# a run that arms the guard and dies the hard way before the first email settles
CRASHING_RUN = (
    "import os, signal, sys\n"
    "from widgets import web_engine_guard\n"
    "web_engine_guard.install(sys.argv[1])\n"
    "web_engine_guard.arm()\n"
    "os.kill(os.getpid(), signal.SIGKILL)\n"
)




@pytest.fixture
def marker(tmp_path):
    path = tmp_path / "data" / "preview-engine-starting"
    yield path
    web_engine_guard.uninstall()


def crash_a_run(marker) -> None:
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    done = subprocess.run([sys.executable, "-c", CRASHING_RUN, str(marker)], cwd=root,
                          env={**os.environ, "PYTHONPATH": root}, timeout=60)
    assert done.returncode == -9 and marker.exists()


def test_a_run_whose_first_email_settles_leaves_nothing_behind(marker):
    web_engine_guard.install(marker)
    assert web_engine_guard.usable() and not marker.exists()
    web_engine_guard.arm()
    assert marker.read_text().strip() == str(os.getpid())
    web_engine_guard.settle()
    assert not marker.exists()
    web_engine_guard.arm()  # later emails of the run are not guarded
    assert not marker.exists()
    web_engine_guard.install(marker)  # the next start
    assert web_engine_guard.usable()


def test_a_clean_exit_before_the_first_email_settled_is_not_a_crash(marker):
    web_engine_guard.install(marker)
    web_engine_guard.arm()
    web_engine_guard.release()
    assert not marker.exists()
    web_engine_guard.install(marker)
    assert web_engine_guard.usable()


def test_a_crash_while_armed_turns_the_browser_engine_off_until_retried(marker):
    crash_a_run(marker)
    web_engine_guard.install(marker)
    assert not web_engine_guard.usable() and web_engine_guard.crashed_last_time()
    web_engine_guard.arm()  # nothing to guard: the engine is off
    web_engine_guard.release()
    assert marker.exists()
    web_engine_guard.install(marker)  # and it stays off at the start after
    assert not web_engine_guard.usable()
    web_engine_guard.retry()
    assert web_engine_guard.usable() and not marker.exists()


def test_another_running_trellis_starting_its_preview_is_not_a_crash(marker):
    marker.parent.mkdir(parents=True)
    marker.write_text(f"{os.getppid()}\n")  # a live process that is not this one
    web_engine_guard.install(marker)
    assert web_engine_guard.usable()


def test_without_install_nothing_is_written(tmp_path):
    web_engine_guard.uninstall()
    web_engine_guard.arm()
    web_engine_guard.settle()
    assert web_engine_guard.usable() and not list(tmp_path.iterdir())


def test_the_preview_settles_the_guard_once_its_first_email_loaded(qtbot, marker, monkeypatch):
    monkeypatch.setattr(web_engine_guard, "SETTLE_MS", 50)
    web_engine_guard.install(marker)
    preview = EmailPreview()
    qtbot.addWidget(preview)
    assert preview.uses_web_engine and not preview.retry_button.isVisibleTo(preview)
    preview.show()
    with qtbot.waitSignal(preview.web.loadFinished, timeout=20_000):
        preview.show_email(EMAIL)
        assert marker.exists()  # from the load's start until it settles
    qtbot.waitUntil(lambda: not marker.exists(), timeout=5_000)


def test_after_a_crash_the_preview_says_why_and_tries_again_on_request(qtbot, marker):
    crash_a_run(marker)
    web_engine_guard.install(marker)
    preview = EmailPreview()
    qtbot.addWidget(preview)
    preview.show()
    assert not preview.uses_web_engine and isinstance(preview.web, QTextBrowser)
    assert "closed unexpectedly" in preview.notice.text() and preview.notice.isVisible()
    assert preview.retry_button.isVisible() and not preview.dark.isEnabled()
    preview.show_email(EMAIL)
    assert "Hello Ana" in preview.web.toPlainText()  # the simplified view works meanwhile

    preview.retry_button.click()
    assert preview.uses_web_engine and isinstance(preview.web, QWebEngineView)
    assert not preview.notice.isVisible() and not preview.retry_button.isVisible()
    assert preview.dark.isEnabled()
    assert marker.exists()  # the same email, loading again: guarded as a first load
    seen = []
    qtbot.waitUntil(lambda: preview.web.page().toPlainText(seen.append) or
                    any("Hello Ana" in text for text in seen), timeout=20_000)


def test_without_qtwebengine_a_crash_marker_changes_nothing(qtbot, marker, monkeypatch):
    crash_a_run(marker)
    web_engine_guard.install(marker)
    monkeypatch.setenv("TRELLIS_NO_WEBENGINE", "1")
    preview = EmailPreview()
    qtbot.addWidget(preview)
    assert "no browser engine" in preview.notice.text()
    assert not preview.retry_button.isVisibleTo(preview)
