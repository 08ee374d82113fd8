"""Starting Trellis at login: `Autostart(command=None, platform=None)`.

Contract:
- `command` is what the login starts: the frozen bundle's executable, else this Python
  with `main.py`, followed by `--hidden` (it comes up in the tray) and `--db URL` when the
  app runs on a database given on its command line (a password in that URL is left out:
  the keychain or TRELLIS_DB holds it, never a file in the user's folder).
- `enabled() -> bool` and `set_enabled(bool)` read and write the platform's own place:
  * Linux and other XDG desktops: `$XDG_CONFIG_HOME/autostart/trellis.desktop`
    (default ~/.config), written atomically; off removes it.
  * macOS: the LaunchAgent `~/Library/LaunchAgents/app.trellis.Trellis.plist`
    (RunAtLoad), made with plistlib.
  * Windows: the value "Trellis" under HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run.
  `linux_entry()`, `macos_plist()` and `windows_value()` return what is written, so each
  platform's content is testable anywhere; the file paths take `home`/`config_home`
  (the Windows registry is written only on Windows).
- Off by default: nothing is written until `set_enabled(True)`. OSError when the place
  cannot be written, with the path in the message.
"""

from __future__ import annotations

import os
import plistlib
import subprocess
import sys
import tempfile
from pathlib import Path

ENTRY_NAME = "trellis.desktop"
AGENT_LABEL = "app.trellis.Trellis"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE = "Trellis"
ROOT = Path(__file__).resolve().parent.parent


def launch_command(db_url: str | None = None) -> list[str]:
    """The command a login runs: this app, hidden in the tray, on the same database."""
    if getattr(sys, "frozen", False):
        command = [sys.executable]
    else:
        command = [sys.executable, str(ROOT / "main.py")]
    command.append("--hidden")
    if db_url:
        from sqlalchemy.engine import make_url

        url = make_url(db_url)._replace(password=None)  # set() ignores None
        command += ["--db", url.render_as_string(hide_password=False)]
    return command


def _platform_kind(platform: str) -> str:
    if platform.startswith("win"):
        return "windows"
    if platform == "darwin":
        return "macos"
    return "xdg"


class Autostart:
    def __init__(self, command: list[str] | None = None, platform: str | None = None,
                 home: Path | None = None, config_home: Path | None = None):
        self.command = command or launch_command()
        self.kind = _platform_kind(platform or sys.platform)
        self.home = home or Path.home()
        self._config_home = config_home

    # ---- what is written, per platform -----------------------------------------------------

    def linux_entry(self) -> str:
        exec_line = " ".join(_desktop_quote(arg) for arg in self.command)
        return ("[Desktop Entry]\n"
                "Type=Application\n"
                "Name=Trellis\n"
                "Comment=Keeps your customer journeys sending\n"
                f"Exec={exec_line}\n"
                "Icon=trellis\n"
                "Terminal=false\n"
                "X-GNOME-Autostart-enabled=true\n"
                "X-GNOME-Autostart-Delay=5\n")

    def macos_plist(self) -> bytes:
        return plistlib.dumps({
            "Label": AGENT_LABEL,
            "ProgramArguments": list(self.command),
            "RunAtLoad": True,
            "ProcessType": "Interactive",
        })

    def windows_value(self) -> str:
        return subprocess.list2cmdline(self.command)

    # ---- where -------------------------------------------------------------------------------

    def path(self) -> Path | None:
        """The file that holds the login item (None on Windows: a registry value)."""
        if self.kind == "xdg":
            config = self._config_home or Path(
                os.environ.get("XDG_CONFIG_HOME") or self.home / ".config")
            return config / "autostart" / ENTRY_NAME
        if self.kind == "macos":
            return self.home / "Library" / "LaunchAgents" / f"{AGENT_LABEL}.plist"
        return None

    def enabled(self) -> bool:
        if self.kind == "windows":
            return self._windows_read() is not None
        return self.path().is_file()

    def set_enabled(self, on: bool) -> None:
        if self.kind == "windows":
            self._windows_write(self.windows_value() if on else None)
            return
        path = self.path()
        if not on:
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError as error:
                raise OSError(f"could not remove {path}: {error.strerror}") from None
            return
        content = (self.linux_entry().encode() if self.kind == "xdg" else self.macos_plist())
        try:
            _write_atomically(path, content)
        except OSError as error:
            raise OSError(f"could not write {path}: {error.strerror or error}") from None

    # ---- Windows (runs only there) ------------------------------------------------------------

    def _windows_read(self) -> str | None:  # pragma: no cover — needs Windows
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                return winreg.QueryValueEx(key, RUN_VALUE)[0]
        except FileNotFoundError:
            return None

    def _windows_write(self, value: str | None) -> None:  # pragma: no cover — needs Windows
        import winreg

        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
            if value is None:
                try:
                    winreg.DeleteValue(key, RUN_VALUE)
                except FileNotFoundError:
                    pass
            else:
                winreg.SetValueEx(key, RUN_VALUE, 0, winreg.REG_SZ, value)


def _desktop_quote(arg: str) -> str:
    """Quote one argument of a .desktop Exec line (Desktop Entry Specification)."""
    if arg and not any(c in arg for c in ' \t\n"\'\\><~|&;$*?#()`%'):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`")
    return '"' + escaped.replace("$", "\\$").replace("%", "%%") + '"'


def _write_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise
