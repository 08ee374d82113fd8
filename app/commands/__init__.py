"""CLI command groups. Each module has `register(subparsers)`; handlers return an exit code.

The list is explicit (no discovery by import side effects) and its order is the order
`--help` shows.
"""

from app.commands import (
    api_key, audiences, brand, contacts, coupons, demo, events, journeys, links, mailbox, outbox, products,
    report, rules, run, screenshot, segments, simulate, smtp, validate,
)

COMMAND_MODULES = [
    validate, journeys, contacts, segments, events, products, audiences, coupons, brand, rules, run, api_key, links, smtp,
    mailbox, outbox, report,
    simulate, demo, screenshot,
]
