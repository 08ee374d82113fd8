"""Issue 10 rows 8, 9, 17: read-only and full databases and disks give one clear line,
reading works read-only, nothing is half-written, and the API key is never lost."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from app.cli import main
from tests.faults.conftest import fill

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "abandoned-cart.journey.json"


def cli(capsys, url, *args):
    code = main(["--db", url, *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def one_clear_line(err: str, db_file: Path) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith(f"trellis: error: the database {db_file}"), err
    assert "Traceback" not in err and "INSERT" not in err and "SELECT" not in err


def test_a_read_only_database_reads_and_refuses_writes_in_one_line(read_only_view, capsys, tmp_path):
    writable, view = read_only_view
    assert cli(capsys, f"sqlite:///{writable / 't.db'}", "journeys", "import", EXAMPLE)[0] == 0
    contacts = tmp_path / "c.csv"
    contacts.write_text("email,first_name\nsecret.person@example.com,Secret\n")
    url = f"sqlite:///{view / 't.db'}"
    code, out, err = cli(capsys, url, "journeys", "list")
    assert code == 0 and "Abandoned cart" in out, err
    code, out, err = cli(capsys, url, "contacts", "import", contacts)
    assert code == 1
    one_clear_line(err, view / "t.db")
    assert "read-only" in err and "secret.person" not in err
    code, _, err = cli(capsys, url, "run", "--http", "off")
    assert code == 1 and "read-only" in err and len(err.strip().splitlines()) == 1, err


def test_database_files_are_created_owner_only(tmp_path, capsys):
    db_file = tmp_path / "new" / "t.db"
    assert cli(capsys, f"sqlite:///{db_file}", "journeys", "list")[0] == 0
    assert stat.S_IMODE(db_file.stat().st_mode) == 0o600
    for companion in (db_file.with_name("t.db-wal"), db_file.with_name("t.db-shm")):
        if companion.exists():
            assert stat.S_IMODE(companion.stat().st_mode) == 0o600


def test_a_full_disk_is_one_line_and_nothing_half_written(small_disk, capsys, tmp_path):
    url = f"sqlite:///{small_disk / 't.db'}"
    assert cli(capsys, url, "journeys", "list")[0] == 0
    contacts = tmp_path / "c.csv"
    contacts.write_text("email,first_name,notes\n" + "".join(
        f"p{i}@example.com,Person{i},{'x' * 200}\n" for i in range(20_000)))
    fill(small_disk)
    code, _, err = cli(capsys, url, "contacts", "import", contacts)
    assert code == 1
    one_clear_line(err, small_disk / "t.db")
    assert "disk is full" in err
    for leftover in small_disk.glob("ballast*"):
        leftover.unlink()
    check = sqlite3.connect(small_disk / "t.db")
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert check.execute("SELECT count(*) FROM contact").fetchone() == (0,)
    check.close()


def test_first_run_on_a_full_disk_never_saves_a_hash_without_its_key(small_disk, capsys, tmp_path):
    db_file = small_disk / "t.db"
    url = f"sqlite:///{db_file}"
    assert cli(capsys, url, "journeys", "list")[0] == 0
    # Make the database write succeed on the full disk, as it can in life: an open
    # connection keeps a large -wal file allocated, and after a RESTART checkpoint the next
    # write reuses its pages, needing no new space. Only the key file then needs space.
    keeper = sqlite3.connect(db_file)
    keeper.execute("SELECT count(*) FROM setting").fetchall()  # now it holds the -wal open
    contacts = tmp_path / "c.csv"
    contacts.write_text("email\n" + "".join(f"p{i}@example.com\n" for i in range(3000)))
    assert cli(capsys, url, "contacts", "import", contacts)[0] == 0
    keeper.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()
    assert db_file.with_name("t.db-wal").stat().st_size > 100_000
    fill(small_disk)
    code, _, err = cli(capsys, url, "api-key")
    assert code == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "disk is full" in err
    saved = keeper.execute("SELECT count(*) FROM setting WHERE key = 'api_key'").fetchone()[0]
    assert saved == 0, "the key's hash was saved although its key could not be written"
    for leftover in small_disk.glob("ballast*"):
        leftover.unlink()
    keeper.close()
    code, out, _ = cli(capsys, url, "api-key")
    assert code == 0 and out.startswith("trk_")
    key_file = small_disk / "t.db.api-key"
    assert key_file.read_text().strip() == out.strip()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
