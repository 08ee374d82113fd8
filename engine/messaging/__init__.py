"""Messaging: email templates, layouts, rendering, composition, signed links and lint.

Contract (DESIGN.md §5): `render.render_email(template, context)` turns an `EmailTemplate`
and a `context.RenderContext` into a `compose.RenderedEmail`, or raises
`templates.RenderError` with a reason meant for the marketer (the engine fails that one
message, never the batch). `compose.build_mime` makes the MIME message; `tokens` signs the
links the HTTP server answers; `lint.lint_template` checks a template before publishing.

Modules, each with one job:
- `values`        the read-only shapes templates see (contact, shop, cart, products, coupon)
- `filters`       the whitelisted filters and tests
- `templates`     the sandboxed Jinja environments and bounded rendering; `RenderError`
- `bounds`        time, work, memory and output bounds of one render, checked before use
- `syntax_words`  Jinja's syntax errors in words a marketer can act on
- `fields`        the contact fields that exist, for lint's "Unknown field"
- `constants`     lint's evaluation of a template's constant parts within the bounds
- `display`       a subject in words for step summaries ("Welcome to «shop name»!")
- `context`       `RenderContext`: everything one email may show, behind a `DataProvider`
- `cart`, `recommendations`, `coupons`, `providers`, `inserts`   that data, from the database
- `sample`        a sample contact and data, for previews and lint
- `jinja_source`  setting Jinja tags aside while Markdown, inscriptis or css-inline work
- `body`, `layouts`, `inline`, `text`   from sources to compiled templates
- `render`        `render_email`, with the compile cache
- `compose`       `RenderedEmail`, CSS inlining, `build_mime`
- `tokens`        signed links, click tracking, the link secret
- `lint`, `lint_html`   checks before publishing

Nothing here imports Qt.
"""
