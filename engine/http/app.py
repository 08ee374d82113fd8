"""The Trellis HTTP application (FastAPI): intake, the links in emails, health.

Contract: `create_app(database, clock, wake)` returns an ASGI app serving
- `POST /v1/events`, `POST /v1/contacts` (intake_routes.py, API key required),
- `GET /o/…`, `GET /c/…`, `GET|POST /u/…`, `GET /v/…` (link_routes.py, signed tokens),
- `GET /health` (`{"status": "ok"}`, or 503 when the database does not answer; with
  `?nonce=N` also `"proof"`, engine.messaging.tracking.health_proof of N with the link secret, which
  the tracking self-test checks),
- `GET /openapi.json`. No interactive docs page: it would load scripts from a CDN.
`wake` is called after events were recorded (the engine runner's `wake`); it must be
cheap and thread-safe. `key_cache_seconds`: how long a rotated-away API key may still be
accepted (api_key.ApiKeyCheck; 0 reads the stored hash on every request).
Unexpected errors answer 500 `{"detail": "internal error"}` and are logged; a request
never leaves half its writes (each runs in one transaction). The app's lifespan starts
and stops the intake's group-commit writer: serve it with lifespan events on (HttpServer
does). The app holds no per-process secret: tokens verify against the database's link
secret and the API key against its stored hash, so several servers may share a database.
"""

from __future__ import annotations

import inspect
from contextlib import asynccontextmanager
from typing import AsyncIterator, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from engine.clock import Clock
from engine.db.database import Database
from engine.http import intake_routes, link_routes
from engine.http.bodies import HttpProblem, problem_response
from engine.http.context import MAX_BODY_BYTES, HttpContext, log
from engine.messaging.tracking import health_proof

#: FastAPI ≥ 0.16x traces every request with OpenTelemetry when it is installed; a desktop
#: app exports nothing, and the tracing costs as much as parsing the request
_NO_TELEMETRY = ({"telemetry": {"tracing": False, "metrics": False, "logs": False}}
                 if "telemetry" in inspect.signature(FastAPI).parameters else {})

DESCRIPTION = """Trellis' own server: event and contact intake for your shop or website
(`Authorization: Bearer <API key>`; `python main.py api-key` shows the key), and the
links inside the emails Trellis sends (open pixel, click redirect, unsubscribe, view in
browser)."""


def create_app(database: Database, clock: Clock, wake: Callable[[], None], *,
               max_body_bytes: int = MAX_BODY_BYTES, key_cache_seconds: float = 1.0) -> FastAPI:
    context = HttpContext(database, clock, wake, max_body_bytes=max_body_bytes,
                          key_cache_seconds=key_cache_seconds)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        context.events.start()
        try:
            yield
        finally:  # after the last request: what was accepted is written before we exit
            await run_in_threadpool(context.events.stop)

    app = FastAPI(title="Trellis", version="1", description=DESCRIPTION,
                  docs_url=None, redoc_url=None, lifespan=lifespan, **_NO_TELEMETRY)
    app.state.trellis = context
    app.include_router(intake_routes.router)
    app.include_router(link_routes.router)
    _declare_bearer_auth(app)

    @app.get("/health", tags=["health"], summary="Is the server and its database up?")
    async def health(nonce: str | None = None) -> JSONResponse:
        def ping() -> None:
            with database.session() as session:
                session.execute(text("SELECT 1"))

        try:
            await run_in_threadpool(ping)
        except Exception as error:  # noqa: BLE001 — report, don't crash
            log.warning("health check: the database does not answer: %s", error)
            return JSONResponse({"status": "unavailable", "database": "error"}, status_code=503)
        answer = {"status": "ok", "database": "ok"}
        if nonce:  # the tracking self-test (engine.messaging.tracking): prove it is this database
            answer["proof"] = health_proof(context.link_secret(), nonce[:200])
        return JSONResponse(answer)

    @app.exception_handler(HttpProblem)
    async def _problem(_request: Request, problem: HttpProblem) -> JSONResponse:
        return problem_response(problem)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in error.errors()]}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"detail": error.detail}, status_code=error.status_code,
                            headers=getattr(error, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("%s %s failed", request.method, request.url.path)
        return JSONResponse({"detail": "internal error"}, status_code=500)

    return app


def _declare_bearer_auth(app: FastAPI) -> None:
    """The intake routes read the header themselves; the schema says what they expect."""
    make_schema = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = make_schema()
            schema.setdefault("components", {})["securitySchemes"] = {
                "apiKey": {"type": "http", "scheme": "bearer",
                           "description": "the key `python main.py api-key` shows"}}
            for path, operations in schema.get("paths", {}).items():
                if path.startswith(intake_routes.router.prefix):
                    for operation in operations.values():
                        operation["security"] = [{"apiKey": []}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
