"""One Trellis per database: the socket name follows the database's identity, and a second
launch (a real second process) hands its journey file to the running app (a real first
process, offscreen, on a temp database) and exits 0; SIGTERM then quits the first cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import SUFFIX, split_journey_files
from app.single_instance import (
    InstanceServer, database_identity, launch_message, send_to_running, server_name,
)
from engine.journey import file_format as journey_file

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "abandoned-cart.journey.json"


def test_the_name_follows_the_database_not_the_spelling(tmp_path):
    db = tmp_path / "a.db"
    db.write_bytes(b"")
    link = tmp_path / "link.db"
    link.symlink_to(db)
    hard = tmp_path / "hard.db"
    os.link(db, hard)
    other = tmp_path / "b.db"
    other.write_bytes(b"")
    name = server_name(f"sqlite:///{db}")
    assert name == server_name(f"sqlite:///{link}") == server_name(f"sqlite:///{hard}")
    assert name == server_name(f"sqlite:///{tmp_path}/./sub/../a.db")
    assert name != server_name(f"sqlite:///{other}")
    assert database_identity(f"sqlite:///{tmp_path}/none.db").startswith("sqlite-path:")
    pg = "postgresql+psycopg://ann:secret@db.example.com:5432/shop"
    assert server_name(pg) == server_name("postgresql://ann:other@db.example.com:5432/shop")
    assert server_name(pg) != server_name("postgresql://ann@db.example.com:5432/other")
    assert "secret" not in database_identity(pg)
    assert len(name) < 40  # fits a socket path on macOS


def test_journey_files_are_told_from_commands():
    assert split_journey_files(["a.journey.json", "--hidden"]) == (["a.journey.json"], ["--hidden"])
    assert split_journey_files(["--db", "x.journey.json", "b.journey.json"]) == (
        ["b.journey.json"], ["--db", "x.journey.json"])
    # after a command, everything is the command's (screenshot --journey FILE)
    assert split_journey_files(["screenshot", "o.png", "--journey", "j.journey.json"]) == (
        [], ["screenshot", "o.png", "--journey", "j.journey.json"])
    assert SUFFIX == journey_file.SUFFIX


def test_a_missing_journey_file_is_a_usage_error(tmp_path, capsys):
    from app.cli import main

    assert main([str(tmp_path / "gone.journey.json")]) == 2
    assert "no such journey file" in capsys.readouterr().err


def test_the_server_answers_and_passes_messages_on(qtbot, tmp_path):
    name = server_name(f"sqlite:///{tmp_path}/s.db") + "-t"
    server = InstanceServer(name)
    assert server.listen()
    got = []
    server.message_received.connect(got.append)
    try:
        message = launch_message([EXAMPLE], hidden=False)
        assert message == {"files": [str(EXAMPLE)], "show": True}
        # the sender blocks while it waits for the answer; the server answers from this
        # thread's event loop, so it is sent from a helper process
        code = ("import sys, json; from PySide6.QtCore import QCoreApplication; "
                "app = QCoreApplication([]); "
                "from app.single_instance import send_to_running; "
                f"print(send_to_running({name!r}, json.loads(sys.argv[1])))")
        sender = subprocess.Popen([sys.executable, "-c", code, json.dumps(message)], cwd=ROOT,
                                  stdout=subprocess.PIPE, text=True)
        qtbot.waitUntil(lambda: got == [message], timeout=20000)
        out, _ = sender.communicate(timeout=20)
        assert out.strip() == "True"
    finally:
        server.close()
    assert not send_to_running(name, {"files": []}, timeout_ms=500)  # nobody listens now


def _env(tmp_path):
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"),
               TRELLIS_LOG_DIR=str(tmp_path / "log"))
    env.pop("TRELLIS_EXIT_AFTER_SHOW", None)
    return env


def _journeys(db_url):
    from engine.db import open_database
    from engine.db.models import JourneyRow

    database = open_database(db_url)
    try:
        with database.session() as session:
            return sorted(session.scalars(select(JourneyRow.name)))
    finally:
        database.dispose()


@pytest.mark.slow
def test_a_second_launch_hands_its_file_to_the_running_app(qapp, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'shop.db'}"
    env = _env(tmp_path)
    first = subprocess.Popen([sys.executable, "main.py", "--db", db_url], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        # the name is the file's identity once the first Trellis has made it
        while not send_to_running(server_name(db_url), {"files": [], "show": True},
                                  timeout_ms=2000):
            assert first.poll() is None, first.communicate()[1][-2000:]
            assert time.monotonic() < deadline, "the first Trellis never listened"
            time.sleep(0.3)
        journey_name = json.loads(EXAMPLE.read_text())["name"]
        for _ in range(2):  # the second time the name is taken: a free one, no question
            second = subprocess.run([sys.executable, "main.py", "--db", db_url, str(EXAMPLE)],
                                    cwd=ROOT, env=env, capture_output=True, text=True,
                                    timeout=120)
            assert second.returncode == 0, second.stderr[-2000:]
            assert "handed over" in second.stdout
        deadline = time.monotonic() + 60
        while _journeys(db_url) != [journey_name, f"{journey_name} (2)"]:
            assert time.monotonic() < deadline, _journeys(db_url)
            time.sleep(0.3)
        first.send_signal(signal.SIGTERM)  # quits as the tray's Quit: the engine stops
        out, err = first.communicate(timeout=60)
        assert first.returncode == 0, err[-2000:]
    finally:
        if first.poll() is None:
            first.kill()
            first.communicate()
    log = (tmp_path / "log" / "trellis.log").read_text()
    assert "Trellis started on" in log
