"""`start_services`: what runs beside the runner, started alike by `main.py run` and the app."""

from __future__ import annotations

import socket
import urllib.request

from engine.clock import SystemClock
from engine.delivery.smtp_settings import parse_smtp_url
from engine.runtime.services_start import start_services


def test_without_smtp_settings_there_is_no_delivery_and_the_server_serves(db):
    services = start_services(db, SystemClock(), lambda: None, bind=("127.0.0.1", 0))
    try:
        assert services.delivery is None and services.smtp is None
        assert services.api_key_created and services.http_error is None
        with urllib.request.urlopen(f"{services.http.url}/health", timeout=5) as response:
            assert response.status == 200
    finally:
        services.stop()
    services.stop()  # twice is fine
    assert services.http is None


def test_delivery_uses_the_smtp_given_with_changes_and_a_taken_port_is_kept(db):
    smtp, _password = parse_smtp_url("smtp://127.0.0.1:2525")
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        services = start_services(db, SystemClock(), lambda: None, smtp=smtp,
                                  smtp_changes={"connections": 3},
                                  bind=taken.getsockname())
        try:
            assert services.delivery is not None and services.smtp.connections == 3
            assert services.http is None and "cannot serve HTTP" in str(services.http_error)
        finally:
            services.stop()
    finally:
        taken.close()


def test_no_server_asked_no_server_started(db):
    services = start_services(db, SystemClock(), lambda: None, deliver=False)
    assert (services.delivery, services.http, services.http_error) == (None, None, None)
