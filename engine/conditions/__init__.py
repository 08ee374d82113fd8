"""Conditions: the meaning of a condition's rules (branches, splits, waits, segments,
journey entry rules), answered for one contact or for everyone at once.

Modules, each with one job:
- `evaluate`  `condition_holds` and the rule semantics for one contact, pure, over a `Facts`
- `facts`     `ContactFacts`: what those rules ask the database (lists, events, consents,
              saved segments' rules), cached; the runtime's `Batch` builds on it
- `sets`      `matching_ids`: the same rules, set by set in SQL, for all contacts

May import: engine.errors, words, clock, files, db, nodes (conditions are declared in
engine/nodes/common.py); never segments or the runtime, which both use it. Layer order:
tests/engine/test_import_layers.py.
"""
