"""`save_screenshot()` and the `screenshot` command write real, non-blank PNGs."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from app.screenshot import save_screenshot


def distinct_colours(image: QImage, step: int = 7) -> set[int]:
    return {
        image.pixel(x, y)
        for y in range(0, image.height(), step)
        for x in range(0, image.width(), step)
    }


def mean_lightness(image: QImage, step: int = 11) -> float:
    values = [
        image.pixelColor(x, y).lightnessF()
        for y in range(0, image.height(), step)
        for x in range(0, image.width(), step)
    ]
    return sum(values) / len(values)


def test_screenshot_is_a_real_picture(qapp, db_url, tmp_path):
    out = save_screenshot(tmp_path / "shot.png", db_url, size=(1000, 700))
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 700)
    assert len(distinct_colours(image)) > 10


def test_dark_screenshot_is_dark(qapp, db_url, tmp_path):
    light = QImage(str(save_screenshot(tmp_path / "l.png", db_url, size=(800, 600))))
    dark = QImage(str(save_screenshot(tmp_path / "d.png", db_url, size=(800, 600), theme="dark")))
    assert mean_lightness(dark) < 0.3 < 0.8 < mean_lightness(light)


def test_screenshot_leaves_the_running_app_look_alone(qapp, db_url, tmp_path):
    sheet = qapp.styleSheet()
    save_screenshot(tmp_path / "d.png", db_url, theme="dark", page="settings")
    assert qapp.styleSheet() == sheet


def test_unknown_page_or_theme_is_refused(qapp, db_url, tmp_path):
    with pytest.raises(ValueError, match="unknown page"):
        save_screenshot(tmp_path / "x.png", db_url, page="nowhere")
    with pytest.raises(ValueError, match="unknown theme"):
        save_screenshot(tmp_path / "x.png", db_url, theme="sepia")


def cli(*argv: str) -> int:
    # imported here: the command line loads every command module, the GUI tests above don't
    from app.cli import main

    return main(list(argv))


def test_command_writes_the_png(qapp, db_url, tmp_path, capsys):
    out = tmp_path / "cli.png"
    code = cli(
        "--db",
        db_url,
        "screenshot",
        str(out),
        "--size",
        "900x640",
        "--theme",
        "dark",
        "--page",
        "contacts",
    )
    assert code == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (900, 640)
    assert len(distinct_colours(image)) > 10
    assert str(out) in capsys.readouterr().out


def test_command_rejects_a_bad_size(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli("screenshot", "x.png", "--size", "big")
    assert exit_info.value.code == 2
    assert "WIDTHxHEIGHT" in capsys.readouterr().err


def test_command_reports_an_unknown_page_as_a_usage_error(qapp, db_url, tmp_path, capsys):
    assert cli("--db", db_url, "screenshot", str(tmp_path / "x.png"), "--page", "nowhere") == 2
    assert "unknown page" in capsys.readouterr().err
