"""Turning a stream of events into schema versions, one (source, detail-type) at a time.

``observe`` is the hot path and never awaits: a detail whose shape was seen before costs a
fingerprint and a set lookup; a new shape is merged into that subject's schema builder
(and a subject whose events nearly all have new shapes skips the fingerprint for a while).
``flush`` then publishes, for each subject that saw new shapes, a new version in the
``discovered-schemas`` registry when, and only when, the rendered document differs from
the latest stored version. Merging only ever widens a schema (a property missing from some
events becomes optional, ``integer`` and ``number`` become ``number``), so merging the
latest stored version into what this process saw loses nothing that another process or an
earlier run stored: after a restart the first event of each shape is merged again and,
rendering the stored document again, adds no version.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from registry.content import canonical
from registry.discovery.openapi import detail_schema
from registry.discovery.shapes import fingerprint
from registry.errors import SchemasError
from registry.eventschema import schema_name
from registry.infer import DetailSchemaBuilder, openapi_from_detail

log = logging.getLogger(__name__)

#: Shapes remembered per subject; past it the set starts again (one genson run per shape).
MAX_SHAPES = 4096
#: When nearly every event of a subject has a new shape, the fingerprint is pure overhead:
#: after a window of WINDOW events with more than NOVEL_SHARE new shapes, the next BYPASS
#: events go straight to the builder, then a window is measured again.
WINDOW = 256
NOVEL_SHARE = 0.9
BYPASS = 4096


@dataclass(frozen=True, slots=True)
class StoredVersion:
    version: str
    content: Mapping[str, Any]


class SchemaSink(Protocol):
    """Where discovered schemas go: the ``discovered-schemas`` registry."""

    async def latest(self, schema: str) -> StoredVersion | None:
        """The latest version of a discovered schema, or None when there is none."""

    async def publish(self, schema: str, content: dict[str, Any]) -> str:
        """Store ``content`` as the next version (creating the schema); returns its version."""


@dataclass(slots=True)
class _Subject:
    source: str
    detail_type: str
    name: str
    builder: DetailSchemaBuilder = field(default_factory=DetailSchemaBuilder)
    shapes: set[Hashable] = field(default_factory=set)
    #: The latest stored version merged into the builder, and its canonical text (None:
    #: nothing stored yet, or not looked up yet).
    version: str | None = None
    stored: str | None = None
    dirty: bool = False
    #: Events and new shapes in the current window; events left to send straight through.
    seen: int = 0
    novel: int = 0
    bypass: int = 0


class DiscoveryEngine:
    def __init__(self, sink: SchemaSink, *, max_shapes: int = MAX_SHAPES) -> None:
        self._sink = sink
        self._max_shapes = max_shapes
        self._subjects: dict[tuple[str, str], _Subject] = {}
        self._dirty: list[_Subject] = []

    def observe(self, event: Mapping[str, Any]) -> None:
        """Take one event (the EventBridge envelope) into account."""
        detail = event.get("detail")
        source, detail_type = event.get("source"), event.get("detail-type")
        if not (isinstance(detail, dict) and isinstance(source, str) and source):
            return
        if not isinstance(detail_type, str):
            return
        key = (source, detail_type)
        subject = self._subjects.get(key)
        if subject is None:
            subject = self._subjects[key] = _Subject(
                source, detail_type, schema_name(source, detail_type)
            )
        if subject.bypass:
            subject.bypass -= 1
        else:
            shape = fingerprint(detail)
            subject.seen += 1
            if shape in subject.shapes:
                self._end_window(subject)
                return
            subject.novel += 1
            self._end_window(subject)
            if len(subject.shapes) >= self._max_shapes:
                subject.shapes.clear()
            subject.shapes.add(shape)
        subject.builder.add_object(detail)
        if not subject.dirty:
            subject.dirty = True
            self._dirty.append(subject)

    @staticmethod
    def _end_window(subject: _Subject) -> None:
        if subject.seen < WINDOW:
            return
        if subject.novel > WINDOW * NOVEL_SHARE:
            subject.bypass = BYPASS
        subject.seen = subject.novel = 0

    @property
    def pending(self) -> bool:
        return bool(self._dirty)

    async def flush(self) -> list[tuple[str, str]]:
        """Publish what changed since the last flush; returns (schema, version) published."""
        published: list[tuple[str, str]] = []
        while self._dirty:
            subject = self._dirty[0]
            version = await self._publish(subject)
            if version is not None:
                published.append((subject.name, version))
            subject.dirty = False
            self._dirty.pop(0)
        return published

    async def _publish(self, subject: _Subject) -> str | None:
        latest = await self._sink.latest(subject.name)
        if latest is not None and latest.version != subject.version:
            # Stored by an earlier run or another process: merge it in, then compare.
            stored = detail_schema(latest.content)
            if stored is not None:
                subject.builder.add_schema(stored)
            subject.version, subject.stored = latest.version, canonical(latest.content)
        document = openapi_from_detail(
            subject.source, subject.detail_type, subject.builder.detail_schema()
        )
        text = canonical(document)
        if text == subject.stored:
            return None
        try:
            version = await self._sink.publish(subject.name, document)
        except SchemasError as error:
            # Refused (e.g. by the registry's compatibility mode): retrying cannot help, so
            # the schema is taken as settled until a new shape changes it again.
            log.warning("discovered schema %s not stored: %s", subject.name, error.message)
            subject.stored = text
            return None
        subject.version, subject.stored = version, text
        return version
