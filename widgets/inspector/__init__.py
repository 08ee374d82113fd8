"""The inspector: a form for the selected step (or the journey), generated from its
pydantic config model. See `widgets/inspector/inspector.py`."""

from widgets.inspector.inspector import Inspector

__all__ = ["Inspector"]
