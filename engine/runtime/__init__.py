"""The journey engine's runtime: batches, executors, guards, events, publishing, runner.

May import: only engine packages below it in the layer order of
tests/engine/test_import_layers.py (today: errors, words, clock, db, credentials,
templating, nodes, journey, settings, conditions, segments, messaging, contacts, mailbox,
delivery, http, analytics, experiments); never simulation and demo.
"""
