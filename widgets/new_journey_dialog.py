"""The "New journey" dialog: a blank canvas or a starter journey, and the new journey's name.

Contract: `NewJourneyDialog(starters, parent=None)` lists "Blank journey" first, then each
starter (objects with `name`, `description` and `steps`, e.g. `app.starters.Starter`)
with its description. Picking one proposes its name; a name the marketer typed is kept.
`chosen()` is the selected starter (None for blank) and `name()` the stripped name;
"Create journey" is enabled only with a name (widgets.starter_choice_dialog).
"""

from __future__ import annotations

from typing import Any, Sequence

from widgets.starter_choice_dialog import Choice, StarterChoiceDialog

BLANK_NAME = "Untitled journey"


class NewJourneyDialog(StarterChoiceDialog):
    def __init__(self, starters: Sequence[Any], parent=None):
        blank = Choice("plus", "Blank journey", "Start from an empty canvas and add a trigger.",
                       None, BLANK_NAME)
        choices = [blank] + [
            Choice("journeys", starter.name, starter.description, starter, starter.name,
                   tooltip=f"{starter.steps} steps, ready to adapt")
            for starter in starters]
        super().__init__("New journey", "Create journey", choices,
                         heading_hint="Starter journeys are proven playbooks with their emails "
                         "written: adapt the words, then publish.", size=(620, 520),
                         parent=parent)
