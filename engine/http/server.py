"""Running the HTTP app with uvicorn in a background thread, with a clean start and stop.

Contract:
- `parse_bind("HOST:PORT")` reads `127.0.0.1:8787`, `0.0.0.0:80`, `[::1]:8787` or `:8787`
  (loopback) and raises `BindError` with an example otherwise. `DEFAULT_BIND` is
  loopback: the server is reachable from other machines only when configured so.
- `HttpServer(app, host, port)`: `start()` binds the socket in the caller's thread (so
  "address already in use" is raised there, as `BindError`, not lost in a thread),
  starts uvicorn on it in a daemon thread and returns once it serves; `port` is the bound
  port (pass 0 for a free one); `url` its base URL. `stop()` lets requests in progress
  finish (up to `grace` seconds), closes the connections and joins the thread. uvicorn
  installs no signal handlers off the main thread: the owner handles signals and calls
  `stop()`. Logging stays the application's (uvicorn's log config is not applied).
"""

from __future__ import annotations

import asyncio
import socket
import threading

import uvicorn

from engine.errors import TrellisError

DEFAULT_BIND = "127.0.0.1:8787"


class BindError(TrellisError):
    pass


def parse_bind(text: str) -> tuple[str, int]:
    value = text.strip()
    host, sep, port_text = value.rpartition(":")
    if not sep:
        raise BindError(f"{text!r} is not HOST:PORT, e.g. 127.0.0.1:8787 or 0.0.0.0:8787")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:
        raise BindError(f"write IPv6 addresses in brackets, like [::1]:8787 (got {text!r})")
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise BindError(f"the port in {text!r} is not a number from 0 to 65535")
    return host or "127.0.0.1", int(port_text)


class HttpServer:
    def __init__(self, app, host: str = "127.0.0.1", port: int = 8787, *, grace: float = 5.0):
        self.app = app
        self.host = host
        self.port = port
        self.grace = grace
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._failed: BaseException | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def _bind(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted connections only
        # when the protocol says TCP, and without it every answer waits ~40 ms (Nagle)
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError as error:
            sock.close()
            raise BindError(f"cannot serve HTTP on {self.host}:{self.port}: {error.strerror or error}"
                            " (is another program using that port? choose one with --http)") from None
        sock.listen(2048)
        sock.setblocking(False)
        return sock

    def start(self) -> None:
        if self._thread is not None:
            return
        self._socket = self._bind()
        self.port = self._socket.getsockname()[1]
        config = uvicorn.Config(self.app, log_config=None, access_log=False, lifespan="on",
                                timeout_graceful_shutdown=self.grace, server_header=False,
                                backlog=2048)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._serve, name="trellis-http", daemon=True)
        self._thread.start()
        # the socket already listens (connections wait in its backlog); this only makes
        # sure uvicorn itself came up rather than dying in its thread
        while not self._server.started and self._thread.is_alive():
            self._thread.join(0.01)
        if not self._server.started:
            self._thread = None
            raise TrellisError(f"the HTTP server did not start: {self._failed}")

    def _serve(self) -> None:
        try:
            asyncio.run(self._server.serve(sockets=[self._socket]))
        except BaseException as error:  # noqa: BLE001 — reported by start()
            self._failed = error

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(self.grace + 5)
        self._thread = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None
