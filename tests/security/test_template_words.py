"""Template problems in words a marketer reads, and the places that must refuse them:
`validate` exits 1, publishing is refused, the demo shop's journeys still pass."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert

from app.cli import main
from engine.clock import VirtualClock
from engine.db import open_database
from engine.db.models import Contact
from engine.demo.shop import create_demo
from engine.journey.data import EmailTemplate
from engine.journey.model import Journey
from engine.journey.file_format import read_journey_file
from engine.journey.store import save_draft
from engine.messaging.fields import custom_fields_seen
from engine.messaging.lint import lint_template, linter_for
from engine.runtime.engine import Engine
from engine.runtime.publish import PublishRefused

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
ROOT = Path(__file__).resolve().parents[2]
STARTERS = ROOT / "resources" / "journeys"
DEEP = "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}"
TOWER = "{% if contact.first_name == 'x' %}{{ (((10**100)**100)**100)**100 > 1 }}{% endif %}"


def journey_with(body: str, subject: str = "Hello") -> Journey:
    journey = Journey("Words")
    journey.add_node("trigger.manual", node_id="t")
    journey.add_node("action.send_email", node_id="mail", config={"template": "hi"})
    journey.connect("t", "next", "mail")
    journey.set_template({"key": "hi", "name": "Hi", "subject": subject, "body": body})
    return journey


def errors(template: EmailTemplate, **kwargs) -> list[str]:
    return [m for severity, m in lint_template(template, **kwargs) if severity == "error"]


def email(body: str = "Hi", subject: str = "Hello") -> EmailTemplate:
    return EmailTemplate(key="hi", name="Hi", subject=subject, body=body)


@pytest.mark.parametrize("source, words", [
    ("Hi\n\n{% if %}x{% endif %}", "the body, line 3: '{% if %}' is missing what comes after "
                                   "'if', like {% if contact.first_name %}"),
    ("{{ }}", "'{{ }}' has nothing inside: put a field between the braces"),
    ("{% for item in cart %}\n{{ item.name }}", "'{% for %}' is never closed: add "
                                                "'{% endfor %}' where it ends"),
    ("{% if x %}{% endfor %}", "'{% endfor %}' is out of place: the open '{% if %}' must be "
                               "closed first with '{% endif %}'"),
    ("{{ contact first_name }}", "Expected '}}' before 'first_name'"),
    ("{% shout %}", "'{% shout %}' is not a tag emails can use"),
    ("{{ name | uppr }}", "There is no filter named 'uppr' — did you mean 'upper'?"),
])
def test_syntax_errors_say_what_where_and_what_to_do(source, words):
    [message] = errors(email(source))
    assert words in message, message
    assert "Expected an expression" not in message and "end of statement block" not in message


def test_a_field_typo_is_an_error_with_a_suggestion():
    [message] = errors(email("Hi {{ contact.fist_name }}"))
    assert message.startswith("Unknown field 'fist_name' — did you mean 'first_name'? "
                              "(in the body, line 1)")


def test_with_the_database_a_field_no_contact_has_is_an_error_unless_it_has_a_fallback(db):
    with db.session() as session:
        session.execute(insert(Contact), [
            {"email": "a@example.com", "attributes": {"plan": "pro"}, "created_at": NOW,
             "updated_at": NOW},
            {"email": "b@example.com", "attributes": {}, "created_at": NOW, "updated_at": NOW}])
        assert custom_fields_seen(session) == {"plan"}
    lint = linter_for(db)
    [message] = [m for s, m in lint(email("You are on {{ contact.plna }}")) if s == "error"]
    assert message.startswith("Unknown field 'plna' — did you mean 'plan'?")
    assert [s for s, _ in lint(email("{{ contact.plan }}"))] == ["warning"]  # some lack it
    assert lint(email("{{ contact.plna | default('free') }}")) == []  # covered on purpose


def test_a_name_set_inside_an_if_is_accepted():
    assert lint_template(email("{% if contact.first_name %}{% set g = 'Hi' %}{{ g }}{% endif %}")) == []


@pytest.mark.parametrize("body", [DEEP, TOWER])
def test_validate_exits_1_with_the_place(tmp_path, capsys, body):
    path = tmp_path / "words.journey.json"
    path.write_text(json.dumps(journey_with(body).to_document().model_dump(mode="json")))
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "the body, line 1" in out and ("too complex" in out or "too slow" in out), out
    assert "cannot be published" in out


@pytest.mark.parametrize("body", [DEEP, TOWER, "Hi {{ contact.fist_name }}"])
def test_publishing_is_refused(db, body):
    clock = VirtualClock(NOW)
    with db.session() as session:
        save_draft(session, journey_with(body).to_document(), now=NOW)
    with pytest.raises(PublishRefused):
        Engine(db, clock).publish("Words", lint_template=linter_for(db))


def test_the_demo_shops_starter_journeys_pass_the_database_aware_lint(tmp_path):
    database = open_database(f"sqlite:///{tmp_path / 'shop.db'}")
    try:
        create_demo(database, 60, now=NOW)
        lint = linter_for(database)
        for path in sorted(STARTERS.glob("*.journey.json")):
            result = read_journey_file(path, lint_template=lint)
            assert [p for p in result.problems if p.severity == "error"] == [], path.name
    finally:
        database.dispose()
