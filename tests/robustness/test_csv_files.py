"""Issue 10 rows 3, 10, 16: broken CSV never loses rows silently, errors name the physical
line, and exported contacts cannot run as spreadsheet formulas."""

from __future__ import annotations

import csv
import io

import pytest

from engine.files.csv_formula import neutralise, restore
from tests.robustness.conftest import dump


def _db_path(db_url: str) -> str:
    return db_url.removeprefix("sqlite:///")


@pytest.mark.parametrize("command, text", [
    ("contacts", "email,first_name\na@example.com,Ana\nb@example.com,\"Bo\nc@example.com,Cy\n"),
    ("products", "sku,name,price\nA1,Mug,5\nB2,\"Cup,6\nC3,Jug,7\n"),
])
def test_a_quote_never_closed_is_named_and_nothing_is_written(cli, db_url, tmp_path, command, text):
    path = tmp_path / "in.csv"
    path.write_text(text)
    before = dump(_db_path(db_url))
    code, out, err = cli(command, "import", path)
    assert code == 1
    assert "in.csv, line 3: a quoted value is never closed" in err, out + err
    assert dump(_db_path(db_url)) == before


def test_a_products_cell_over_the_csv_limit_is_a_friendly_error(cli, db_url, tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("sku,name\nA1,Mug\nB2," + "x" * 131_073 + "\n")
    before = dump(_db_path(db_url))
    code, out, err = cli("products", "import", path)
    assert code == 1 and "Traceback" not in out + err
    assert "big.csv, line 3: a value is longer than 131,072 characters" in err
    assert dump(_db_path(db_url)) == before


def test_a_bad_row_after_a_multi_line_cell_is_named_by_its_physical_line(cli, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text('sku,name,price\nA1,"Mug\nwith\nhandle",5\nB2,Cup,-3\n')
    code, out, err = cli("products", "import", path)
    assert code == 1
    assert "line 5: B2: price '-3' is not an amount such as 19.90" in out, out


def test_contacts_export_neutralises_formulas_unless_raw(cli, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(
        'email,first_name,last_name,plan\n'
        'a@example.com,"=HYPERLINK(""http://x"",""click"")",+1,@SUM(A1)\n'
        "b@example.com,-2,'=kept,plain\n"
    )
    assert cli("contacts", "import", source)[0] == 0
    safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
    assert cli("contacts", "export", safe)[0] == 0
    assert cli("contacts", "export", raw, "--raw")[0] == 0
    rows = list(csv.DictReader(io.StringIO(safe.read_text(encoding="utf-8-sig"))))
    assert rows[0]["first_name"] == "'=HYPERLINK(\"http://x\",\"click\")"
    assert rows[0]["last_name"] == "'+1" and rows[0]["plan"] == "'@SUM(A1)"
    assert rows[1]["first_name"] == "'-2" and rows[1]["last_name"] == "'=kept"  # the import read '= as =
    assert rows[1]["plan"] == "plain"
    for row in rows:
        assert not any(value[:1] in "=+-@\t\r" for value in row.values() if value)
    raw_rows = list(csv.DictReader(io.StringIO(raw.read_text(encoding="utf-8-sig"))))
    assert raw_rows[0]["first_name"].startswith("=HYPERLINK")
    # the neutralised file imports back to the same contacts
    assert cli("contacts", "import", safe)[0] == 0
    again = tmp_path / "again.csv"
    assert cli("contacts", "export", again, "--raw")[0] == 0
    assert again.read_text(encoding="utf-8-sig") == raw.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("value", ["", "a", "=1", "'=1", "''+x", "'", "-", "@", "\t1", "x=1"])
def test_restore_undoes_neutralise(value):
    assert restore(neutralise(value)) == value


def test_pasting_hostile_text_is_ignored(qapp):
    from PySide6.QtCore import QMimeData

    from app.clipboard import fragment_from_mime

    mime = QMimeData()
    mime.setText("{" + '"nodes": ' + "[" * 100_000)
    assert fragment_from_mime(mime) is None
    mime.setText('{"nodes": [{"id": "a", "type": "trigger.manual", "pos": [NaN, 1]}]}')
    assert fragment_from_mime(mime) is None
