"""The Linux bundle: built with PyInstaller from resources/packaging, it starts without
the virtual environment (a bare environment, another working folder) on a fresh
database and takes a screenshot of its window. Slow (a few minutes): marked `slow`."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="builds the Linux bundle")
def test_the_linux_bundle_builds_starts_and_takes_a_screenshot(tmp_path):
    pytest.importorskip("PyInstaller", reason="PyInstaller is not installed "
                        "(pip install 'trellis[packaging]')")
    dist, work = tmp_path / "dist", tmp_path / "work"
    built = subprocess.run(
        [sys.executable, str(ROOT / "resources" / "packaging" / "build.py"),
         "--dist", str(dist), "--work", str(work)],
        cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert built.returncode == 0, built.stderr[-3000:]
    bundle = dist / "trellis"
    print(built.stdout.strip().splitlines()[-1])  # "built … (N MB)"

    # the desktop integration travels with it
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(bundle / "share" / "applications" / "trellis.desktop")
    assert entry["Desktop Entry"]["MimeType"] == "application/x-trellis-journey;"
    assert entry["Desktop Entry"]["Exec"] == "trellis %F"
    assert (bundle / "share" / "icons" / "hicolor" / "256x256" / "apps" / "trellis.png").stat().st_size > 1000
    mime = (bundle / "share" / "mime" / "packages" / "trellis.xml").read_text()
    assert 'pattern="*.journey.json"' in mime

    # no Python of ours: a bare environment, started from an unrelated folder
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
           "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(home / ".config"),
           "TRELLIS_LOG_DIR": str(home / "log")}
    shot = tmp_path / "shot.png"
    db = f"sqlite:///{tmp_path / 'fresh.db'}"
    ran = subprocess.run([str(bundle / "trellis"), "--db", db, "screenshot", str(shot),
                          "--size", "1200x800"],
                         cwd=home, env=env, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr[-3000:]
    from PySide6.QtGui import QImage

    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1200, 800)
    assert len({image.pixel(x, 400) for x in range(0, 1200, 10)}) > 3  # drawn, not blank

    # the app itself comes up (the window is shown) on that database
    shown = subprocess.run([str(bundle / "trellis"), "--db", db], cwd=home,
                           env={**env, "TRELLIS_EXIT_AFTER_SHOW": "1"},
                           capture_output=True, text=True, timeout=300)
    assert shown.returncode == 0, shown.stderr[-3000:]
    assert "trellis: window shown" in shown.stdout
    assert (home / "log" / "trellis.log").is_file()
    assert os.access(bundle / "share" / "install.sh", os.X_OK)


def test_the_bundle_keeps_qtcharts_for_the_results_charts():
    """The Results view and the dashboard draw with QtCharts: the spec must neither exclude
    the module nor drop the Qt libraries it links to."""
    import re

    spec = (ROOT / "resources" / "packaging" / "trellis.spec").read_text()
    excludes = re.search(r"excludes=\[(.*?)\]", spec, re.S).group(1)
    dropped = re.search(r"QML_ONLY = \((.*?)\)", spec, re.S).group(1)
    assert '"PySide6.QtCharts"' not in excludes
    for library in ("libQt6Charts", "libQt6OpenGLWidgets", "libQt6OpenGL\""):
        assert library not in dropped
