"""The links in emails: open pixel, click redirect, unsubscribe, view in browser.

Contract (tokens are engine.messaging.tokens' signed tokens; one that does not verify for
its kind gets 404 and changes nothing):
- `GET /o/{token}`: a 1×1 GIF; records `email_opened` for the message's contact.
- `GET /c/{token}`: 302 to the URL signed into the token (the one that was in the email,
  http or https only); records `email_clicked` with that URL.
- `GET /u/{token}`: a page asking to confirm, with a button. It changes nothing.
- `POST /u/{token}`: unsubscribes (RFC 8058 one-click: the body `List-Unsubscribe=One-Click`
  as form data; no cookies, no redirect; the confirm page posts the same): records an
  `unsubscribed` event through engine.intake.events, which sets the contact's status and records
  the consent withdrawal with its evidence (message key, IP address, user agent, how). A
  contact already unsubscribed gets the same answer and no second record.
- `GET /v/{token}`: the email's HTML as stored in the outbox.
Events are recorded with source `tracking` and wake the engine (waits and goals may be
listening). Emails sent as tests (message key `test:…`) record nothing. A valid token
whose message has since been purged still answers (pixel, redirect) but records nothing.
GETs never change consent.
"""

from __future__ import annotations

from email import policy as email_policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from engine.db.models import Contact, ContactStatus, Message
from engine.http import pages
from engine.http.bodies import read_body
from engine.http.context import MAX_FORM_BYTES, HttpContext, http_context
from engine.http.schemas import NOT_FOUND
from engine.intake.events import UNSUBSCRIBED, EventInput, record_events
from engine.messaging import tokens
from engine.messaging.providers import load_shop
from engine.messaging.tokens import is_test_key

router = APIRouter(tags=["links"])
SOURCE = "tracking"
OPENED, CLICKED = "email_opened", "email_clicked"
PIXEL = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00!\xf9\x04\x01\x00\x00"
         b"\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
NO_STORE = {"Cache-Control": "no-store, no-cache, must-revalidate, private",
            "Referrer-Policy": "no-referrer"}


def _payload(request: Request, kind: str, token: str) -> dict[str, Any] | None:
    return tokens.verify(kind, token, http_context(request).link_secret())


def _not_found() -> HTMLResponse:
    return HTMLResponse(pages.not_found_page(), status_code=404, headers=pages.PAGE_HEADERS)


def _message_details(session, key: str) -> dict[str, Any] | None:
    row = session.execute(select(Message.contact_id, Message.journey_id, Message.node_id,
                                 Message.template_key).where(Message.idempotency_key == key)).first()
    if row is None or row.contact_id is None:
        return None
    return {"contact_id": row.contact_id, "journey_id": row.journey_id,
            "node_id": row.node_id, "template": row.template_key}


def _record_engagement(context: HttpContext, key: str, name: str, extra: dict[str, Any]) -> None:
    if not isinstance(key, str) or is_test_key(key):
        return
    with context.database.session() as session:
        details = _message_details(session, key)
        if details is None:
            return
        email = session.scalar(select(Contact.email).where(Contact.id == details.pop("contact_id")))
        if email is None:
            return
        properties = {"message_key": key, **{k: v for k, v in details.items() if v is not None},
                      **extra}
        record_events(session, [EventInput(email, name, properties)],
                      now=context.clock.now(), source=SOURCE)
    context.wake()


@router.get("/o/{token}", responses=NOT_FOUND, summary="Open pixel",
            response_class=Response)
async def open_pixel(request: Request, token: str) -> Response:
    payload = _payload(request, tokens.OPEN, token)
    if payload is None:
        return _not_found()
    await run_in_threadpool(_record_engagement, http_context(request), payload.get("m"), OPENED, {})
    return Response(PIXEL, media_type="image/gif", headers=NO_STORE)


@router.get("/c/{token}", responses={302: {"description": "to the link in the email"}, **NOT_FOUND},
            summary="Click redirect", response_class=RedirectResponse)
async def click(request: Request, token: str) -> Response:
    payload = _payload(request, tokens.CLICK, token)
    target = payload.get("u") if payload else None
    if not isinstance(target, str) or not target.lower().startswith(("http://", "https://")):
        return _not_found()
    await run_in_threadpool(_record_engagement, http_context(request), payload.get("m"), CLICKED,
                            {"url": target})
    return RedirectResponse(target, status_code=302, headers=NO_STORE)


# --- unsubscribe -------------------------------------------------------------------------

def _unsubscribe_state(context: HttpContext, payload: dict[str, Any]) -> tuple[str, str, str | None]:
    """(shop name, state, the contact's email): state is test, gone, already or subscribed."""
    with context.database.session() as session:
        shop = load_shop(session).name
        key, contact_id = payload.get("m"), payload.get("c")
        if not isinstance(key, str) or is_test_key(key):
            return shop, "test", None
        if not isinstance(contact_id, int) or isinstance(contact_id, bool):
            return shop, "gone", None
        row = session.execute(select(Contact.email, Contact.status)
                              .where(Contact.id == contact_id)).first()
    if row is None:
        return shop, "gone", None
    state = "already" if row.status == ContactStatus.UNSUBSCRIBED else "subscribed"
    return shop, state, row.email


