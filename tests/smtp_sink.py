"""A real SMTP server on loopback for tests and benchmarks (aiosmtpd), recording what arrives.

`SmtpSink()` starts on a free port (`with SmtpSink() as sink:` or start()/stop()).
- `sink.bounce` / `sink.defer`: addresses answered `550 5.1.1` / `451 4.3.0` at RCPT;
- `sink.delay`: seconds to wait before answering DATA (a slow server);
- `sink.handler.sessions`: connections seen (EHLO count); `sink.handler.on_message(n)`: a
  hook called after the n-th message is accepted;
- `sink.messages`: what arrived, as `Received(mail_from, rcpt_tos, content)`;
  `sink.wait_for(n, timeout)` waits until n messages arrived.
`python -m tests.smtp_sink PORT` runs a counting sink in its own process (benchmarks):
it prints "ready" and stops on SIGTERM.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    def parsed(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.content, policy=email.policy.default)


class RecordingHandler:
    def __init__(self, *, keep: bool = True):
        self.keep = keep
        self.bounce: set[str] = set()
        self.defer: set[str] = set()
        self.delay = 0.0
        self.messages: list[Received] = []
        self.count = 0
        #: EHLO greetings seen: one per connection
        self.sessions = 0
        #: called (in the server's thread) after each message is accepted
        self.on_message = None
        self.changed = threading.Condition()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.bounce:
            return "550 5.1.1 <%s>: no such user here" % address
        if address in self.defer:
            return "451 4.3.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.changed:
            self.count += 1
            if self.keep:
                self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                              envelope.original_content or envelope.content))
            self.changed.notify_all()
        if self.on_message is not None:
            self.on_message(self.count)
        return "250 2.0.0 OK queued"


class SmtpSink:
    def __init__(self, port: int | None = None, *, keep: bool = True, **smtp_options):
        self.handler = RecordingHandler(keep=keep)
        self.port = port or free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port,
                                     **smtp_options)

    # the handler's knobs, reachable from the sink
    bounce = property(lambda self: self.handler.bounce)
    defer = property(lambda self: self.handler.defer)
    messages = property(lambda self: self.handler.messages)

    @property
    def delay(self) -> float:
        return self.handler.delay

    @delay.setter
    def delay(self, seconds: float) -> None:
        self.handler.delay = seconds

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> "SmtpSink":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def __enter__(self) -> "SmtpSink":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def wait_for(self, count: int, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        with self.handler.changed:
            while self.handler.count < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.handler.changed.wait(left)
        return True


def main() -> None:
    stops = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stops)  # before any thread: sigwait gets them
    sink = SmtpSink(int(sys.argv[1]), keep=False).start()
    print("ready", flush=True)
    signal.sigwait(stops)
    sink.stop()


if __name__ == "__main__":
    main()
