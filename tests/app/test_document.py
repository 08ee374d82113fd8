"""`JourneyDocument`: every edit an undoable command that comes back to the identical
journey, the clipboard across documents, saving, loading, validation and the publish gate."""

from __future__ import annotations

import threading

import pytest

from app.journey_document import JourneyDocument
from engine.journey.model import Journey
from tests.widgets.canvas_helpers import EXAMPLE, normalised


@pytest.fixture
def document(qapp):
    doc, problems = JourneyDocument.from_file(EXAMPLE, linter=None)
    assert doc is not None, problems
    yield doc
    doc.close()


def snapshot(doc: JourneyDocument) -> dict:
    return normalised(doc.journey.to_document())


def split_with_a_linked_variant(doc: JourneyDocument) -> str:
    split = doc.add_node("flow.random_split", (1300, 0))
    goal = doc.add_node("flow.goal", (1600, 0))
    doc.connect_ports("discount", "next", split)
    doc.connect_ports(split, "b", goal)
    return split


EDITS = {
    "add": lambda d: d.add_node("flow.delay", (40, 400)),
    "add and link": lambda d: d.add_node("action.notify", (1300, 80), ("discount", "next")),
    "delete steps and links": lambda d: d.delete(["wait", "day"], [("reminder", "next", "day")]),
    "delete a link": lambda d: d.disconnect_port("wait", "timeout"),
    "connect": lambda d: d.connect_ports("discount", "next", "bought"),
    "move": lambda d: d.move_nodes({"trigger": (-100, 40), "day": (780, 300)}),
    "config": lambda d: d.set_node_config("day", {"duration": {"value": 2, "unit": "days"}}),
    "config drops a port's link": lambda d: d.set_node_config(
        split_with_a_linked_variant(d),
        {"variants": [{"key": "a", "label": "A", "percent": 50},
                      {"key": "c", "label": "C", "percent": 50}]},
    ),
    "title": lambda d: d.set_node_title("day", "Sleep on it"),
    "settings": lambda d: d.set_settings({**d.journey.settings.model_dump(), "priority": -5}),
    "edit an email": lambda d: d.set_template(
        d.journey.templates["cart-reminder"].model_copy(update={"subject": "Still there?"})),
    "add an email": lambda d: d.set_template({"key": "thanks", "name": "Thanks",
                                              "subject": "Thank you", "body": "Hi"}),
    "rename": lambda d: d.rename("Cart rescue"),
    "duplicate": lambda d: d.duplicate(["reminder", "day"]),
    "cut": lambda d: d.cut(["discount"]),
    "paste": lambda d: (d.copy(["wait", "bought"]), d.paste((500, 600))),
}


@pytest.mark.parametrize("name", EDITS)
def test_each_edit_undoes_and_redoes_to_the_identical_journey(document, name):
    original = snapshot(document)
    EDITS[name](document)
    edited = snapshot(document)
    assert edited != original
    stack = document.undo_stack
    while stack.canUndo():
        stack.undo()
    assert snapshot(document) == original
    while stack.canRedo():
        stack.redo()
    assert snapshot(document) == edited


def test_a_config_change_that_removes_a_port_brings_its_link_back_on_undo(document):
    split = split_with_a_linked_variant(document)
    document.set_node_config(split, {"variants": [{"key": "a", "label": "A", "percent": 50},
                                                  {"key": "c", "label": "C", "percent": 50}]})
    assert document.journey.target(split, "b") is None
    document.undo_stack.undo()
    assert document.journey.target(split, "b") is not None


def test_edits_of_one_field_merge_into_one_undo_step(document):
    for value in (2, 3, 30):
        document.set_node_config("day", {"duration": {"value": value, "unit": "hours"}},
                                 merge_key=("duration", 0))
    assert document.undo_stack.count() == 1
    document.set_node_config("day", {"duration": {"value": 30, "unit": "days"}},
                             merge_key=("duration", 1))
    assert document.undo_stack.count() == 2
    document.undo_stack.undo()
    document.undo_stack.undo()
    assert document.journey.summary("day") == "Wait 24 hours"


def test_typing_back_to_where_it_started_leaves_no_step(document):
    document.set_node_title("day", "x")
    document.set_node_title("day", "")
    assert document.undo_stack.count() == 0


def test_refused_edits_change_nothing_and_say_why(document, qtbot):
    before, reasons = snapshot(document), []
    document.edit_refused.connect(reasons.append)
    assert not document.connect_ports("discount", "next", "trigger")
    assert document.add_node("trigger.manual", (0, 0), ("discount", "next")) is None
    assert document.add_node("flow.nope", (0, 0)) is None
    assert "not a duration" in document.set_node_config("day", {"duration": "forever"})
    assert snapshot(document) == before
    assert document.undo_stack.count() == 0
    assert reasons[0] == "a trigger starts the journey; nothing can lead into it"
    assert len(reasons) == 3


