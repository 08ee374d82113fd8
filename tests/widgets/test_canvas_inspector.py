"""The inspector: forms generated from config models, every edit one undo step per field,
invalid input shown under its field without touching the journey."""

from __future__ import annotations

from PySide6.QtWidgets import QToolButton

from tests.widgets.canvas_helpers import normalised, open_example


def select(editor, node_id: str):
    editor.scene.select_nodes([node_id])
    assert editor.inspector.node_id == node_id
    return editor.inspector.form


def test_a_field_edit_changes_the_step_and_its_card_as_one_undo_step(qtbot):
    document, editor = open_example(qtbot)
    form = select(editor, "day")
    amount = form.editor("duration").amount
    for value in (3, 30, 36):  # typing "36" one key at a time, or clicking the arrows
        amount.setValue(value)
    assert document.journey.config("day").duration.value == 36
    card = editor.scene.node_item("day")
    assert card.content.summary == "Wait 36 hours" == document.journey.summary("day")
    assert document.undo_stack.count() == 1
    amount.editingFinished.emit()  # leaving the field ends the step
    form.editor("duration").unit.combo.setCurrentIndex(2)
    form.editor("duration").unit.combo.activated.emit(2)
    assert document.journey.summary("day") == "Wait 36 days"
    assert document.undo_stack.count() == 2
    document.undo_stack.undo()
    assert card.content.summary == "Wait 36 hours"
    assert form.editor("duration").value() == {"value": 36, "unit": "hours"}
    document.undo_stack.undo()
    assert card.content.summary == "Wait 24 hours"
    assert amount.value() == 24  # the form follows undo


def test_an_invalid_value_is_shown_under_its_field_and_changes_nothing(qtbot):
    document, editor = open_example(qtbot)
    split = document.add_node("flow.random_split", (1300, 300))
    form = select(editor, split)
    before = normalised(document.journey.to_document())
    count = document.undo_stack.count()
    rows = form.editor("variants").rows
    rows[0].parts["percent"].spin.setValue(70)
    error = form.rows["variants"].error
    assert not error.isHidden()
    assert error.text() == "The shares add up to 120%, not 100%"
    assert normalised(document.journey.to_document()) == before
    assert document.undo_stack.count() == count
    rows[1].parts["percent"].spin.setValue(30)  # now they add up: both go in
    assert error.isHidden()
    assert [v.percent for v in document.journey.config(split).variants] == [70, 30]
    assert editor.scene.node_item(split).content.summary == "A 70% / B 30%"


def test_a_bad_url_says_why_inline(qtbot):
    document, editor = open_example(qtbot)
    hook = document.add_node("action.webhook", (1300, 300))
    form = select(editor, hook)
    qtbot.keyClicks(form.editor("url").line, "ftp://example.com")
    assert "is not an http(s) URL" in form.rows["url"].error.text()
    assert document.journey.config(hook).url == ""
    form.editor("url").line.clear()
    qtbot.keyClicks(form.editor("url").line, "https://example.com/hook")
    assert form.rows["url"].error.isHidden()
    assert document.journey.config(hook).url == "https://example.com/hook"
    # one undo step for the whole typing session in this field
    document.undo_stack.undo()
    assert document.journey.config(hook).url == ""


def test_renaming_a_step_updates_its_card(qtbot):
    document, editor = open_example(qtbot)
    select(editor, "day")
    editor.inspector.name.setFocus()
    qtbot.keyClicks(editor.inspector.name, "Sleep on it")
    assert document.journey.node("day")["title"] == "Sleep on it"
    assert editor.scene.node_item("day").content.title == "Sleep on it"
    count = document.undo_stack.count()
    document.undo_stack.undo()
    assert document.undo_stack.count() == count  # merged: one step for the typing
    assert document.journey.node("day")["title"] == ""
    assert editor.inspector.name.text() == ""
    assert editor.scene.node_item("day").content.title == "Delay"  # the type's name


def test_the_email_picker_lists_the_journeys_emails_by_subject(qtbot):
    document, editor = open_example(qtbot)
    form = select(editor, "reminder")
    combo = form.editor("template").combo
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels == [
        "Choose an email…",
        "Cart discount — “10% off what you picked”",
        "Cart reminder — “You left something behind”",
    ]
    assert combo.currentData() == "cart-reminder"
    index = combo.findData("cart-discount")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    assert document.journey.summary("reminder") == "Send: 10% off what you picked"
    assert editor.scene.node_item("reminder").content.summary == "Send: 10% off what you picked"


