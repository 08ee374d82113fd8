"""Messaging: email templates, layouts, rendering, composition, signed links and lint.

Contract (DESIGN.md §5): `render.render_email(template, context)` turns an `EmailTemplate`
and a `context.RenderContext` into a `compose.RenderedEmail`, or raises
`templates.RenderError` with a reason meant for the marketer (the engine fails that one
message, never the batch). `compose.build_mime` makes the MIME message; `tokens` signs the
links the HTTP server answers; `lint.lint_template` checks a template before publishing.

Modules, each with one job:
- `values`     the read-only shapes templates see (contact, shop, cart, products, coupons)
- `filters`    the whitelisted filters and tests
- `templates`  the sandboxed Jinja environments and bounded rendering
- `context`    `RenderContext`: everything one email may show, behind a `DataProvider`
- `cart`, `recommendations`, `coupons`, `providers`   the data behind it, from the database
- `sample`     a sample contact and data for previews and lint
- `jinja_source`, `body`, `layouts`, `text`   turning sources into templates
- `compose`, `tokens`, `render`, `lint`

Nothing here imports Qt.
"""
