"""The simulate command: the documented example journey gives the intended timeline."""

import json
from pathlib import Path

from app.cli import main

ROOT = Path(__file__).resolve().parents[2]
CART = ROOT / "docs" / "examples" / "abandoned-cart.journey.json"


def write_inputs(tmp_path):
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("Email Address,First Name,Timezone\n"
                        "ana@example.com,Ana,Europe/Madrid\n"
                        "ben@example.com,Ben,America/New_York\n")
    events = tmp_path / "events.jsonl"
    events.write_text("\n".join(json.dumps(e) for e in [
        {"at": "2026-02-20T10:00:00Z", "contact": "ben@example.com", "name": "added_to_cart",
         "properties": {"sku": "OLD", "name": "Old", "price": 1, "quantity": 1}},
        {"at": "2026-03-02T10:00:00Z", "contact": "ana@example.com", "name": "added_to_cart",
         "properties": {"sku": "MUG-1", "name": "Blue mug", "price": 12.5, "quantity": 2}},
        {"at": "2026-03-02T10:00:00Z", "contact": "ben@example.com", "name": "added_to_cart",
         "properties": {"sku": "TEE-2", "name": "Logo tee", "price": 20, "quantity": 1}},
        {"at": "2026-03-02T12:00:00Z", "contact": "ben@example.com", "name": "order_completed",
         "properties": {"revenue": 20, "items": [{"sku": "TEE-2", "quantity": 1, "price": 20}]}},
    ]) + "\n")
    return contacts, events


def run_json(capsys, *args):
    code = main(["simulate", *map(str, args), "--json"])
    out = capsys.readouterr().out
    return code, [json.loads(line) for line in out.splitlines()]


def test_abandoned_cart_timeline(tmp_path, capsys):
    contacts, events = write_inputs(tmp_path)
    code, lines = run_json(capsys, CART, "--contacts", contacts, "--events", events,
                           "--start", "2026-03-02T09:00Z", "--until", "5d")
    assert code == 0
    brief = [(l["at"], l["contact"], l["node"], l["kind"],
              l.get("reason") or l.get("port") or l.get("subject")) for l in lines]
    assert brief == [
        ("2026-03-02T10:00:00+00:00", "ana@example.com", "trigger", "enter", None),
        ("2026-03-02T10:00:00+00:00", "ana@example.com", "wait", "wait", None),
        ("2026-03-02T10:00:00+00:00", "ben@example.com", "trigger", "enter", None),
        ("2026-03-02T10:00:00+00:00", "ben@example.com", "wait", "wait", None),
        ("2026-03-02T12:00:00+00:00", "ben@example.com", "wait", "exit", "goal"),
        ("2026-03-02T14:00:00+00:00", "ana@example.com", "wait", "branch", "timeout"),
        ("2026-03-02T14:00:00+00:00", "ana@example.com", "reminder", "email",
         "You left something behind"),
        ("2026-03-02T14:00:00+00:00", "ana@example.com", "day", "wait", None),
        ("2026-03-03T14:00:00+00:00", "ana@example.com", "discount", "email",
         "10% off what you picked"),
        ("2026-03-03T14:00:00+00:00", "ana@example.com", "discount", "exit", "completed"),
    ]
    reminder = lines[6]
    assert reminder["to"] == "ana@example.com" and reminder["template"] == "cart-reminder"
    assert "Blue mug" in reminder["text"] and "Unsubscribe" in reminder["text"]


def test_overrides_quiet_hours_and_display_timezone(tmp_path, capsys):
    contacts, events = write_inputs(tmp_path)
    code, lines = run_json(capsys, CART, "--contacts", contacts, "--events", events,
                           "--start", "2026-03-02T09:00Z", "--until", "2026-03-04T00:00Z",
                           "--quiet-hours", "09:00-18:00", "--timezone", "Europe/Madrid")
    assert code == 0
    hold = next(l for l in lines if l["kind"] == "hold")
    assert hold["reason"] == "quiet_hours" and hold["at"] == "2026-03-02T15:00:00+01:00"
    sent = next(l for l in lines if l["kind"] == "email")
    assert sent["at"] == "2026-03-02T18:00:00+01:00"


def test_bad_inputs_are_named(tmp_path, capsys):
    contacts, events = write_inputs(tmp_path)
    events.write_text('{"contact": "ana@example.com"}\n')
    code = main(["simulate", str(CART), "--contacts", str(contacts), "--events", str(events),
                 "--start", "2026-03-02T09:00Z", "--until", "1d"])
    assert code == 1
    assert 'events.jsonl: line 1: "name" is missing' in capsys.readouterr().out
    assert main(["simulate", str(CART), "--contacts", str(contacts), "--start", "tomorrow",
                 "--until", "1d"]) == 2
    assert "--start 'tomorrow' is not an ISO 8601 time" in capsys.readouterr().err
