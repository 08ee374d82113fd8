"""`SetValueCommand`, the one undo command for edits that set one value: merging, refusals,
put-backs, and values written before the push."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack

from app.undo_commands import EditRefused, SetValueCommand


class Box:
    """One value, with a log of every write."""

    def __init__(self, value):
        self.value, self.writes = value, []

    def write(self, value):
        if value == "refused":
            raise EditRefused("not that one")
        self.value = value
        self.writes.append(value)


def push(stack, box, after, what="v", merge_key=None, **kwargs):
    command = SetValueCommand("Edit", what, box.write, box.value, after, merge_key, **kwargs)
    stack.push(command)
    return command


def test_sets_and_undoes_one_value(qapp):
    stack, box = QUndoStack(), Box("a")
    push(stack, box, "b")
    assert box.value == "b" and stack.count() == 1
    stack.undo()
    assert box.value == "a"
    stack.redo()
    assert box.value == "b"


def test_edits_merge_only_with_the_same_value_and_merge_key(qapp):
    stack, box, other = QUndoStack(), Box("a"), Box("x")
    push(stack, box, "ab", merge_key="typing")
    push(stack, box, "abc", merge_key="typing")
    assert stack.count() == 1
    push(stack, other, "xy", what="w", merge_key="typing")  # another value: its own step
    push(stack, box, "abcd", merge_key="other field")
    push(stack, box, "abcde")  # no merge key: never merges
    assert stack.count() == 4
    for _ in range(4):
        stack.undo()
    assert (box.value, other.value) == ("a", "x")


def test_a_merge_back_to_the_start_leaves_no_step(qapp):
    stack, box = QUndoStack(), Box("a")
    push(stack, box, "ab", merge_key="typing")
    push(stack, box, "a", merge_key="typing")
    assert stack.count() == 0 and box.value == "a"


def test_a_refused_write_is_no_step_and_never_merged(qapp):
    stack, box = QUndoStack(), Box("a")
    push(stack, box, "ab", merge_key="typing")
    refused = push(stack, box, "refused", merge_key="typing")
    assert refused.error == "not that one"
    assert stack.count() == 1 and stack.command(0).after == "ab"
    fresh = QUndoStack()
    assert push(fresh, box, "refused").error and fresh.count() == 0


def test_undo_runs_the_put_backs_of_every_merged_write(qapp):
    stack, restored = QUndoStack(), []
    state = {"value": 0}

    def write(value):
        state["value"] = value
        return [lambda v=value: restored.append(v)]

    for value in (1, 2):
        stack.push(SetValueCommand("Edit", "v", write, state["value"], value, "typing"))
    assert stack.count() == 1
    stack.undo()
    assert state["value"] == 0 and restored == [1, 2]


def test_a_value_written_before_the_push_is_not_written_again(qapp):
    stack, box = QUndoStack(), Box("a")
    box.value = "b"  # written (and checked) by the caller
    stack.push(SetValueCommand("Edit", "v", box.write, "a", "b", written=True))
    assert box.writes == []
    stack.undo()
    stack.redo()
    assert box.writes == ["a", "b"]


def test_an_undo_whose_store_fails_leaves_the_value_and_says_why(qapp):
    stack, box = QUndoStack(), Box("a")
    command = push(stack, box, "b")
    command.before = "refused"  # the store of the old value will fail
    stack.undo()
    assert box.value == "b" and command.error == "not that one"


def test_a_saved_template_edit_that_cannot_be_stored_is_no_step(qapp, monkeypatch):
    from contextlib import contextmanager

    from app import saved_template_document as module
    from engine.journey.data import EmailTemplate

    stored = []

    def store(_session, _template_id, template, _when):
        if template.subject == "broken":
            raise OSError("disk full")
        stored.append(template.subject)

    class Database:
        @contextmanager
        def session(self):
            yield None

    monkeypatch.setattr(module, "store_template", store)
    template = EmailTemplate(key="welcome", name="Welcome", subject="Hi", body="Hello")
    document = module.SavedTemplateDocument(Database(), 1, template)
    edited = template.model_copy(update={"subject": "Hi there"})
    assert document.set_template(edited, "subject") == ""
    broken = template.model_copy(update={"subject": "broken"})
    assert "could not be stored (disk full)" in document.set_template(broken, "subject")
    assert document.undo_stack.count() == 1 and document.template.subject == "Hi there"
    document.undo_stack.undo()
    document.undo_stack.redo()  # the refused edit was not merged into the stored one
    assert document.template.subject == "Hi there" and stored == ["Hi there", "Hi", "Hi there"]
