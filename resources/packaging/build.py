"""Build the Trellis bundle with PyInstaller: `python resources/packaging/build.py`.

Contract: renders the app icon (PNG; ICO on Windows, ICNS on macOS) with Qt into
`resources/packaging/build-icons/`, runs PyInstaller on `trellis.spec` into `--dist`
(default `dist/`) with its work files in `--work` (default `build/pyinstaller`), and on
Linux adds `share/` to the bundle: the .desktop entry, the 256 px icon, the
`.journey.json` MIME type and `install.sh`. Prints the bundle's folder and size.
Exit code 0 when built, 1 when PyInstaller failed, 2 when PyInstaller is not installed.
Why PyInstaller: it bundles PySide6 with QtWebEngine (the email preview) from the
ordinary virtual environment on Linux, macOS and Windows with one spec, its hooks know
PySide6, and it needs no project restructuring (Briefcase wants its own project
layout; pyside6-deploy compiles with Nuitka, which takes far longer on small machines).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ICONS = HERE / "build-icons"


def render_icons() -> None:
    """trellis.png (256 px) and, where the platform needs them, .ico / .icns."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 — pixmaps need one
    from widgets.icons import icon

    ICONS.mkdir(exist_ok=True)
    image = icon("trellis", "accent").pixmap(256, 256).toImage()
    if not image.save(str(ICONS / "trellis.png")):
        raise OSError("could not write the PNG icon")
    for suffix in (".ico", ".icns"):  # Qt's image plugins write both, where installed
        image.save(str(ICONS / f"trellis{suffix}"))


def linux_share(bundle: Path) -> None:
    share = bundle / "share"
    for folder, source, name in (
        ("applications", HERE / "linux" / "trellis.desktop", "trellis.desktop"),
        ("icons/hicolor/256x256/apps", ICONS / "trellis.png", "trellis.png"),
        ("mime/packages", HERE / "linux" / "trellis-mime.xml", "trellis.xml"),
    ):
        (share / folder).mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, share / folder / name)
    shutil.copy2(HERE / "linux" / "install.sh", share / "install.sh")


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    args = parser.parse_args(argv)
    try:
        import PyInstaller.__main__ as pyinstaller
    except ImportError:
        print("build: PyInstaller is not installed (pip install 'trellis[packaging]')",
              file=sys.stderr)
        return 2
    render_icons()
    try:
        pyinstaller.run([str(HERE / "trellis.spec"), "--noconfirm", "--log-level", "WARN",
                         "--distpath", str(args.dist), "--workpath", str(args.work)])
    except SystemExit as exit_:  # PyInstaller exits on errors
        if exit_.code:
            return 1
    bundle = args.dist / "trellis"
    if sys.platform.startswith("linux"):
        linux_share(bundle)
    print(f"built {bundle} ({folder_size(bundle) / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
