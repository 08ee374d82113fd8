"""What publishing a journey will do, in words: who can enter, the emails and when, the
guards, and what to fix first.

Contract:
- `forecast_publish(session, document, now)` reads (never writes) and returns a
  `PublishForecast`:
  - `entry`: who can enter, as a sentence with its count: for an event trigger, how many
    such events arrived in the 7 days before `now` (and from how many contacts); for a
    list or segment trigger, its size now (and that only contacts who join or come to
    match from now on enter); for inactivity, how many contacts are inactive long enough
    now (they enter at the first scan); for a date field, how many contacts have it; for
    a manual trigger, that contacts enter only by hand.
  - `emails`: every send-email step reachable from the trigger, in path order, with its
    subject (rendered for the sample contact, so no template code shows; the raw subject
    if it cannot render) and `when`: the delays and waits on the shortest path to it
    ("right away", "after 2 days", "after 4 hours if added_to_cart… is not seen").
  - `guards`: the frequency cap, quiet hours (the journey's own, else the app's), consent
    rule and the master switch, in words; transactional emails bypass cap and quiet hours.
  - `warnings`: no email server ("emails will wait in the outbox"), sending paused, the
    example sender or postal address still in place. `errors`: `publish_blockers()`.
- `publish_blockers(session, document)` is what refuses publishing: today only a missing
  postal address when the journey sends marketing email (CAN-SPAM). The app's publish
  dialog and `journeys publish` use it; `run` and `simulate` never do.
`now` comes from the caller's clock.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.db.models import Contact, ContactList, ContactStatus, Event, ListMembership
from engine.journey.data import JourneyData, NodeData
from engine.nodes import TriggerMatch, spec_of, trigger_match
from engine.words import duration_words, plural
from engine.settings import AppSettings, load_settings
from engine.journey.step_words import step_title

EVENT_WINDOW = timedelta(days=7)
NO_POSTAL_ADDRESS = ("Add your postal address in Settings ▸ Sending: the law (CAN-SPAM) "
                     "requires it in every marketing email, so this journey cannot be "
                     "published without it.")

@dataclass(frozen=True)
class EmailForecast:
    node_id: str
    step: str
    subject: str
    when: str
    transactional: bool = False
    #: only contacts on some paths get it (a branch or split comes first)
    some_paths: bool = False

@dataclass(frozen=True)
class PublishForecast:
    entry: str
    entry_count: int | None = None
    emails: list[EmailForecast] = field(default_factory=list)
    guards: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

def _config(node: NodeData):
    spec = spec_of(node.type)
    if spec is None:
        return None
    try:
        return spec.config_model.model_validate(node.config)
    except ValueError:
        return None

def _trigger(document: JourneyData) -> NodeData | None:
    return next((n for n in document.nodes
                 if (spec := spec_of(n.type)) is not None and spec.is_trigger), None)

# ---- who can enter ---------------------------------------------------------------------------

def _entry(session: Session, trigger: NodeData | None, now: datetime) -> tuple[str, int | None]:
    config = _config(trigger) if trigger is not None else None
    if trigger is None or config is None:
        return "No trigger yet: nobody can enter.", None
    kind = trigger_match(trigger.type)
    if kind is TriggerMatch.EVENT:
        if not config.event:
            return "The trigger names no event yet: nobody can enter.", None
        events, people = _recent_events(session, config, now)
        only = " (with the trigger's filters)" if config.filters else ""
        return (f"Contacts enter when “{config.event}” happens. In the last 7 days{only} "
                f"{plural(events, 'such event')} arrived from {plural(people, 'contact')}; "
                "only events from now on count."), events
    if kind is TriggerMatch.LIST:
        size = session.scalar(
            select(func.count()).select_from(ListMembership).join(ContactList)
            .where(ContactList.name == config.list)) or 0
        return (f"The list “{config.list}” has {plural(size, 'member')} now; contacts enter "
                "when they join it from now on."), size
    if kind is TriggerMatch.SEGMENT:
        size = _segment_size(session, config.condition, now)
        return (f"{plural(size, 'contact')} match this segment now; they are the starting "
                "point, and contacts enter when they come to match from now on."), size
    if kind is TriggerMatch.INACTIVITY:
        activity = func.coalesce(Contact.last_activity_at, Contact.created_at)
        size = session.scalar(select(func.count()).select_from(Contact).where(
            activity <= now - timedelta(days=config.days),
            Contact.status.not_in(ContactStatus.SUPPRESSED))) or 0
        return (f"{plural(size, 'contact')} have been inactive for {config.days} days or "
                "more and enter at the first scan after publishing; others enter as they "
                "reach it."), size
    if kind is TriggerMatch.DATE:
        size = sum(1 for attributes in session.scalars(select(Contact.attributes))
                   if (attributes or {}).get(config.field) not in (None, ""))
        return (f"{plural(size, 'contact')} have a “{config.field}” date; each enters on "
                "that date."), size
    if kind is TriggerMatch.MANUAL:
        return "Contacts enter only when you enter them by hand or through the API.", None
    return f"Contacts enter through “{step_title(trigger)}”.", None

def _recent_events(session: Session, config, now: datetime) -> tuple[int, int]:
    """(events, contacts) of the trigger's event in the 7 days before `now`."""
    window = (Event.name == config.event, Event.occurred_at >= now - EVENT_WINDOW,
              Event.occurred_at <= now)
    if not config.filters:
        return tuple(session.execute(
            select(func.count(), func.count(func.distinct(Event.contact_id))).where(*window)
        ).one())
    from engine.conditions.evaluate import filters_match

    people: set[int] = set()
    events = 0
    for contact_id, properties in session.execute(
            select(Event.contact_id, Event.properties).where(*window)):
        if filters_match(properties or {}, config.filters):
            events += 1
            people.add(contact_id)
    return events, len(people)

