"""A journey: its graph model, its document (file and database shape), format migrations,
validation, and where journeys are stored (drafts, library verbs).
"""
