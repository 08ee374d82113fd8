"""`main.py run --render-workers 3`: emails render in the engine and two worker processes,
arrive once each over real SMTP, and the workers do not outlive an engine killed with
SIGKILL."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from engine.clock import SystemClock
from engine.intake.events import parse_event, record_events
from engine.journey.model import Journey
from tests.e2e.test_email_e2e import ROOT, prepare, wait_until
from tests.smtp_sink import SmtpSink

TOTAL = 60


def render_workers_of(pid: int) -> list[int]:
    """The spawned render workers among the children of `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and b"spawn_main" in cmdline:
            found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_run_renders_in_workers_that_end_with_it(tmp_path):
    journey = Journey("Pooled")
    journey.add_node("trigger.event", node_id="start", config={"event": "go"})
    journey.add_node("action.send_email", node_id="hello", config={"template": "hello"})
    journey.connect("start", "next", "hello")
    journey.set_template({"key": "hello", "name": "Hello", "subject": "Hello {{ contact.email }}",
                          "body": "Hi **{{ contact.email }}**, [shop](https://shop.example/)."})
    db_url, database = prepare(tmp_path, journey)
    with database.session() as session:
        record_events(session, [parse_event({"contact": f"p{i:02}@example.com", "name": "go"})
                                for i in range(TOTAL)], now=SystemClock().now(), source="test")
    with SmtpSink() as sink:
        runner = subprocess.Popen(
            [sys.executable, "main.py", "--db", db_url, "run", "--interval", "0.2",
             "--render-workers", "3", "--smtp", f"smtp://127.0.0.1:{sink.port}", "--http", "off"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert sink.wait_for(TOTAL, timeout=120), "the emails did not arrive"
            workers = render_workers_of(runner.pid)
            assert len(workers) == 2, workers
            runner.send_signal(signal.SIGKILL)
            runner.wait(timeout=30)
            deadline = time.monotonic() + 20
            while any(running(pid) for pid in workers):
                assert time.monotonic() < deadline, "render workers outlived the engine"
                time.sleep(0.1)
        finally:
            if runner.poll() is None:
                runner.kill()
            runner.communicate(timeout=30)
    recipients = sorted(m.rcpt_tos[0] for m in sink.messages)
    assert recipients == [f"p{i:02}@example.com" for i in range(TOTAL)]
    subjects = {m.parsed()["Subject"] for m in sink.messages}
    assert subjects == {f"Hello p{i:02}@example.com" for i in range(TOTAL)}
