"""Benchmark: delivery (outbox → SMTP) and intake (HTTP → events), against their ceilings.

Run `python -m tests.benchmarks.delivery [--messages N] [--seconds S]`. It prints ONE
JSON line:
- `sink_msgs_per_s`: a plain smtplib loop sending one ready-made email over one
  connection to a local aiosmtpd sink running in its own process: the ceiling (the mean
  of a run before and one after the 1-connection delivery run);
- `delivered_msgs_per_s_1conn`, `delivered_msgs_per_s_4conn`: `DeliveryWorker.drain()`
  of N queued outbox rows (a typical rendered email, each with its own key and address)
  into the same sink: claims, MIME, SMTP, results, after a warm-up drain;
  `ratio_1conn_to_sink` compares (target ≥ 0.8). With 4 connections the single-process
  sink is the limit;
- `mime_ms_build_mime`, `mime_ms_fast`: building one email's bytes the standard-library
  way (`compose.build_mime(...).as_bytes()`) and the fast path delivery uses (wire.py);
- `intake_events_per_s_single`: single-event POSTs from 32 keep-alive connections to our
  server (uvicorn, its own process, SQLite), `..._single_1conn` the same from one
  connection (the naive client), and `intake_events_per_s_batch`: POSTs of 1,000 events
  from 4 connections. Every event is checked to be stored.
The load client is a minimal asyncio HTTP/1.1 client (httpx would be the bottleneck).
Not a test: pytest does not collect it. Figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import smtplib
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from tests.smtp_sink import free_port

ROOT = Path(__file__).resolve().parents[2]
SENDER = "hello@shop.example"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
WARM_UP = 100


def _rendered():
    from engine.messaging.render import render_email
    from engine.messaging.sample import sample_context
    from tests.benchmarks.render import template

    return render_email(template(), sample_context(NOW))


def _mime_arguments(index: int) -> dict:
    return {"to": f"c{index}@example.com", "from_addr": SENDER, "from_name": "Trellis Shöp",
            "message_id_key": f"enrollment:{index}:email:1",
            "unsubscribe_https": f"https://mail.shop.example/u/token{index}.signature",
            "unsubscribe_mailto": f"mailto:{SENDER}?subject=unsubscribe%20token{index}",
            "domain": "shop.example", "date": NOW}


def _start(module_args: list[str], ready: str) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", *module_args], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE)
    line = process.stdout.readline()
    if not line.startswith(ready):
        process.kill()
        raise RuntimeError(f"{module_args} did not start: {line!r}")
    return process


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=30)


# --- MIME ------------------------------------------------------------------------------

def measure_mime(rendered, count: int = 300) -> tuple[float, float]:
    from engine.delivery.wire import mime_bytes
    from engine.messaging.compose import build_mime

    start = time.perf_counter()
    for index in range(count):
        build_mime(rendered, **_mime_arguments(index)).as_bytes()
    slow = (time.perf_counter() - start) / count
    start = time.perf_counter()
    for index in range(count):
        mime_bytes(rendered, **_mime_arguments(index))
    fast = (time.perf_counter() - start) / count
    return slow * 1000, fast * 1000


# --- SMTP ------------------------------------------------------------------------------

def measure_sink(port: int, data: bytes, count: int) -> float:
    smtp = smtplib.SMTP("127.0.0.1", port, local_hostname="bench")
    smtp.ehlo()
    start = time.perf_counter()
    for index in range(count):
        smtp.sendmail(SENDER, [f"c{index}@example.com"], data)
    elapsed = time.perf_counter() - start
    smtp.quit()
    return count / elapsed


def measure_delivery(folder: Path, port: int, rendered, count: int, connections: int) -> float:
    from sqlalchemy import func, select

    from engine.clock import SystemClock
    from engine.db import open_database
    from engine.db.models import Message
    from engine.delivery.smtp_settings import parse_smtp_url
    from engine.delivery.worker import DeliveryWorker
    from engine.settings import AppSettings, save_settings

    database = open_database(f"sqlite:///{folder / f'delivery{connections}.db'}")
    settings, _ = parse_smtp_url(f"smtp://127.0.0.1:{port}")
    worker = DeliveryWorker(database, SystemClock(), settings.model_copy(
        update={"connections": connections}), exclusive=True)
    with database.session() as session:
        save_settings(session, AppSettings(sender_email=SENDER, sender_name="Trellis Shöp"))
    _queue(database, rendered, range(count, count + WARM_UP))
    worker.drain()  # warm up: first-use costs (statement compilation, imports) are not the rate
    _queue(database, rendered, range(count))
    start = time.perf_counter()
    report = worker.drain()
    elapsed = time.perf_counter() - start
    with database.session() as session:
        sent = session.scalar(select(func.count()).where(Message.status == "sent"))
    database.dispose()
    if report.sent != count or sent != count + WARM_UP:
        raise RuntimeError(f"delivered {report.sent} of {count}: {report}")
    return count / elapsed


def _queue(database, rendered, indexes) -> None:
    from sqlalchemy import insert

    from engine.db.models import Message

    with database.session() as session:
        session.execute(insert(Message), [
            {"idempotency_key": f"enrollment:{i}:email:1", "to_address": f"c{i}@example.com",
             "category": "marketing", "subject": rendered.subject, "html": rendered.html,
             "text": rendered.text, "status": "queued", "attempts": 0, "retry_at": NOW,
             "queued_at": NOW, "headers": {
                 "from_name": rendered.from_name, "preheader": rendered.preheader,
                 "list_unsubscribe": f"https://mail.shop.example/u/token{i}.signature",
                 "list_unsubscribe_mailto": f"mailto:{SENDER}?subject=unsubscribe%20token{i}"}}
            for i in indexes])


# --- HTTP intake -----------------------------------------------------------------------

async def _post_loop(port: int, request: bytes, deadline: float, counts: dict[int, int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.monotonic() < deadline:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            counts[status] = counts.get(status, 0) + 1
    finally:
        writer.close()


def _request(key: str, body: bytes) -> bytes:
    return (f"POST /v1/events HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode() + body


def post_for(port: int, request: bytes, connections: int, seconds: float) -> tuple[int, float]:
    counts: dict[int, int] = {}

    async def run() -> float:
        deadline = time.monotonic() + seconds
        start = time.monotonic()
        await asyncio.gather(*(_post_loop(port, request, deadline, counts)
                               for _ in range(connections)))
        return time.monotonic() - start

    elapsed = asyncio.run(run())
    if set(counts) != {202}:
        raise RuntimeError(f"unexpected answers: {counts}")
    return counts[202], elapsed


def measure_intake(folder: Path, seconds: float) -> dict[str, float]:
    from sqlalchemy import func, select

    from engine.db import open_database
    from engine.db.models import Event

    db_url = f"sqlite:///{folder / 'intake.db'}"
    port = free_port()
    server = _start(["tests.benchmarks.delivery", "--serve", db_url, str(port)], "key ")
    key = server.stdout.readline().strip()
    try:
        single = json.dumps({"contact": "ana@example.com", "name": "page_viewed",
                             "properties": {"path": "/tea"}}).encode()
        batch = json.dumps([{"contact": f"c{i % 500}@example.com", "name": "page_viewed",
                             "properties": {"path": f"/p/{i}"}} for i in range(1000)]).encode()
        post_for(port, _request(key, single), 8, 1.0)  # warm up: contact, caches, pools
        one, one_time = post_for(port, _request(key, single), 1, seconds / 2)
        many, many_time = post_for(port, _request(key, single), 32, seconds)
        batches, batch_time = post_for(port, _request(key, batch), 4, seconds)
    finally:
        _stop(server)
    database = open_database(db_url)
    with database.session() as session:
        stored = session.scalar(select(func.count()).select_from(Event))
    database.dispose()
    posted = one + many + batches * 1000
    if stored < posted:  # the warm-up adds some
        raise RuntimeError(f"{posted} events accepted but {stored} stored")
    return {"intake_events_per_s_single": many / many_time,
            "intake_events_per_s_single_1conn": one / one_time,
            "intake_events_per_s_batch": batches * 1000 / batch_time}


def serve(db_url: str, port: int) -> None:
    """The intake server in its own process (the load client must not share its GIL)."""
    import signal

    from engine.clock import SystemClock
    from engine.db import open_database
    from engine.http.api_key import ensure_api_key
    from engine.http.app import create_app
    from engine.http.server import HttpServer

    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    database = open_database(db_url)
    key, _ = ensure_api_key(database, SystemClock().now())
    server = HttpServer(create_app(database, SystemClock(), lambda: None), "127.0.0.1", port)
    server.start()
    print("key ", flush=True)
    print(key, flush=True)
    signal.sigwait({signal.SIGTERM})
    server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--serve", nargs=2, metavar=("DB_URL", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return

    from engine.messaging.compose import build_mime

    rendered = _rendered()
    result: dict[str, float | int] = {"messages": args.messages}
    result["mime_ms_build_mime"], result["mime_ms_fast"] = measure_mime(rendered)
    data = build_mime(rendered, **_mime_arguments(0)).as_bytes()
    port = free_port()
    sink = _start(["tests.smtp_sink", str(port)], "ready")
    try:
        with tempfile.TemporaryDirectory() as folder:
            measure_sink(port, data, 200)  # warm up
            # the ceiling is measured before and after (the mean): the machine's load drifts
            before = measure_sink(port, data, args.messages)
            result["delivered_msgs_per_s_1conn"] = measure_delivery(
                Path(folder), port, rendered, args.messages, 1)
            after = measure_sink(port, data, args.messages)
            result["sink_msgs_per_s"] = (before + after) / 2
            result["delivered_msgs_per_s_4conn"] = measure_delivery(
                Path(folder), port, rendered, args.messages, 4)
            result["ratio_1conn_to_sink"] = (result["delivered_msgs_per_s_1conn"]
                                             / result["sink_msgs_per_s"])
    finally:
        _stop(sink)
    with tempfile.TemporaryDirectory() as folder:
        result.update(measure_intake(Path(folder), args.seconds))
    print(json.dumps({k: round(v, 3 if isinstance(v, float) and v < 10 else 0)
                      if isinstance(v, float) else v for k, v in result.items()}))


if __name__ == "__main__":
    main()
