"""The "New journey" and "New template" dialogs: pick a starting point, keep a typed name,
create only with a name."""

from __future__ import annotations

from types import SimpleNamespace

from widgets.new_journey_dialog import BLANK_NAME, NewJourneyDialog
from widgets.new_template_dialog import NewTemplateDialog

STARTERS = [SimpleNamespace(name="Welcome series", description="Three emails.", steps=7),
            SimpleNamespace(name="Abandoned cart", description="Bring them back.", steps=9)]


def test_new_journey_offers_blank_first_and_proposes_each_starters_name(qtbot):
    dialog = NewJourneyDialog(STARTERS)
    qtbot.addWidget(dialog)
    assert dialog.choices.count() == 3
    assert dialog.chosen() is None and dialog.name() == BLANK_NAME
    dialog.choices.setCurrentRow(2)
    assert dialog.chosen() is STARTERS[1] and dialog.name() == "Abandoned cart"
    assert dialog.choices.item(2).toolTip() == "9 steps, ready to adapt"
    dialog.name_edit.setText("Cart rescue")  # typed: kept when another starter is picked
    dialog.choices.setCurrentRow(1)
    assert dialog.chosen() is STARTERS[0] and dialog.name() == "Cart rescue"
    dialog.name_edit.setText("   ")
    assert not dialog.create.isEnabled()
    dialog.choices.setCurrentRow(0)  # an empty name takes the proposal again
    assert dialog.name() == BLANK_NAME and dialog.create.isEnabled()


def test_new_template_double_click_creates(qtbot):
    designs = [SimpleNamespace(name="Newsletter", description="News and a button."),
               SimpleNamespace(name="Thank you", description="After an order.")]
    dialog = NewTemplateDialog(designs)
    qtbot.addWidget(dialog)
    assert dialog.chosen() is designs[0] and dialog.name() == "Newsletter"
    dialog.choices.setCurrentRow(1)
    with qtbot.waitSignal(dialog.accepted):
        dialog.choices.itemDoubleClicked.emit(dialog.choices.item(1))
    assert dialog.chosen() is designs[1] and dialog.name() == "Thank you"


def test_no_design_no_create(qtbot):
    dialog = NewTemplateDialog([])
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("Anything")
    assert dialog.chosen() is None and not dialog.create.isEnabled()
