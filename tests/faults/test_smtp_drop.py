"""An SMTP server that drops the connection in the middle of DATA: the message becomes
`uncertain` with a reason (the server may have it) and is never sent again by itself; the
next message goes out on a fresh connection."""

from __future__ import annotations

import socket
from datetime import timedelta
import threading

import pytest

from tests.engine.mail_harness import email_journey, mail_harness, queue_emails, worker_for


class DroppingServer:
    """A real SMTP server on loopback that hangs up after `cut` bytes of the first DATA."""

    def __init__(self, cut: int = 200):
        self.cut = cut
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"smtp://127.0.0.1:{self.port}"
        self.completed: list[bytes] = []
        self.dropped = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.listener.close()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(connection,), daemon=True).start()

    def _session(self, connection: socket.socket) -> None:
        reader = connection.makefile("rb")
        send = lambda line: connection.sendall(line.encode() + b"\r\n")  # noqa: E731
        try:
            send("220 drop.example ESMTP")
            while line := reader.readline():
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    send("250 drop.example")
                elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                    send("250 OK")
                elif verb == b"QUIT":
                    send("221 bye")
                    return
                elif verb == b"DATA":
                    send("354 go ahead")
                    if self.dropped == 0:
                        reader.read(self.cut)
                        self.dropped += 1
                        return  # hang up mid-DATA
                    body = b""
                    while (chunk := reader.readline()) not in (b".\r\n", b""):
                        body += chunk
                    self.completed.append(body)
                    send("250 queued")
                else:
                    send("502 not implemented")
        except OSError:
            pass
        finally:
            connection.close()


@pytest.fixture
def h(db, clock):
    harness = mail_harness(db, clock)
    harness.settings(sender_name="Shop", sender_email="hello@shop.example")
    harness.publish(email_journey("drop", "hello"))
    return harness


def test_a_connection_dropped_mid_data_is_uncertain_and_never_resent(h, db, clock):
    queue_emails(h, "drop", ["ana@example.com", "bo@example.com"])
    with DroppingServer() as server:
        worker = worker_for(server, db, clock)
        worker.drain()
        worker.drain()
        clock.advance(timedelta(minutes=30))
        worker.drain()
        by_status = {m.to_address: (m.status, m.last_error) for m in h.messages()}
        statuses = sorted(status for status, _ in by_status.values())
        assert statuses == ["sent", "uncertain"], by_status
        [(reason)] = [error for status, error in by_status.values() if status == "uncertain"]
        assert "connection broke while the message was being handed over" in reason
        assert server.dropped == 1 and len(server.completed) == 1
