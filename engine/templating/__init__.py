"""Templating: the email template language itself — Trellis' sandboxed Jinja, its bounds,
its value types, and template text read as words.

Contract: `templates.compile_template` / `templates.render` compile and render one part of
an email in the sandbox (`templates.HTML`, `templates.TEXT`), within the bounds of
`bounds`, or raise `templates.RenderError` with a reason meant for the marketer. This
package knows nothing of emails as things to send (that is engine/messaging), of the
database, or of journeys.

Modules, each with one job:
- `values`        the read-only shapes templates see (contact, shop, cart, products, coupon)
- `filters`       the whitelisted filters and tests
- `templates`     the sandboxed Jinja environments and bounded rendering; `RenderError`
- `bounds`        time, work, memory and output bounds of one render, checked before use
- `syntax_words`  Jinja's syntax errors in words a marketer can act on
- `jinja_source`  setting Jinja tags aside while Markdown, inscriptis or css-inline work
- `display`       a subject in words for step summaries ("Welcome to «shop name»!")

May import: engine.errors only (and jinja2). Layer order: tests/engine/test_import_layers.py.
"""
