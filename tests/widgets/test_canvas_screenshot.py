"""`screenshot --journey NAME|FILE` shows the journey on the canvas in the main window."""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtGui import QColor, QImage

from app.cli import main
from engine.journey.file_format import read_journey_file
from engine.journey.store import save_draft
from tests.widgets.canvas_helpers import EXAMPLE

TIMING_AMBER = QColor("#b7791f").rgb()  # the wait and delay cards' strip, light theme


def colours(image: QImage, step: int = 2) -> set[int]:
    return {image.pixel(x, y) for y in range(0, image.height(), step)
            for x in range(0, image.width(), step)}


def test_a_journey_file_is_shown_on_the_canvas(qapp, db_url, tmp_path, capsys):
    out = tmp_path / "file.png"
    assert main(["--db", db_url, "screenshot", str(out), "--size", "1300x850",
                 "--journey", str(EXAMPLE)]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1300, 850)
    found = colours(image)
    assert len(found) > 200 and TIMING_AMBER in found
    assert str(out) in capsys.readouterr().out


def test_a_journey_in_the_database_is_found_by_name(qapp, db, db_url, tmp_path):
    document = read_journey_file(EXAMPLE).document
    with db.session() as session:
        save_draft(session, document.model_copy(update={"name": "Cart rescue"}),
                   now=datetime.now(timezone.utc))
        session.commit()
    out = tmp_path / "named.png"
    assert main(["--db", db_url, "screenshot", str(out), "--theme", "dark",
                 "--journey", "cart rescue"]) == 0
    assert QColor("#e0a83a").rgb() in colours(QImage(str(out)))  # dark theme's amber


def test_an_unknown_journey_is_a_usage_error(qapp, db_url, tmp_path, capsys):
    assert main(["--db", db_url, "screenshot", str(tmp_path / "x.png"),
                 "--journey", "Nope"]) == 2
    assert "there is no journey named 'Nope'" in capsys.readouterr().err
