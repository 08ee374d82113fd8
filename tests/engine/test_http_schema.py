"""Schemathesis against the served OpenAPI schema of a live server: generated requests,
valid and invalid, to every operation, must never get a server error (5xx). Bounded:
a few examples per operation, no shrinking of passing runs, a handful of seconds."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402  (schemathesis' engine)
from schemathesis.checks import not_a_server_error  # noqa: E402

from tests.engine.http_harness import live_server  # noqa: E402
from tests.engine.mail_harness import email_journey, mail_harness, queue_emails  # noqa: E402


@pytest.fixture
def server(db, clock):
    h = mail_harness(db, clock)  # something real to unsubscribe from, open and click
    h.publish(email_journey("welcome", "hello"))
    queue_emails(h, "welcome", ["ana@example.com"])
    with live_server(db, clock, max_body_bytes=64_000) as live:
        yield live


def test_no_server_errors(server):
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7
    for operation in operations:

        @settings(max_examples=15, deadline=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck), database=None)
        @given(case=operation.as_strategy())
        def no_server_error(case) -> None:
            case.call_and_validate(base_url=server.url, headers=server.auth(),
                                   checks=[not_a_server_error], timeout=30)

        no_server_error()
