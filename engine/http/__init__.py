"""Trellis' HTTP server (DESIGN.md §5): intake, the links in emails, health.

Contract: `app.create_app(database, clock, wake)` builds the FastAPI app;
`server.HttpServer` runs it with uvicorn in a thread of the app or of `main.py run`,
bound to loopback unless configured. Nothing here imports Qt.

Modules, each with one job:
- `app`             the app factory, health, error answers
- `intake_routes`   POST /v1/events and /v1/contacts (API key)
- `link_routes`     open pixel, click redirect, unsubscribe page and one-click, view
- `api_key`         making, keeping, rotating and checking the API key
- `bodies`          bounded body reading and strict JSON
- `context`, `schemas`, `pages`   shared state, the OpenAPI bodies, the HTML pages
- `server`          uvicorn in a thread

May import: only engine packages below it in the layer order of
tests/engine/test_import_layers.py (today: errors, clock, files, db, credentials,
messaging, intake); never the runtime (which starts it).
"""