def test_copy_and_paste_between_two_documents(document, qapp):
    other = JourneyDocument(linter=None)
    try:
        assert document.copy(["reminder", "day", "discount"])
        pasted = other.paste((0, 0))
        assert len(pasted) == 3
        journey = other.journey
        types = sorted(journey.node(n)["type"] for n in pasted)
        assert types == ["action.send_email", "action.send_email", "flow.delay"]
        assert len(journey.edges()) == 2  # the links among the copied steps came along
        assert set(journey.templates) == {"cart-reminder", "cart-discount"}  # and their emails
        assert min(journey.node(n)["pos"] for n in pasted) == (0.0, 0.0)
        again = other.paste()  # a second paste gets fresh ids and lands beside the first
        assert not set(again) & set(pasted)
        assert len(journey.node_ids()) == 6
        other.undo_stack.undo()
        other.undo_stack.undo()
        assert journey.node_ids() == [] and journey.templates == {}
    finally:
        other.close()


def test_the_clipboard_ignores_what_is_not_steps(document, qapp):
    from PySide6.QtGui import QGuiApplication

    QGuiApplication.clipboard().setText("hello")
    assert document.paste() == []
    QGuiApplication.clipboard().setText('{"name": "x", "nodes": [{"id": "a", "type": "nope"}]}')
    assert document.paste() == []
    assert document.undo_stack.count() == 0


def test_dirty_follows_the_undo_stack_and_save(document, tmp_path, qtbot):
    assert not document.dirty
    with qtbot.waitSignal(document.dirty_changed) as changed:
        document.set_node_title("day", "Later")
    assert changed.args == [True] and document.dirty
    target = tmp_path / "saved.journey.json"
    document.save(target)
    assert not document.dirty and document.path == target
    reopened, problems = JourneyDocument.from_file(target, linter=None)
    assert reopened.journey.node("day")["title"] == "Later"
    reopened.close()
    document.undo_stack.undo()
    assert document.dirty


def test_a_broken_file_is_reported_and_never_half_loaded(document, tmp_path):
    before = snapshot(document)
    bad = tmp_path / "bad.journey.json"
    bad.write_text(EXAMPLE.read_text().replace('"flow.delay"', '"flow.nope"'), "utf-8")
    problems = document.load(bad)
    assert any("unknown node type 'flow.nope'" in str(p) for p in problems)
    assert snapshot(document) == before and document.path == EXAMPLE
    missing, found = JourneyDocument.from_file(tmp_path / "missing.journey.json")
    assert missing is None and "no such file" in str(found[0])


def test_loading_replaces_the_journey_and_forgets_the_history(document, tmp_path):
    document.set_node_title("day", "Later")
    fresh = Journey("Other")
    fresh.add_node("trigger.manual", node_id="start")
    path = tmp_path / "other.journey.json"
    from engine.journey.file_format import write_journey_file

    write_journey_file(fresh, path)
    problems = document.load(path)  # unfinished, but a draft may be
    assert [p.message for p in problems] == [
        "The trigger leads nowhere: connect it to a first step"
    ]
    assert document.journey.node_ids() == ["start"]
    assert document.undo_stack.count() == 0 and not document.dirty
    assert document.path == path


def test_validation_reruns_shortly_after_a_change_and_gates_publishing(document, qtbot):
    assert document.can_publish()
    with qtbot.waitSignal(document.problems_changed, timeout=2000) as signal:
        document.disconnect_port("wait", "timeout")
    assert any("'timeout' leads nowhere" in p.message for p in signal.args[0])
    assert not document.can_publish()
    document.undo_stack.undo()
    assert document.can_publish()  # current at once, without waiting for the timer


def test_emails_are_linted_once_per_content(qapp):
    calls = []

    def linter(template):
        calls.append(template.key)
        return [("warning", "looks odd")]

    doc, _ = JourneyDocument.from_file(EXAMPLE, linter=linter)
    try:
        assert any(p.message == "looks odd" for p in doc.problems())
        doc.set_node_title("day", "x")
        doc.validate_now()
        assert sorted(calls) == ["cart-discount", "cart-reminder"]
    finally:
        doc.close()


def test_the_bridge_refuses_edits_from_another_thread(document):
    errors = []

    def edit():
        try:
            document.journey.set_title("day", "x")
        except RuntimeError as exc:
            errors.append(str(exc))

    worker = threading.Thread(target=edit)
    worker.start()
    worker.join()
    assert errors == ["a journey was edited off the GUI thread"]