def _segment_size(session: Session, condition, now: datetime) -> int:
    # the same test the segment scan applies (engine/runtime/scans.py)
    from engine.runtime.batch import Batch
    from engine.conditions.facts import CONTACT_COLUMNS
    from engine.conditions.evaluate import condition_holds

    facts = Batch(session, now, load_settings(session))
    return sum(1 for row in session.execute(select(*CONTACT_COLUMNS)).mappings()
               if condition_holds(condition, dict(row), facts, now))

# ---- the emails, in path order, with the time before each -------------------------------------

def _when(path: list[tuple[NodeData, str]]) -> str:
    """Words for the waits on a path: [(timing node, port taken)]."""
    fixed = timedelta()
    parts: list[str] = []

    def close_fixed():
        nonlocal fixed
        if fixed:
            parts.append(f"{duration_words(fixed)} later" if parts else f"after {duration_words(fixed)}")
            fixed = timedelta()

    for node, port in path:
        config, spec = _config(node), spec_of(node.type)
        if config is None or spec is None or spec.wait_words is None:
            continue
        words = spec.wait_words(config, port, False)
        if isinstance(words, timedelta):
            fixed += words  # fixed waits in a row add up: "3 days later"
            continue
        close_fixed()
        if not parts:  # the first wait on the path says "after …" where it needs to
            words = spec.wait_words(config, port, True)
        parts.append(words)
    close_fixed()
    return ", then ".join(parts) if parts else "right away"