@router.get("/u/{token}", responses=NOT_FOUND, summary="Unsubscribe page (changes nothing)",
            response_class=HTMLResponse)
async def unsubscribe_page(request: Request, token: str) -> Response:
    payload = _payload(request, tokens.UNSUBSCRIBE, token)
    if payload is None:
        return _not_found()
    shop, state, email = await run_in_threadpool(_unsubscribe_state, http_context(request), payload)
    if state == "test":
        page = pages.test_email_page(shop)
    elif state == "subscribed" and email:
        page = pages.confirm_page(shop, email)
    else:  # already unsubscribed, or the contact was deleted: nothing left to do
        page = pages.already_page(shop)
    return HTMLResponse(page, headers=pages.PAGE_HEADERS)


def _form_fields(body: bytes, content_type: str) -> list[tuple[str, str]]:
    """The (name, value) pairs of a form body, urlencoded or multipart/form-data."""
    if content_type.lower().startswith("multipart/form-data"):
        message = BytesParser(policy=email_policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode("latin-1") + body)
        fields = []
        if message.is_multipart():
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True) or b""
                if isinstance(name, str):
                    fields.append((name, payload.decode("utf-8", "replace").strip("\r\n")))
        return fields
    return parse_qsl(body.decode("latin-1"), keep_blank_values=True)


def _one_click(body: bytes, content_type: str = "") -> tuple[bool, bool]:
    """(is it an unsubscribe request, did it come from our confirm page)"""
    # RFC 8058: the form field List-Unsubscribe with the value One-Click, exactly, as
    # urlencoded or multipart/form-data; any other body (a substring, another field
    # holding the words) is not a request to unsubscribe.
    fields = _form_fields(body, content_type)
    asked = ("List-Unsubscribe", "One-Click") in fields
    return asked, ("via", "page") in fields


def _unsubscribe(context: HttpContext, payload: dict[str, Any], evidence: dict[str, Any]) -> str:
    shop, state, email = _unsubscribe_state(context, payload)
    if state == "test":
        return pages.test_email_page(shop)
    if state != "subscribed" or email is None:
        return pages.already_page(shop)
    key = payload["m"]
    with context.database.session() as session:
        details = _message_details(session, key) or {}
        properties = {"message_key": key, **evidence,
                      **{k: v for k, v in details.items() if v is not None and k != "contact_id"}}
        record_events(session, [EventInput(email, UNSUBSCRIBED, properties)],
                      now=context.clock.now(), source=SOURCE)
    context.wake()
    return pages.done_page(shop)


@router.post("/u/{token}", responses={400: {"description": "not a one-click unsubscribe body"},
                                      **NOT_FOUND},
             summary="One-click unsubscribe (RFC 8058)", response_class=HTMLResponse)
async def unsubscribe(request: Request, token: str) -> Response:
    payload = _payload(request, tokens.UNSUBSCRIBE, token)
    if payload is None:
        return _not_found()
    body = await read_body(request, MAX_FORM_BYTES)
    asked, from_page = _one_click(body, request.headers.get("content-type", ""))
    if not asked:
        return HTMLResponse("<p>Send <code>List-Unsubscribe=One-Click</code> to unsubscribe.</p>",
                            status_code=400, headers=pages.PAGE_HEADERS)
    evidence = {
        "source": "unsubscribe_link" if from_page else "one_click",
        "ip": request.client.host if request.client else None,
        "user_agent": request.headers.get("user-agent", "")[:500],
    }
    page = await run_in_threadpool(_unsubscribe, http_context(request), payload, evidence)
    return HTMLResponse(page, headers=pages.PAGE_HEADERS)


# --- view in browser ---------------------------------------------------------------------

def _stored_html(context: HttpContext, key: Any) -> str | None:
    if not isinstance(key, str) or is_test_key(key):
        return None
    with context.database.session() as session:
        return session.scalar(select(Message.html).where(Message.idempotency_key == key)) or None


@router.get("/v/{token}", responses=NOT_FOUND, summary="The email in the browser",
            response_class=HTMLResponse)
async def view(request: Request, token: str) -> Response:
    payload = _payload(request, tokens.VIEW, token)
    html = payload and await run_in_threadpool(_stored_html, http_context(request), payload.get("m"))
    if not html:
        return _not_found()
    # the email's own markup: images from anywhere, inline styles, no scripts
    policy = "default-src 'none'; img-src * data:; style-src 'unsafe-inline'"
    headers = {**pages.PAGE_HEADERS, "Content-Security-Policy": policy}
    return HTMLResponse(html, headers=headers)
