"""Issue 10 row 17: the link secret can be rotated (old links stop working, said plainly),
and a running server follows the new secret without a restart."""

from __future__ import annotations

from engine.credentials.link_secret import get_or_create_secret
from engine.http.context import SECRET_TTL_SECONDS, HttpContext
from engine.messaging.tokens import UNSUBSCRIBE, sign
from tests.engine.http_harness import live_server


def test_rotate_secret_needs_yes_and_says_old_links_stop(cli, db):
    code, _, err = cli("links", "rotate-secret")
    assert code == 2 and "stops working" in err
    with db.session() as session:
        before = get_or_create_secret(session)
    code, _, err = cli("links", "rotate-secret", "--yes")
    assert code == 0 and "stops working" in err
    with db.session() as session:
        assert get_or_create_secret(session) != before


def test_old_links_404_after_rotation_and_new_ones_work(cli, db, clock):
    with db.session() as session:
        old = sign(UNSUBSCRIBE, {"m": "x", "c": 1}, get_or_create_secret(session))
    with live_server(db, clock) as api:
        assert api.client.get(f"/u/{old}").status_code != 404
    assert cli("links", "rotate-secret", "--yes")[0] == 0
    with db.session() as session:
        new = sign(UNSUBSCRIBE, {"m": "x", "c": 1}, get_or_create_secret(session))
    with live_server(db, clock) as api:
        assert api.client.get(f"/u/{old}").status_code == 404
        assert api.client.get(f"/u/{new}").status_code != 404


def test_a_running_server_reads_the_rotated_secret_within_its_ttl(cli, db, clock):
    now = [0.0]
    context = HttpContext(db, clock, lambda: None, monotonic=lambda: now[0])
    first = context.link_secret()
    assert cli("links", "rotate-secret", "--yes")[0] == 0
    assert context.link_secret() == first  # cached
    now[0] += SECRET_TTL_SECONDS + 0.1
    assert context.link_secret() != first
