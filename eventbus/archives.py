"""Archives: which events of a bus are kept and for how long, and the kept events.

An archive is a document (kind ``archive``, keyed by name). Every incarnation of a name
gets a fresh ``uid`` and everything stored for it is keyed by that uid, so deleting an
archive is a couple of writes, and an archive created again under the same name never
sees its predecessor's events:

* archived events: kind ``archived-event``, key ``<uid>|<event time in ms, 15 digits>|<id>``.
  The events of a time range are one ordered scan (replays), the oldest come first
  (retention), and an event archived twice (a log entry read again) is one key. The time
  is the event's own ``time`` member: AWS selects replay ranges by it.
* counts: kind ``archive-stats``, key ``<uid>``: EventCount and SizeBytes, updated with
  compare-and-set by the archive workers.
* deleted incarnations: kind ``archive-trash``, key ``<uid>``: the archive workers delete
  their events in the background.

The ``archives`` counter moves on every archive change; the archive workers reload then.
Events reach archives through the ``archive`` consumer group of each bus log (see
``eventbus.delivery.archiver``).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

import orjson
from pydantic import BaseModel

from eventbus.arns import parse_bus_arn
from eventbus.buses import BusService, log_name
from eventbus.context import Context
from eventbus.documents import Collection, Page
from eventbus.errors import ResourceAlreadyExistsError, ResourceNotFoundError, ValidationError
from eventbus.patterns import compile_pattern

KIND = "archive"
EVENTS_KIND = "archived-event"
STATS_KIND = "archive-stats"
TRASH_KIND = "archive-trash"
#: Bumped on every archive change, so workers reload the archives.
ARCHIVES_COUNTER = "archives"
#: The consumer group of bus logs that feeds archives.
GROUP = "archive"
#: Every state the API knows; archives here are ENABLED as soon as they exist.
STATES = ("ENABLED", "DISABLED", "CREATING", "UPDATING", "CREATE_FAILED", "UPDATE_FAILED")

_ARCHIVE_ARN = re.compile(r"arn:aws[\w-]*:events:[a-z0-9-]+:\d{12}:archive/(?P<name>.+)")
_TIME_DIGITS = 15
_MAX_TIME_MS = 999_999_999_999_999


class Archive(BaseModel):
    name: str
    arn: str
    #: This incarnation of the name; keys everything stored for it.
    uid: str
    bus: str
    event_source_arn: str
    description: str | None = None
    event_pattern: str | None = None
    #: 0 keeps events forever.
    retention_days: int = 0
    kms_key_identifier: str | None = None
    state: str = "ENABLED"
    state_reason: str | None = None
    created: float


class ArchiveStats(BaseModel):
    events: int = 0
    size_bytes: int = 0


class Trash(BaseModel):
    uid: str
    deleted: float


def archive_arn_name(arn: str) -> str | None:
    match = _ARCHIVE_ARN.fullmatch(arn)
    return match["name"] if match else None


def event_time_ms(event: dict[str, Any], fallback: float) -> int:
    """The event's ``time`` in epoch milliseconds (``fallback`` seconds if unreadable)."""
    try:
        seconds = datetime.fromisoformat(str(event["time"]).replace("Z", "+00:00")).timestamp()
    except (KeyError, ValueError):
        seconds = fallback
    # Keys hold non-negative fixed-width numbers; earlier times sort as the epoch.
    return min(max(int(seconds * 1000), 0), _MAX_TIME_MS)


def event_key(uid: str, time_ms: int, event_id: str) -> str:
    return f"{uid}|{time_ms:0{_TIME_DIGITS}d}|{event_id}"


def range_start(uid: str, time_ms: int) -> str:
    """A scan ``after`` bound: every key of ``uid`` at ``time_ms`` or later sorts above it."""
    return f"{uid}|{time_ms:0{_TIME_DIGITS}d}"


def key_time_ms(key: str) -> int:
    return int(key.split("|", 2)[1])


def encode_archived(event: dict[str, Any], ingested: float) -> bytes:
    return orjson.dumps({"event": event, "ingested": ingested})


def decode_archived(raw: bytes) -> dict[str, Any]:
    event: dict[str, Any] = orjson.loads(raw)["event"]
    return event


def event_size(event: dict[str, Any]) -> int:
    """What an event adds to an archive's SizeBytes: its JSON length."""
    return len(orjson.dumps(event))


def exclusive_filters(operation: str, *filters: object) -> None:
    """AWS lets a List operation of archives or replays take one filter at most."""
    if sum(value is not None for value in filters) > 1:
        raise ValidationError(
            f"At most one filter is allowed for {operation}. "
            "Use either : State, EventSourceArn, or NamePrefix."
        )


