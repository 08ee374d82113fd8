"""One Trellis per database: a second launch hands its files to the running one and leaves.

Contract:
- `server_name(db_url) -> str`: the local-socket name for a database, derived from its
  identity: for an SQLite file that exists, its device and inode (the same file reached by
  another path, a symlink or a hard link is the same database), else its resolved path;
  for a server database (PostgreSQL), the URL without its password. The name is short
  (a hash), so it fits macOS's socket-path limit and Windows pipe names.
- `send_to_running(name, message, timeout_ms) -> bool`: True when a Trellis listens on
  `name`, received `message` (a JSON-able dict) and answered it; False when none runs.
- `InstanceServer(name)`: `listen()` takes the name (a stale socket left by a crash is
  removed first) and emits `message_received(dict)` for every message a later launch
  sends; each is answered "ok" once the signal's slots ran. A message that is not a JSON
  object is answered "error" and not emitted.
- `launch_message(files, hidden)`: what a launch sends: absolute paths of the
  `.journey.json` files to open and whether to show the window (not for `--hidden`).
Call these with a QCoreApplication in place (the app creates it first: cheap).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

PREFIX = "trellis-"
CONNECT_MS = 500
#: the running app answers after opening the files (an import may show a dialog first:
#: the second launch then gives up waiting, the running app still opens them)
ANSWER_MS = 10_000


def database_identity(db_url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        url = make_url(db_url)
    except Exception:  # noqa: BLE001 — not a URL: opening it will say so; name it as given
        return f"raw:{db_url}"
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return f"sqlite-memory:{os.getpid()}"  # never shared between processes
        path = Path(url.database).expanduser().resolve()
        try:
            stat = path.stat()
        except OSError:
            return f"sqlite-path:{path}"
        return f"sqlite-inode:{stat.st_dev}:{stat.st_ino}"
    # the same server and database whatever the password or driver spelled in the URL
    return "url:" + url._replace(drivername=url.get_backend_name(), password=None).render_as_string(
        hide_password=False)


def server_name(db_url: str) -> str:
    digest = hashlib.sha256(database_identity(db_url).encode()).hexdigest()[:20]
    user = hashlib.sha256(os.path.expanduser("~").encode()).hexdigest()[:6]
    return f"{PREFIX}{user}-{digest}"


def launch_message(files: list[str | os.PathLike], hidden: bool = False) -> dict:
    return {"files": [str(Path(f).expanduser().resolve()) for f in files], "show": not hidden}


def send_to_running(name: str, message: dict, timeout_ms: int = ANSWER_MS) -> bool:
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write(json.dumps(message).encode() + b"\n")
    socket.waitForBytesWritten(CONNECT_MS)
    answer = b""
    while b"\n" not in answer and socket.waitForReadyRead(timeout_ms):
        answer += bytes(socket.readAll())
    socket.disconnectFromServer()
    # connected and delivered: even without an answer in time, the running app has it
    return True


class InstanceServer(QObject):
    message_received = Signal(dict)

    def __init__(self, name: str, parent: QObject | None = None):
        super().__init__(parent)
        self.name = name
        self._server = QLocalServer(self)
        # only this user may talk to it (Unix socket permissions; Windows pipe ACL)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        if self._server.listen(self.name):
            return True
        # a socket file left by a crashed Trellis: nobody answers on it, so take it over
        QLocalServer.removeServer(self.name)
        return self._server.listen(self.name)

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _forget(self, socket: QLocalSocket) -> None:
        # dropped from the buffers only: the server owns the socket and deletes it with
        # itself (a deleteLater here raced the server's own deletion at shutdown)
        self._buffers.pop(socket, None)

    def _read(self, socket: QLocalSocket) -> None:
        data = self._buffers.get(socket, b"") + bytes(socket.readAll())
        self._buffers[socket] = data
        if b"\n" not in data:
            return
        line = data.split(b"\n", 1)[0]
        try:
            message = json.loads(line)
            if not isinstance(message, dict):
                raise ValueError("not an object")
        except ValueError:
            socket.write(b"error\n")
            socket.flush()
            return
        self.message_received.emit(message)
        socket.write(b"ok\n")
        socket.flush()
