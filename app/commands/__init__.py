"""CLI command groups. Each module has `register(subparsers)`; handlers return an exit code.

The list is explicit (no discovery by import side effects) and its order is the order
`--help` shows.
"""

from app.commands import audiences, contacts, events, journeys, run, screenshot, simulate, validate

COMMAND_MODULES = [validate, journeys, contacts, events, audiences, run, simulate, screenshot]
