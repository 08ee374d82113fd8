"""The canvas's Results overlay as a marketer uses it: switch it on in the editor, read
each step's figures on its card and the busiest links drawn thicker, open another
journey (the overlay stays on and shows that journey's figures), switch it off."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from app.results_flow import utc_today
from app.starters import list_starters
from engine.analytics.catchup import catch_up
from engine.db.models import Contact, Enrollment, JourneyVersion, Message, StepLog


def history(db, journey_id: int, journey, contacts: int, prefix: str) -> list[str]:
    """`contacts` contacts entered the journey two days ago and walked its first path."""
    at = datetime.combine(utc_today() - timedelta(days=2), time(9), tzinfo=timezone.utc)
    route, node = [], next(n for n in journey.node_ids() if journey.spec(n).is_trigger)
    while node is not None and node not in route:
        route.append(node)
        # at a fork, the last port (a wait's timeout: on to the emails)
        node = ([t for s, _p, t in journey.edges() if s == node] or [None])[-1]
    with db.session() as session:
        version = JourneyVersion(journey_id=journey_id, number=1, document={}, published_at=at)
        session.add(version)
        session.flush()
        for n in range(contacts):
            contact = Contact(email=f"{prefix}{n}@example.com", created_at=at, updated_at=at)
            session.add(contact)
            session.flush()
            run = Enrollment(contact_id=contact.id, journey_id=journey_id, version_id=version.id,
                             node_id=route[-1], status="completed", entered_at=at)
            session.add(run)
            session.flush()
            # the first contact stops after two steps: the links after carry fewer
            walked = route if n else route[:2]
            for i, step in enumerate(walked):
                kind = "enter" if i == 0 else "step"
                if journey.node(step)["type"] == "action.send_email":
                    kind = "email"
                    session.add(Message(idempotency_key=f"{prefix}{n}{step}", contact_id=contact.id,
                                        enrollment_id=run.id, journey_id=journey_id, node_id=step,
                                        template_key="t", to_address=contact.email, status="sent",
                                        queued_at=at, sent_at=at))
                session.add(StepLog(enrollment_id=run.id, contact_id=contact.id,
                                    journey_id=journey_id, version_id=version.id, node_id=step,
                                    kind=kind, at=at))
            session.add(StepLog(enrollment_id=run.id, contact_id=contact.id, journey_id=journey_id,
                                version_id=version.id, node_id=walked[-1], kind="exit",
                                reason="completed" if n else "exit_event", at=at))
    catch_up(db)
    return route


def _open(window, qtbot, journey_id):
    assert window.journeys.open_journey(journey_id)
    page = window.editor_page
    qtbot.waitUntil(lambda: not page.canvas_results.reading, timeout=10_000)
    return page


def test_overlay_on_open_another_journey_off(shown_window, qtbot):
    window = shown_window
    first, second = list_starters()[:2]
    assert window.journeys.new_journey(first, first.name)
    a, journey_a = window.editor_page.journey_id, window.editor_page.document.journey
    assert window.journeys.new_journey(second, second.name)
    b, journey_b = window.editor_page.journey_id, window.editor_page.document.journey
    route_a = history(window.database, a, journey_a, 3, "a")
    route_b = history(window.database, b, journey_b, 1, "b")

    page = _open(window, qtbot, a)
    editor = page.editor
    trigger = next(n for n in journey_a.node_ids() if journey_a.spec(n).is_trigger)
    assert editor.scene.node_item(trigger).results is None
    editor.results_toggle.trigger()  # the toolbar's Step figures
    qtbot.waitUntil(lambda: page.canvas_results.figures is not None, timeout=10_000)
    assert editor.scene.node_item(trigger).results[-1] == "3 reached · 0.0 % dropped"
    # one of the three left at the second step
    assert editor.scene.node_item(route_a[1]).results[-1] == "3 reached · 33.3 % dropped"
    email = next(n for n in route_a if journey_a.node(n)["type"] == "action.send_email")
    assert "2 sent · 0% open · 0% click" in editor.scene.node_item(email).results
    widths = {e.key: e.flow_width for e in editor.scene.edge_items()}
    first_link = next(k for k in widths if k[0] == trigger)
    assert widths[first_link] == max(widths.values()) > min(widths.values())

    page = _open(window, qtbot, b)  # the overlay stays on: the second journey's figures
    assert page.editor.results_shown()
    qtbot.waitUntil(lambda: page.canvas_results.figures is not None, timeout=10_000)
    trigger_b = route_b[0]
    assert page.editor.scene.node_item(trigger_b).results[-1] == "1 reached · 0.0 % dropped"
    assert page.editor.scene.node_item(route_b[1]).results[-1] == "1 reached · 100.0 % dropped"

    page.editor.results_toggle.trigger()  # off: the cards show their summaries again
    assert page.editor.scene.node_item(trigger_b).results is None
    assert all(e.flow_width is None for e in page.editor.scene.edge_items())


def test_the_editor_header_says_when_unsubscribes_spike(shown_window, qtbot):
    from engine.db.models import JourneyRow
    from tests.engine.test_analytics_spikes import write_sends

    window = shown_window
    starter = list_starters()[0]
    assert window.journeys.new_journey(starter, starter.name)
    journey_id = window.editor_page.journey_id
    window.editor_page.close()
    at = datetime.combine(utc_today(), time(), tzinfo=timezone.utc)
    with window.database.session() as session:
        version = JourneyVersion(journey_id=journey_id, number=1, document={}, published_at=at)
        session.add(version)
        session.flush()
        row = session.get(JourneyRow, journey_id)
        row.status, row.live_version_id = "live", version.id
        assert version.id == journey_id  # write_sends uses the journey id as the version's
    write_sends(window.database, journey_id, [None] * 300)
    write_sends(window.database, journey_id,
                ["spam_complaint" if n % 40 == 0 else None for n in range(200)], start=300)
    catch_up(window.database)
    page = window.editor_page
    assert window.journeys.open_journey(journey_id)
    qtbot.waitUntil(lambda: page.header.warning.isVisibleTo(page.header), timeout=10_000)
    assert "Spam complaints are spiking: 2.5% of the last 200 emails" in page.header.warning.text()
