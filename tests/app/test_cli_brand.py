"""`brand show` / `set` / `reset` through app.cli.main, and the kit reaching every email."""

from __future__ import annotations

import json

from app.cli import main
from engine.db import open_database
from engine.messaging.providers import load_shop


def shop(db_url):
    db = open_database(db_url)
    try:
        with db.session() as session:
            return load_shop(session)
    finally:
        db.dispose()


def test_set_checks_every_change_before_writing_any(db_url, capsys):
    assert main(["--db", db_url, "brand", "set", "button_color=#0f766e", "button_shape=pill",
                 "footer_address=2 Harbour Lane, Bristol"]) == 0
    assert "button_color        #0f766e" in capsys.readouterr().out
    assert main(["--db", db_url, "brand", "set", "text_color=#333333", "link_color=teal"]) == 1
    err = capsys.readouterr().err
    assert "link_color: a colour is written #rrggbb" in err
    assert main(["--db", db_url, "brand", "show", "--json"]) == 0
    kit = json.loads(capsys.readouterr().out)
    assert kit["text_color"] == "#1f2937"  # nothing written half-way
    assert kit["button_shape"] == "pill"
    assert shop(db_url).brand.footer_address == "2 Harbour Lane, Bristol"


def test_a_poor_contrast_is_saved_with_a_warning_and_reset_restores(db_url, capsys):
    assert main(["--db", db_url, "brand", "set", "text_color=#cccccc"]) == 0
    assert "the text colour has a contrast of 1.6:1" in capsys.readouterr().err
    assert main(["--db", db_url, "brand", "set", "colour=#000000"]) == 1
    assert "the brand kit has no colour" in capsys.readouterr().err
    assert main(["--db", db_url, "brand", "reset"]) == 0
    assert shop(db_url).brand.text_color == "#1f2937"
