"""Published versions, ready to run: parsed once per process and cached by version id.

Contract: a `CompiledJourney` is immutable (versions never change once published), so the
cache needs no invalidation. Lookups a step needs — a node's spec and parsed config, the
target of a port — are dict reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import JourneyRow, JourneyStatus, JourneyVersion
from engine.journey.data import EmailTemplate, JourneyData, JourneySettings
from engine.journey.model import Journey
from engine.nodes import NodeSpec


@dataclass(frozen=True)
class CompiledNode:
    id: str
    spec: NodeSpec
    config: Any
    targets: dict[str, str]  # port -> target node id


@dataclass(frozen=True)
class CompiledJourney:
    version_id: int
    journey_id: int
    number: int
    name: str
    published_at: datetime
    settings: JourneySettings
    nodes: dict[str, CompiledNode]
    trigger_id: str
    templates: dict[str, EmailTemplate]

    @property
    def trigger(self) -> CompiledNode:
        return self.nodes[self.trigger_id]

    def target(self, node_id: str, port: str) -> str | None:
        return self.nodes[node_id].targets.get(port)


def compile_document(
    document: JourneyData, *, version_id: int, journey_id: int, number: int,
    published_at: datetime,
) -> CompiledJourney:
    journey = Journey.from_document(document)
    nodes = {}
    for node_id in journey.node_ids():
        config: BaseModel = journey.config(node_id)
        targets = {p.key: t for p in journey.ports(node_id) if (t := journey.target(node_id, p.key))}
        nodes[node_id] = CompiledNode(node_id, journey.spec(node_id), config, targets)
    triggers = journey.triggers()
    return CompiledJourney(
        version_id=version_id,
        journey_id=journey_id,
        number=number,
        name=document.name,
        published_at=published_at,
        settings=document.settings,
        nodes=nodes,
        trigger_id=triggers[0],
        templates=dict(journey.templates),
    )


class VersionCache:
    """Compiled versions by id: a published version never changes, and its id is never
    given to another (AUTOINCREMENT on SQLite, migration 0014)."""

    def __init__(self) -> None:
        self._versions: dict[int, CompiledJourney] = {}

    def get(self, session: Session, version_id: int) -> CompiledJourney:
        compiled = self._versions.get(version_id)
        if compiled is None:
            row = session.get(JourneyVersion, version_id)
            if row is None:
                raise LookupError(f"journey version {version_id} does not exist")
            compiled = compile_document(
                JourneyData.model_validate(row.document),
                version_id=row.id,
                journey_id=row.journey_id,
                number=row.number,
                published_at=row.published_at,
            )
            self._versions[version_id] = compiled
        return compiled

    def live(self, session: Session) -> list[CompiledJourney]:
        """The live version of every live journey (paused and draft ones excluded)."""
        ids = session.scalars(
            select(JourneyRow.live_version_id).where(
                JourneyRow.status == JourneyStatus.LIVE, JourneyRow.live_version_id.is_not(None)
            )
        ).all()
        return [self.get(session, version_id) for version_id in ids]
