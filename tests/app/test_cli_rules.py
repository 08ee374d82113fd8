"""`rules show` / `rules set` through app.cli.main: every value checked before any is
written, and what is saved is what the engine's guards read."""

from __future__ import annotations

import json

from app.cli import main
from engine.db import open_database
from engine.settings import load_settings


def stored(db_url):
    db = open_database(db_url)
    try:
        with db.session() as session:
            return load_settings(session)
    finally:
        db.dispose()


def test_set_changes_only_the_rules_given(db_url, capsys):
    assert main(["--db", db_url, "rules", "set", "--frequency-cap", "3/5d",
                 "--quiet-hours", "22:00-07:30", "--timezone", "Europe/Paris"]) == 0
    out = capsys.readouterr().out
    assert "at most 3 marketing emails per 5 days" in out and "22:00–07:30" in out
    assert main(["--db", db_url, "rules", "set", "--consent-required", "yes"]) == 0
    settings = stored(db_url)
    assert (settings.frequency_cap.count, str(settings.frequency_cap.within)) == (3, "5 days")
    assert (settings.quiet_hours.start, settings.quiet_hours.end) == ("22:00", "07:30")
    assert settings.default_timezone == "Europe/Paris" and settings.consent_required
    capsys.readouterr()
    assert main(["--db", db_url, "rules", "show", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["frequency_cap"] == {"count": 3, "within": {"value": 5, "unit": "days"}}
    assert set(shown) == {"frequency_cap", "quiet_hours", "default_timezone",
                          "consent_required", "catch_up_grace_minutes"}


def test_off_turns_a_guard_off(db_url):
    assert main(["--db", db_url, "rules", "set", "--frequency-cap", "2/7d",
                 "--quiet-hours", "21:00-08:00"]) == 0
    assert main(["--db", db_url, "rules", "set", "--frequency-cap", "off",
                 "--quiet-hours", "OFF"]) == 0
    settings = stored(db_url)
    assert settings.frequency_cap is None and settings.quiet_hours is None


def test_one_bad_value_writes_nothing(db_url, capsys):
    assert main(["--db", db_url, "rules", "set", "--frequency-cap", "2/7d"]) == 0
    capsys.readouterr()
    # a good cap and a refused lateness: neither is written
    assert main(["--db", db_url, "rules", "set", "--frequency-cap", "off",
                 "--late-after", "0"]) == 1
    err = capsys.readouterr().err
    assert "not saved" in err and "--late-after: Input should be greater than or equal to 1" in err
    assert stored(db_url).frequency_cap.count == 2


def test_malformed_arguments_say_what_is_expected(db_url, capsys):
    cases = [
        (["--timezone", "Mars/Olympus"], "unknown timezone 'Mars/Olympus'"),
        (["--quiet-hours", "10:00-10:00"], "quiet hours start and end at the same time"),
        (["--quiet-hours", "10pm"], "--quiet-hours takes HH:MM-HH:MM"),
        (["--frequency-cap", "lots"], "--frequency-cap takes N/DURATION, e.g. 2/7d"),
        (["--frequency-cap", "0/7d"], "--frequency-cap takes N/DURATION"),
        (["--consent-required", "maybe"], "--consent-required takes yes or no"),
        ([], "nothing to change"),
    ]
    for arguments, words in cases:
        assert main(["--db", db_url, "rules", "set", *arguments]) == 2, arguments
        assert words in capsys.readouterr().err, arguments
    assert stored(db_url) == load_defaults()


def load_defaults():
    from engine.settings import AppSettings

    return AppSettings()
