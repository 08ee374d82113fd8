"""A journey: its graph model, its document (file and database shape), format migrations,
validation, and where journeys are stored (drafts, library verbs); `step_words` names its
steps and timeline lines in words.

May import: engine.errors, words, clock, files, db, templating, nodes, blocks (nothing
above them); see tests/engine/test_import_layers.py for the layer order.
"""
