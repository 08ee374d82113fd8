"""Event and contact intake over real HTTP (uvicorn on loopback, httpx): API key, status
codes, all-or-nothing batches, size limit, concurrency, key rotation."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from engine.db.models import Consent, Contact, Event
from engine.http.api_key import read_api_key, rotate_api_key
from tests.engine.http_harness import live_server


@pytest.fixture
def api(db, clock):
    with live_server(db, clock, max_body_bytes=20_000) as server:
        yield server


def count(db, model) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_one_event_creates_the_contact_and_wakes_the_engine(api, db):
    response = api.client.post("/v1/events", headers=api.auth(), json={
        "contact": "Ana@Example.com", "name": "order_placed", "properties": {"total": 42.5},
        "at": "2026-03-01T10:00:00+01:00"})
    assert response.status_code == 202 and response.json() == {"recorded": 1}
    with db.session() as session:
        event = session.scalar(select(Event))
        email = session.scalar(select(Contact.email).where(Contact.id == event.contact_id))
    assert email == "ana@example.com" and event.name == "order_placed"
    assert event.properties == {"total": 42.5} and event.source == "api"
    assert event.occurred_at.isoformat() == "2026-03-01T09:00:00+00:00"
    assert api.woken


def test_a_batch_is_recorded_together(api, db):
    batch = [{"contact": f"c{i}@example.com", "name": "page_viewed"} for i in range(50)]
    response = api.client.post("/v1/events", headers=api.auth(), json=batch)
    assert response.status_code == 202 and response.json() == {"recorded": 50}
    assert count(db, Event) == 50 and count(db, Contact) == 50


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic dXNlcjpwYXNz"},
    {"Authorization": "Bearer"},
])
def test_without_the_right_key_401_and_nothing_stored(api, db, headers):
    response = api.client.post("/v1/events", headers=headers,
                               json={"contact": "ana@example.com", "name": "x"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "api-key" in response.json()["detail"]
    assert api.client.post("/v1/contacts", headers=headers,
                           json={"email": "ana@example.com"}).status_code == 401
    assert count(db, Event) == 0 and count(db, Contact) == 0


@pytest.mark.parametrize("body, message", [
    (b"{not json", "the body is not valid JSON: Expecting property name"),
    (b"", "the body is empty"),
    (b'{"contact": "a@example.com", "name": "x", "properties": {"v": NaN}}', "NaN is not a JSON number"),
    (b'{"contact": "a@example.com", "name": "x\\u0000"}', "NUL"),
    (b"\xff\xfe", "not UTF-8"),
    (b"[" * 100_000, "body is larger"),
])
def test_bad_json_is_refused(api, db, body, message):
    response = api.client.post("/v1/events", headers=api.auth(), content=body)
    assert response.status_code == (413 if "larger" in message else 422)
    assert message in str(response.json()["detail"])
    assert count(db, Event) == 0


def test_one_bad_event_refuses_the_whole_batch_naming_each_error(api, db):
    batch = [{"contact": f"c{i}@example.com", "name": "seen"} for i in range(5)]
    batch[2] = {"contact": "c2@example.com"}
    batch[4] = {"contact": "not-an-email", "name": "seen", "colour": "red"}
    response = api.client.post("/v1/events", headers=api.auth(), json=batch)
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert [e["loc"] for e in errors] == [["body", 2], ["body", 4]]
    assert errors[0]["msg"] == '[2]: "name" is missing'
    assert errors[1]["msg"] == '[4]: "colour" is not an event field (use at, contact, name, properties)'
    assert count(db, Event) == 0 and count(db, Contact) == 0
    single = api.client.post("/v1/events", headers=api.auth(),
                             json={"contact": "a@example.com", "name": "x", "at": "2026-03-01 10:00"})
    assert single.status_code == 422 and single.json()["detail"][0]["loc"] == ["body"]
    assert '"at" has no timezone' in single.json()["detail"][0]["msg"]


def test_oversized_bodies_get_413_declared_or_streamed(api, db):
    big = [{"contact": f"c{i}@example.com", "name": "page_viewed"} for i in range(1000)]
    assert api.client.post("/v1/events", headers=api.auth(), json=big).status_code == 413

    def chunks():  # no Content-Length: the limit holds while reading
        for _ in range(100):
            yield b" " * 1000

    response = api.client.post("/v1/events", headers=api.auth(), content=chunks())
    assert response.status_code == 413 and "larger than 20,000 bytes" in response.json()["detail"]
    assert count(db, Event) == 0


def test_contact_upsert(api, db):
    created = api.client.post("/v1/contacts", headers=api.auth(), json={
        "email": "ana@example.com", "first_name": "Ana", "timezone": "Europe/Paris",
        "attributes": {"plan": "pro"}, "consent": {"granted": True, "evidence": {"form": "footer"}}})
    assert created.status_code == 201 and created.json()["created"] is True
    updated = api.client.post("/v1/contacts", headers=api.auth(),
                              json={"email": "ana@example.com", "last_name": "Lopez"})
    assert updated.status_code == 200
    assert updated.json() == {"contact_id": created.json()["contact_id"], "created": False}
    with db.session() as session:
        contact = session.scalar(select(Contact))
        consent = session.scalar(select(Consent))
    assert (contact.first_name, contact.last_name, contact.timezone) == ("Ana", "Lopez", "Europe/Paris")
    assert contact.attributes == {"plan": "pro"}
    assert consent.granted and consent.source == "api" and consent.evidence == {"form": "footer"}


@pytest.mark.parametrize("body, loc, message", [
    ({"email": "bob@example.com", "timezone": "Mars/Base"}, ["body", "timezone"], "Mars/Base"),
    ({"email": "bob@example.com", "nickname": "B"}, ["body"], '"nickname" is not a contact field'),
    ({"first_name": "Bob"}, ["body"], '"email" is missing'),
    ({"email": "bob@example.com", "consent": {"granted": "yes"}}, ["body", "consent"],
     '"granted" must be true or false'),
])
def test_bad_contact_fields_are_named_and_nothing_is_written(api, db, body, loc, message):
    response = api.client.post("/v1/contacts", headers=api.auth(), json=body)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == loc and message in error["msg"]
    assert count(db, Contact) == 0


def test_concurrent_requests_for_one_new_contact(api, db):
    statuses: list[int] = []

    def post(n: int) -> None:
        for _ in range(5):
            response = api.client.post("/v1/events", headers=api.auth(),
                                       json={"contact": "new@example.com", "name": f"e{n}"})
            statuses.append(response.status_code)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [202] * 40
    assert count(db, Contact) == 1 and count(db, Event) == 40


def test_rotated_key_works_at_once_and_the_old_one_stops(api, db, clock):
    assert read_api_key(db) == api.key
    new, where = rotate_api_key(db, clock.now())
    assert new != api.key and where.endswith(".api-key")
    event = {"contact": "ana@example.com", "name": "x"}
    assert api.client.post("/v1/events", headers=api.auth(new), json=event).status_code == 202
    assert api.client.post("/v1/events", headers=api.auth(api.key), json=event).status_code == 401
    assert read_api_key(db) == new


def test_the_key_file_is_private(db, clock):
    from engine.http.api_key import ensure_api_key, key_file

    key, created = ensure_api_key(db, clock.now())
    assert created and key.startswith("trk_")
    assert key_file(db).stat().st_mode & 0o777 == 0o600
    assert key_file(db).read_text().strip() == key
    assert ensure_api_key(db, clock.now()) == (key, False)
    key_file(db).unlink()  # made elsewhere / deleted: it cannot be shown, only rotated
    assert ensure_api_key(db, clock.now()) == (None, False)


def test_health_and_openapi(api):
    assert api.client.get("/health").json() == {"status": "ok", "database": "ok"}
    schema = api.client.get("/openapi.json").json()
    assert {"/v1/events", "/v1/contacts", "/o/{token}", "/c/{token}", "/u/{token}",
            "/v/{token}", "/health"} <= set(schema["paths"])
    assert schema["paths"]["/v1/events"]["post"]["security"] == [{"apiKey": []}]
    assert api.client.get("/docs").status_code == 404  # no CDN-loading docs page


def test_one_failing_request_in_a_group_commit_fails_alone(db, clock):
    import asyncio

    from engine.http.event_writer import EventWriter, WriteFailed
    from engine.intake.events import EventInput, parse_event

    woken: list[int] = []
    writer = EventWriter(db, clock, lambda: woken.append(1))
    good = [parse_event({"contact": f"c{i}@example.com", "name": "seen"}) for i in range(3)]
    # a value JSON cannot store: its transaction fails (parse_event never lets one through)
    bad = [EventInput("bad@example.com", "seen", {"v": {1, 2}})]

    async def post_together():
        return await asyncio.gather(writer.write(good[:2]), writer.write(bad),
                                    writer.write(good[2:]), return_exceptions=True)

    writer.start()
    try:
        results = asyncio.run(post_together())
    finally:
        writer.stop()
    assert results[0] == 2 and results[2] == 1
    assert isinstance(results[1], WriteFailed) and not results[1].temporary
    assert count(db, Event) == 3 and woken
    with db.session() as session:
        assert session.scalar(select(Contact).where(Contact.email == "bad@example.com")) is None
