"""PutEvents and PutPartnerEvents: validate each entry, build the envelope, append it.

Entries are judged one by one: a bad entry gets AWS's ErrorCode and ErrorMessage while
the good entries of the same request are still accepted. Every accepted event is appended
to its bus log before the call answers.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from eventbus.arns import bus_name
from eventbus.buses import BusService, log_name
from eventbus.context import Context
from eventbus.errors import ValidationError
from eventbus.metrics import PUT_EVENTS_ENTRIES, PUT_EVENTS_FAILED_ENTRIES
from eventbus.partners import PartnerService
from eventbus.records import EventRecord

#: AWS's limit on one entry and on all entries of a request, counted as AWS documents.
MAX_ENTRY_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class EntryResult:
    event_id: str | None = None
    error_code: str | None = None
    error_message: str | None = None

    @property
    def failed(self) -> bool:
        return self.error_code is not None


class EntryRejected(Exception):
    """One entry refused; carries the per-entry ErrorCode and ErrorMessage."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


#: A check run on each built event before it is accepted (e.g. schema validation);
#: raises EntryRejected to refuse the entry.
EventCheck = Callable[[str, dict[str, Any]], Awaitable[None]]


def new_event_id() -> str:
    """A random (version 4) UUID, as text.

    What ``str(uuid.uuid4())`` gives, at half the cost: PutEvents makes one per event.
    """
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def entry_size(entry: dict[str, Any]) -> int:
    """An entry's size as AWS counts it (Time is 14 bytes; strings in UTF-8)."""
    size = 14 if entry.get("Time") is not None else 0
    for member in ("Source", "DetailType", "Detail"):
        value = entry.get(member)
        if isinstance(value, str):
            size += len(value.encode())
    for resource in entry.get("Resources") or ():
        if isinstance(resource, str):
            size += len(resource.encode())
    return size


@functools.lru_cache(maxsize=64)
def _iso(second: int) -> str:
    # Cached: all events of one second share their time string.
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(value: Any) -> float:
    if isinstance(value, int | float):
        return float(value)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise EntryRejected("InvalidArgument", f"Parameter Time is not valid: {value!r}.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def _required(entry: dict[str, Any], member: str) -> str:
    value = entry.get(member)
    if not value:
        raise EntryRejected(
            "InvalidArgument",
            f"Parameter {member} is not valid. Reason: {member} is a required argument.",
        )
    assert isinstance(value, str)  # the service model checked the type
    return value


class IngestService:
    def __init__(self, ctx: Context, buses: BusService, partners: PartnerService) -> None:
        self._ctx = ctx
        self._buses = buses
        self._partners = partners
        self.checks: list[EventCheck] = []

    async def put_events(self, entries: Sequence[dict[str, Any]]) -> list[EntryResult]:
        return await self._ingest(entries, partner=False)

    async def put_partner_events(self, entries: Sequence[dict[str, Any]]) -> list[EntryResult]:
        return await self._ingest(entries, partner=True)

    async def _ingest(
        self, entries: Sequence[dict[str, Any]], *, partner: bool
    ) -> list[EntryResult]:
        # An entry over the limit fails alone; the others must fit the limit together.
        sizes = [entry_size(entry) for entry in entries]
        if sum(size for size in sizes if size <= MAX_ENTRY_BYTES) > MAX_ENTRY_BYTES:
            raise ValidationError("Total size of the entries in the request is over the limit.")
        now = self._ctx.clock()
        results: list[EntryResult] = []
        batches: dict[str, list[EventRecord]] = {}
        for entry in entries:
            try:
                bus, event = await self._build(entry, now, partner=partner)
                for check in self.checks:
                    await check(bus, event)
            except EntryRejected as rejected:
                PUT_EVENTS_FAILED_ENTRIES.labels(rejected.code).inc()
                results.append(
                    EntryResult(error_code=rejected.code, error_message=rejected.message)
                )
                continue
            results.append(EntryResult(event_id=event["id"]))
            batches.setdefault(bus, []).append(EventRecord(event=event, ingested=now))
        for bus, records in batches.items():
            await self._ctx.store.append(log_name(bus), [record.encode() for record in records])
            PUT_EVENTS_ENTRIES.labels(bus).inc(len(records))
        return results

    async def _build(
        self, entry: dict[str, Any], now: float, *, partner: bool
    ) -> tuple[str, dict[str, Any]]:
        source = _required(entry, "Source")
        detail_type = _required(entry, "DetailType")
        detail_text = _required(entry, "Detail")
        size = entry_size(entry)
        if size > MAX_ENTRY_BYTES:
            raise EntryRejected(
                "InvalidArgument",
                f"Entry size {size} bytes is over the limit of {MAX_ENTRY_BYTES} bytes "
                "(Time counts 14 bytes; Source, DetailType, Detail and Resources "
                "their UTF-8 length).",
            )
        try:
            detail = orjson.loads(detail_text)
        except orjson.JSONDecodeError:
            raise EntryRejected("MalformedDetail", "Detail is malformed.") from None
        if not isinstance(detail, dict):
            raise EntryRejected("MalformedDetail", "Detail is malformed.")
        if partner:
            bus = await self._partners.bus_for(source)
            if bus is None:
                raise EntryRejected(
                    "InvalidArgument",
                    f"Event source {source} does not exist, has no event bus or is deactivated.",
                )
        else:
            if source.startswith("aws.") and not self._ctx.settings.allow_aws_sources:
                raise EntryRejected(
                    "NotAuthorizedForSourceException", "Not authorized for the source."
                )
            try:
                bus = bus_name(entry.get("EventBusName"))
            except ValidationError as error:
                raise EntryRejected("InvalidArgument", error.message) from None
            if not await self._buses.exists(bus):
                raise EntryRejected("ResourceNotFoundException", f"Event bus {bus} does not exist.")
        time = _parse_time(entry["Time"]) if entry.get("Time") is not None else now
        event = self._envelope(source, detail_type, detail, entry.get("Resources") or (), time)
        return bus, event

    def _envelope(
        self,
        source: str,
        detail_type: str,
        detail: dict[str, Any],
        resources: Sequence[str],
        time: float,
    ) -> dict[str, Any]:
        """The EventBridge envelope rules see and targets receive."""
        return {
            "version": "0",
            "id": new_event_id(),
            "detail-type": detail_type,
            "source": source,
            "account": self._ctx.settings.account_id,
            "time": _iso(int(time)),
            "region": self._ctx.settings.region,
            "resources": list(resources),
            "detail": detail,
        }

    async def put_internal(
        self,
        bus: str,
        source: str,
        detail_type: str,
        detail: dict[str, Any],
        resources: Sequence[str] = (),
    ) -> str:
        """Append an event the service itself emits (e.g. the registry's ``aws.schemas``
        events); returns its id.

        Unlike PutEvents it may use an ``aws.`` source, and it runs no ``checks``: the
        service's own events are trusted and must not be refused by a user's validation.
        """
        now = self._ctx.clock()
        event = self._envelope(source, detail_type, detail, resources, now)
        await self._ctx.store.append(
            log_name(bus), [EventRecord(event=event, ingested=now).encode()]
        )
        return str(event["id"])