class ArchiveService:
    def __init__(self, ctx: Context, buses: BusService) -> None:
        self._ctx = ctx
        self._buses = buses
        self._archives = Collection(ctx.store, KIND, Archive)
        self._stats = Collection(ctx.store, STATS_KIND, ArchiveStats)
        self._trash = Collection(ctx.store, TRASH_KIND, Trash)

    def _arn(self, name: str) -> str:
        settings = self._ctx.settings
        return f"arn:aws:events:{settings.region}:{settings.account_id}:archive/{name}"

    async def _changed(self) -> None:
        await self._ctx.store.incr(ARCHIVES_COUNTER)

    async def create(
        self,
        name: str,
        event_source_arn: str,
        *,
        description: str | None,
        event_pattern: str | None,
        retention_days: int | None,
        kms_key_identifier: str | None,
    ) -> Archive:
        bus_name = parse_bus_arn(event_source_arn)
        if bus_name is None:
            raise ValidationError(
                "Parameter EventSourceArn is not valid. Reason: Must contain an event bus ARN."
            )
        bus = await self._buses.get(bus_name)
        if event_pattern:
            compile_pattern(event_pattern)
        archive = Archive(
            name=name,
            arn=self._arn(name),
            uid=uuid.uuid4().hex,
            bus=bus.name,
            event_source_arn=bus.arn,
            description=description,
            event_pattern=event_pattern or None,
            retention_days=retention_days or 0,
            kms_key_identifier=kms_key_identifier or None,
            created=self._ctx.clock(),
        )
        if not await self._archives.create(name, archive):
            raise ResourceAlreadyExistsError(f"Archive {name} already exists.")
        # From here on the group holds every new event of the bus for the archive workers,
        # even before one of them notices the archive.
        await self._ctx.store.create_group(log_name(bus.name), GROUP, "end")
        await self._changed()
        return archive

    async def get(self, name: str) -> Archive:
        archive = await self._archives.get(name)
        if archive is None:
            raise ResourceNotFoundError(f"Archive {name} does not exist.")
        return archive

    async def find(self, name: str) -> Archive | None:
        return await self._archives.get(name)

    async def all(self) -> list[Archive]:
        return await self._archives.all()

    async def stats(self, archive: Archive) -> ArchiveStats:
        return await self._stats.get(archive.uid) or ArchiveStats()

    async def page(
        self,
        name_prefix: str | None,
        event_source_arn: str | None,
        state: str | None,
        token: str | None,
        limit: int | None,
    ) -> Page[Archive]:
        exclusive_filters("ListArchives", name_prefix, event_source_arn, state)
        if event_source_arn is not None:
            source_bus = parse_bus_arn(event_source_arn)
            if source_bus is None:
                raise ValidationError(
                    "Parameter EventSourceArn is not valid. Reason: Must contain an event bus ARN."
                )
            await self._buses.get(source_bus)
            return await self._archives.page_matching(
                lambda a: a.bus == source_bus, token=token, limit=limit
            )
        if state is not None:
            return await self._archives.page_matching(
                lambda a: a.state == state, token=token, limit=limit
            )
        return await self._archives.page(prefix=name_prefix or "", token=token, limit=limit)

    async def update(
        self,
        name: str,
        *,
        description: str | None,
        event_pattern: str | None,
        retention_days: int | None,
        kms_key_identifier: str | None,
    ) -> Archive:
        if event_pattern:
            compile_pattern(event_pattern)
        updates: dict[str, Any] = {}
        if description is not None:
            updates["description"] = description
        if event_pattern is not None:
            # An empty pattern removes the filter: the archive takes every event again.
            updates["event_pattern"] = event_pattern or None
        if retention_days is not None:
            updates["retention_days"] = retention_days
        if kms_key_identifier is not None:
            updates["kms_key_identifier"] = kms_key_identifier or None
        archive = await self._archives.update(name, lambda a: a.model_copy(update=updates))
        if archive is None:
            raise ResourceNotFoundError(f"Archive {name} does not exist.")
        await self._changed()
        return archive

    async def delete(self, name: str) -> None:
        archive = await self.get(name)
        # Trash first: should the delete below fail, the events are purged all the same
        # once the archive is gone, and never while it still exists (see the purge).
        await self._trash.put(archive.uid, Trash(uid=archive.uid, deleted=self._ctx.clock()))
        await self._archives.delete(name)
        await self._changed()

    # -- for the archive workers ---------------------------------------------------------

    async def add_stats(self, uid: str, events: int, size_bytes: int) -> None:
        """Add to (or, negative, take from) an archive's EventCount and SizeBytes."""

        def change(stats: ArchiveStats) -> ArchiveStats:
            return ArchiveStats(
                events=max(stats.events + events, 0),
                size_bytes=max(stats.size_bytes + size_bytes, 0),
            )

        while await self._stats.update(uid, change) is None:
            if await self._stats.create(uid, change(ArchiveStats())):
                return

    async def trash(self) -> list[Trash]:
        return await self._trash.all()

    async def empty_trash(self, uid: str) -> None:
        """Forget a deleted incarnation whose events are all gone."""
        await self._stats.delete(uid)
        await self._trash.delete(uid)