def _email_steps(session: Session, document: JourneyData, now: datetime
                 ) -> list[EmailForecast]:
    nodes = {node.id: node for node in document.nodes}
    out: dict[str, list[tuple[str, str]]] = {}
    for edge in document.edges:
        out.setdefault(edge.source, []).append((edge.port, edge.target))
    trigger = _trigger(document)
    if trigger is None:
        return []
    templates = {t.key: t for t in document.templates}
    found: list[EmailForecast] = []
    seen = {trigger.id}
    # breadth first: each email is reached by its shortest path (fewest steps)
    queue = deque([(trigger.id, [], False)])
    while queue:
        node_id, path, split = queue.popleft()
        node = nodes[node_id]
        spec = spec_of(node.type)
        if spec is not None and spec.sends_email:
            config = _config(node)
            template = templates.get(spec.email.template(config)) if config else None
            found.append(EmailForecast(
                node_id=node.id, step=step_title(node),
                subject=_subject(session, template, now) if template else "(no email chosen)",
                when=_when(path), transactional=bool(config and config.transactional),
                some_paths=split))
        for port, target in out.get(node_id, []):
            if target in seen or target not in nodes:
                continue
            seen.add(target)
            timing = spec is not None and spec.is_timing
            step = [(node, port)] if timing else []
            # a fork that is not a wait: only some contacts take this path
            queue.append((target, path + step, split or (spec is not None and spec.forks
                                                         and not timing)))
    return found

def _subject(session: Session, template, now: datetime) -> str:
    from engine.templating.templates import RenderError
    from engine.messaging.preview import render_preview

    try:
        return render_preview(template, now=now, session=session).subject
    except (RenderError, LookupError, ValueError):
        return template.subject

# ---- guards, warnings and blockers ----------------------------------------------------------

def _guards(document: JourneyData, settings: AppSettings) -> list[str]:
    guards = []
    if settings.frequency_cap is not None:
        guards.append(f"Frequency cap: at most {settings.frequency_cap.count} marketing emails "
                      f"per contact per {settings.frequency_cap.within}, over all journeys.")
    else:
        guards.append("No frequency cap: set one so contacts in several journeys are not "
                      "flooded.")
    quiet = document.settings.quiet_hours or settings.quiet_hours
    if quiet is not None:
        whose = "this journey's" if document.settings.quiet_hours else "the app's"
        guards.append(f"Quiet hours ({whose}): no marketing email between {quiet.start} and "
                      f"{quiet.end}, contact's time; it waits until they end.")
    if settings.consent_required:
        guards.append("Consent required: marketing email goes only to contacts who opted in.")
    guards.append("Unsubscribed, bounced and complaining contacts never get marketing email.")
    return guards

def _sends_marketing(document: JourneyData) -> bool:
    for node in document.nodes:
        spec = spec_of(node.type)
        if spec is not None and spec.sends_email:
            config = _config(node)
            if config is None or spec.email.is_marketing(config):
                return True
    return False

def publish_blockers(session: Session, document: JourneyData) -> list[str]:
    settings = load_settings(session)
    if _sends_marketing(document) and not settings.postal_address.strip():
        return [NO_POSTAL_ADDRESS]
    return []

def _warnings(session: Session, document: JourneyData, settings: AppSettings) -> list[str]:
    from engine.delivery.sending_setup import example_flags
    from engine.delivery.smtp_settings import load_smtp_settings

    sends = any((spec := spec_of(node.type)) is not None and spec.sends_email
                for node in document.nodes)
    if not sends:
        return []
    warnings = []
    if load_smtp_settings(session) is None:
        warnings.append("No email server is set up: emails will wait in the outbox until you "
                        "set one up in Settings ▸ Sending.")
    if settings.sending_paused:
        warnings.append("Sending is paused (Sending ▸ Pause all sending): emails wait in the "
                        "outbox until you switch it off.")
    labels = {"sender_email": "From address", "postal_address": "Postal address"}
    for name, text in example_flags(settings).items():
        warnings.append(f"{labels[name]}: {text[0].upper()}{text[1:]} (Settings ▸ Sending).")
    return warnings

def forecast_publish(session: Session, document: JourneyData, now: datetime
                     ) -> PublishForecast:
    settings = load_settings(session)
    entry, count = _entry(session, _trigger(document), now)
    return PublishForecast(
        entry=entry, entry_count=count, emails=_email_steps(session, document, now),
        guards=_guards(document, settings), warnings=_warnings(session, document, settings),
        errors=publish_blockers(session, document))
