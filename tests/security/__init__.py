"""Hostile input: published Jinja2 sandbox escapes and resource payloads."""