def test_the_rule_builder_adds_a_rule_that_becomes_valid_when_filled_in(qtbot):
    document, editor = open_example(qtbot)
    branch = document.add_node("flow.branch", (1300, 300))
    form = select(editor, branch)
    condition = form.editor("condition")
    condition.rules.add_button.click()
    assert "Rule 1 · Field: can't be empty" in form.rows["condition"].error.text()
    assert document.journey.config(branch).condition.rules == []
    rule = condition.rules.rows[0]
    qtbot.keyClicks(rule.parts["field"].editors["field"].line, "country")
    op = rule.parts["field"].editors["op"].combo
    op.setCurrentIndex(op.findData("in_list"))
    op.activated.emit(op.currentIndex())
    qtbot.keyClicks(rule.parts["field"].editors["value"].line, "DE, FR")
    rules = document.journey.config(branch).condition.rules
    assert [(r.field, r.op, r.value) for r in rules] == [("country", "in_list", ["DE", "FR"])]
    assert document.journey.summary(branch) == "If country is one of ['DE', 'FR']"
    # switch the rule to "did something": a fresh rule of that kind
    kind = rule.kind.combo
    kind.setCurrentIndex(kind.findData("event"))
    kind.activated.emit(kind.currentIndex())
    qtbot.keyClicks(rule.parts["event"].editors["event"].line, "order_completed")
    rule.parts["event"].editors["min_count"].spin.setValue(2)
    (rule_data,) = document.journey.config(branch).condition.rules
    assert (rule_data.kind, rule_data.event, rule_data.min_count) == ("event", "order_completed", 2)


def test_filters_rows_and_weekday_buttons(qtbot):
    document, editor = open_example(qtbot)
    form = select(editor, "trigger")
    filters = form.editor("filters")
    filters.add_button.click()
    assert document.journey.config("trigger").filters == []  # an empty filter is not valid yet
    row = filters.rows[0]
    qtbot.keyClicks(row.parts["property"].line, "total")
    op = row.parts["op"].combo
    op.setCurrentIndex(op.findData("greater"))
    op.activated.emit(op.currentIndex())
    qtbot.keyClicks(row.parts["value"].line, "50")
    assert document.journey.summary("trigger") == "When added_to_cart where total > 50"
    filters._frames[0].findChild(QToolButton).click()
    assert document.journey.config("trigger").filters == []

    wait = document.add_node("flow.wait_until", (1300, 300))
    form = select(editor, wait)
    days = form.editor("weekdays").buttons
    days["mon"].click()
    days["fri"].click()
    assert document.journey.summary(wait) == "Wait until Mon, Fri at 09:00"


def test_journey_settings_are_edited_when_nothing_is_selected(qtbot):
    document, editor = open_example(qtbot)
    editor.scene.clearSelection()
    inspector = editor.inspector
    assert inspector.current_page() is inspector.settings_page
    priority = inspector.settings.editor("priority").spin
    priority.setValue(42)
    assert document.journey.settings.priority == 42
    catch_up = inspector.settings.editor("catch_up").combo
    catch_up.setCurrentIndex(catch_up.findData("skip"))
    catch_up.activated.emit(catch_up.currentIndex())
    assert document.journey.settings.catch_up == "skip"
    quiet = inspector.settings.editor("quiet_hours")
    quiet.box.setChecked(False)
    assert document.journey.settings.quiet_hours is None
    for _ in range(3):
        document.undo_stack.undo()
    assert document.journey.settings.priority == 10
    assert priority.value() == 10


def test_the_inspector_lists_the_selected_steps_problems(qtbot):
    document, editor = open_example(qtbot)
    email = document.add_node("action.send_email", (1300, 300))
    document.validate_now()
    select(editor, email)
    text = editor.inspector.problems.text()
    assert "Choose the email to send" in text and "No contact can reach this step" in text


def test_every_form_fits_the_panel_without_being_cut_off(qtbot):
    """The inspector never scrolls sideways (its bar is off): a form wider than the panel
    is cut off at the right edge. Journey settings and every step type's form must fit
    the panel at its narrowest default width; long check box sentences wrap."""
    from PySide6.QtWidgets import QScrollArea

    from app.theme import stylesheet
    from engine.nodes import REGISTRY

    document, editor = open_example(qtbot, size=(1280, 800))
    editor.setStyleSheet(stylesheet("light"))  # sizes as the app draws them (day buttons…)
    inspector = editor.inspector
    scroll = inspector.findChild(QScrollArea)

    def overflow() -> int:
        return scroll.widget().minimumSizeHint().width() - scroll.viewport().width()

    editor.scene.clearSelection()
    assert inspector.current_page() is inspector.settings_page
    assert overflow() <= 0, f"journey settings are {overflow()} px too wide"
    for spec in REGISTRY:
        node_id = document.add_node(spec.type_id, (2000, 2000))
        editor.scene.select_nodes([node_id])
        assert inspector.node_id == node_id
        assert overflow() <= 0, f"the form of {spec.type_id} is {overflow()} px too wide"
