"""Messaging: email templates, layouts, rendering, composition, signed links and lint.

Contract (DESIGN.md §5): `render.render_email(template, context)` turns an `EmailTemplate`
and a `context.RenderContext` into a `compose.RenderedEmail`, or raises
`engine.templating.templates.RenderError` with a reason meant for the marketer (the
engine fails that one message, never the batch). `compose.build_mime` makes the MIME message; `tokens` signs the
links the HTTP server answers; `lint.lint_template` checks a template before publishing.

The template language (sandbox, bounds, filters, value types, `RenderError`) is
engine/templating; this package makes emails with it.

Modules, each with one job:
- `fields`        the contact fields that exist, for lint's "Unknown field"
- `constants`     lint's evaluation of a template's constant parts within the bounds
- `context`       `RenderContext`: everything one email may show, behind a `DataProvider`
- `cart`, `recommendations`, `coupons`, `providers`   that data, from the database
- `sample`        a sample contact and data, for previews and lint
- `chip_fields`   the fields a block email's chip can show, with samples (merge-field picker)
- `starter_emails` the six starter block designs (resources/email/starters/)
- `body`, `layouts`, `inline`, `text`   from sources to compiled templates
- `render`        `render_email`, with the compile cache
- `compose`       `RenderedEmail`, CSS inlining, `build_mime`
- `tokens`        signed links, click tracking, test-send keys (the secret: credentials)
- `tracking`      tracking on or off: the public URL and its self-test
- `lint`, `lint_html`   checks before publishing

Nothing here imports Qt.

May import: only engine packages below it in the layer order of
tests/engine/test_import_layers.py (today: errors, db, credentials, templating, blocks,
journey, settings, segments); never mailbox, delivery, http, the runtime (which use it).
"""
