"""The "New template" dialog: a starter design and the new template's name.

Contract: `NewTemplateDialog(designs, parent=None)` lists the designs (objects with
`name` and `description`, e.g. `app.template_starters.StarterDesign`), the first chosen.
Picking one proposes its name; a name the marketer typed is kept. `chosen()` is the
selected design and `name()` the stripped name; "Create template" is enabled only with
a design and a name (widgets.starter_choice_dialog).
"""

from __future__ import annotations

from typing import Any, Sequence

from widgets.starter_choice_dialog import Choice, StarterChoiceDialog


class NewTemplateDialog(StarterChoiceDialog):
    def __init__(self, designs: Sequence[Any], parent=None):
        choices = [Choice("mail", design.name, design.description, design, design.name)
                   for design in designs]
        super().__init__("New template", "Create template", choices, parent=parent)