def test_typing_in_an_email_is_one_undo_step_per_field(document):
    reminder = document.journey.templates["cart-reminder"]
    for subject in ("Y", "Yo", "Your cart"):
        assert document.set_template(reminder.model_copy(update={"subject": subject}),
                                     merge_key="subject") == ""
    edited = document.journey.templates["cart-reminder"]
    document.set_template(edited.model_copy(update={"body": "Hello"}), merge_key="body")
    document.set_template(edited.model_copy(update={"body": "Hello again"}), merge_key="body")
    assert document.undo_stack.count() == 2
    assert document.undo_stack.undoText() == "Edit email 'Cart reminder'"
    document.undo_stack.undo()
    assert document.journey.templates["cart-reminder"].subject == "Your cart"
    document.undo_stack.undo()
    assert document.journey.templates["cart-reminder"] == reminder
    assert not document.dirty


def test_an_invalid_email_or_name_is_refused_with_a_reason(document):
    before = snapshot(document)
    assert "at least 1 character" in document.set_template(
        {"key": "cart-reminder", "name": "", "subject": "x", "body": "x"})
    assert document.rename("   ") == "the journey needs a name"
    assert snapshot(document) == before and document.undo_stack.count() == 0


def test_renaming_is_undoable_and_typing_merges(document, qtbot):
    with qtbot.waitSignal(document.bridge.renamed):
        for name in ("C", "Ca", "Cart rescue"):
            assert document.rename(name, merge_key="name") == ""
    assert document.journey.name == "Cart rescue" and document.undo_stack.count() == 1
    document.undo_stack.undo()
    assert document.journey.name == "Abandoned cart"


def test_an_opened_journey_is_checked_at_once_and_its_emails_linted_just_after(qapp, qtbot):
    calls = []

    def linter(template):
        calls.append(template.key)
        return [("warning", "looks odd")]

    doc, _ = JourneyDocument.from_file(EXAMPLE, linter=linter)
    try:
        assert calls == []  # opening lints nothing: the canvas comes up first
        assert not any(p.message == "looks odd" for p in doc.current_problems())
        with qtbot.waitSignal(doc.problems_changed, timeout=2000) as signal:
            pass  # the full check follows by itself
        assert any(p.message == "looks odd" for p in signal.args[0])
        assert sorted(calls) == ["cart-discount", "cart-reminder"]
        # a journey whose emails were linted before is complete at once
        doc.load(EXAMPLE)
        assert any(p.message == "looks odd" for p in doc.current_problems())
        assert len(calls) == 2
    finally:
        doc.close()


@pytest.mark.parametrize("body", [
    "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}",  # past what Jinja's parser can nest
    "{% if contact.first_name == 'x' %}{{ (((10**100)**100)**100)**100 > 1 }}{% endif %}",
])
def test_a_hostile_email_is_a_lint_failure_in_the_window_not_ready_to_publish(qapp, qtbot, body):
    from engine.messaging.lint import lint_template
    from widgets.problems_list import ProblemsList

    doc, _ = JourneyDocument.from_file(EXAMPLE, linter=lint_template)
    shown = ProblemsList()
    try:
        doc.set_template(doc.journey.templates["cart-reminder"].model_copy(update={"body": body}))
        problems = doc.validate_now()
        shown.set_problems(problems, str)
        errors = [p.message for p in problems if p.severity == "error"]
        assert any("too complex" in m or "too slow" in m for m in errors), errors
        assert not doc.can_publish()
        assert "fix the errors to publish" in shown.summary.text()
    finally:
        shown.deleteLater()
        doc.close()


def test_a_linter_that_fails_is_shown_as_an_error(qapp):
    def broken(template):
        raise RecursionError("deep")

    doc, _ = JourneyDocument.from_file(EXAMPLE, linter=broken)
    try:
        assert any("could not be checked" in p.message and p.severity == "error"
                   for p in doc.validate_now())
    finally:
        doc.close()


def test_with_the_apps_linter_a_field_no_contact_has_is_an_error(qapp, db):
    from engine.messaging.lint import linter_for

    doc, _ = JourneyDocument.from_file(EXAMPLE)
    try:
        doc.set_template(doc.journey.templates["cart-reminder"].model_copy(
            update={"body": "Hi {{ contact.fist_name }}"}))
        doc.use_linter(linter_for(db))
        messages = [p.message for p in doc.validate_now() if p.severity == "error"]
        assert any(m.startswith("Unknown field 'fist_name' — did you mean 'first_name'?")
                   for m in messages), messages
        assert not doc.can_publish()
    finally:
        doc.close()
