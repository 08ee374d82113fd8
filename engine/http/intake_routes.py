"""`POST /v1/events` and `POST /v1/contacts`: intake over HTTP, with the API key.

Contract:
- Both need `Authorization: Bearer <API key>` (401 otherwise, with `WWW-Authenticate`).
- `/v1/events` takes one event object or a JSON array of them, each as in the events
  file: `{"contact": email, "name": text, "properties": {...}, "at": ISO 8601 with zone}`;
  an unknown email creates the contact. Every event is checked (engine.intake.events.parse_event)
  before anything is written, and all are written in one transaction: one bad event means
  a 422 naming each bad one (`[3]: "name" is missing`) and nothing stored. 202
  `{"recorded": n}` on success, after which the engine is woken.
- `/v1/contacts` upserts one contact (engine.intake.events.record_contact_upsert): 201 when
  created, 200 when updated, `{"contact_id", "created"}`; 422 naming the field.
- A body over the limit is 413 and is not read further; broken JSON is 422. When the
  database cannot store them: 503 with `Retry-After`, nothing stored.
Events are written by the group-commit `EventWriter` (event_writer.py). Large bodies are
decoded in the thread pool and database work never runs on the event loop, so a big
batch does not stall the open pixel or the unsubscribe page.
"""

from __future__ import annotations

from typing import Any, Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool

from engine.errors import InputError
from engine.http.bodies import HttpProblem, decode_json, field_error, read_body
from engine.http.context import HttpContext, http_context
from engine.http.event_writer import ATTEMPTS, WriteFailed
from engine.http.schemas import CONTACT_BODY, EVENTS_BODY, INTAKE_RESPONSES
from engine.intake.events import EventInput, parse_event, record_contact_upsert

router = APIRouter(prefix="/v1", tags=["intake"])
SOURCE = "api"
#: bodies up to this size are decoded on the event loop; larger ones in the thread pool
INLINE_DECODE_BYTES = 64 * 1024
UNAUTHORIZED = HttpProblem(401, "a valid API key is needed: Authorization: Bearer <key> "
                           "(python main.py api-key shows it)",
                           headers={"WWW-Authenticate": "Bearer"})


def _bearer(request: Request) -> str | None:
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    return key.strip() if scheme.lower() == "bearer" and key.strip() else None


async def _authorized_body(request: Request) -> tuple[HttpContext, bytes]:
    context = http_context(request)
    presented = _bearer(request)
    if presented is None or not context.api_key(presented):
        raise UNAUTHORIZED
    return context, await read_body(request, context.max_body_bytes)


async def _off_loop_if_large(body: bytes, work: Callable[[bytes], Any]) -> Any:
    if len(body) <= INLINE_DECODE_BYTES:
        return work(body)
    return await run_in_threadpool(work, body)


@router.post("/events", status_code=202, openapi_extra=EVENTS_BODY, responses=INTAKE_RESPONSES,
             summary="Record one event or a batch")
async def post_events(request: Request) -> JSONResponse:
    context, body = await _authorized_body(request)
    items = await _off_loop_if_large(body, _parse_events)
    if items:
        try:
            await context.events.write(items)
        except WriteFailed as failure:
            status = 503 if failure.temporary else 500
            raise HttpProblem(status, str(failure),
                              headers={"Retry-After": "1"} if failure.temporary else None) from None
    return JSONResponse({"recorded": len(items)}, status_code=202)


def _parse_events(body: bytes) -> list[EventInput]:
    data = decode_json(body)
    batch = isinstance(data, list)
    items, errors = [], []
    for index, obj in enumerate(data if batch else [data]):
        where = f"[{index}]" if batch else ""
        try:
            items.append(parse_event(obj, where))
        except InputError as error:
            errors.append(field_error(["body", index] if batch else ["body"], str(error)))
    if errors:
        raise HttpProblem(422, errors[0]["msg"], errors)
    return items


@router.post("/contacts", openapi_extra=CONTACT_BODY, responses=INTAKE_RESPONSES,
             summary="Create or update one contact")
async def post_contact(request: Request) -> JSONResponse:
    context, body = await _authorized_body(request)
    return await run_in_threadpool(_upsert_contact, context, body)


def _upsert_contact(context: HttpContext, body: bytes) -> JSONResponse:
    data = decode_json(body)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with context.database.session() as session:
                outcome = record_contact_upsert(session, data, now=context.clock.now(),
                                                source=SOURCE)
            break
        except InputError as error:  # raised before anything is written
            loc = ["body", error.where] if error.where else ["body"]
            raise HttpProblem(422, str(error), [field_error(loc, str(error))]) from None
        except DBAPIError:  # a concurrent writer created the same contact first: try again
            if attempt == ATTEMPTS:
                raise
    return JSONResponse({"contact_id": outcome.contact_id, "created": outcome.created},
                        status_code=201 if outcome.created else 200)
