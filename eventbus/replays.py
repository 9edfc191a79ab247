"""Replays: re-sending the archived events of a time range to the archive's bus.

A replay is a document (kind ``replay``, keyed by name) that also carries its progress
and a lease. The replay workers (``eventbus.delivery.replayer``) claim a replay with a
compare-and-set on that document, so exactly one process runs it at a time, and record
after every batch the key of the last archived event sent, so a replay whose process
died is taken over where it stopped once the lease runs out.

Replays that still have work are also listed under kind ``replay-active``, so workers
find them without reading every replay ever run (AWS has no DeleteReplay).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from eventbus.archives import ArchiveService, archive_arn_name, exclusive_filters
from eventbus.arns import parse_bus_arn, parse_rule_arn
from eventbus.buses import BusService
from eventbus.context import Context
from eventbus.documents import Collection, Page
from eventbus.errors import (
    IllegalStatusError,
    LimitExceededError,
    ResourceAlreadyExistsError,
    ResourceNotFoundError,
    ValidationError,
)
from eventbus.rules import RuleService

KIND = "replay"
ACTIVE_KIND = "replay-active"
#: Replays in these states have work left for a worker.
ACTIVE_STATES = ("STARTING", "RUNNING", "CANCELLING")
#: AWS's quota of concurrently active replays per account and region.
MAX_ACTIVE_REPLAYS = 10


class Replay(BaseModel):
    name: str
    arn: str
    description: str | None = None
    #: The archive's ARN, and the incarnation of it whose events are replayed.
    event_source_arn: str
    archive_uid: str
    #: AWS's ReplayDestination, as the client sent it.
    destination: dict[str, Any]
    bus: str
    #: Names of the rules the events may reach (FilterArns); None: every rule of the bus.
    allowed_rules: list[str] | None = None
    event_start: float
    event_end: float
    state: str = "STARTING"
    state_reason: str | None = None
    event_last_replayed: float | None = None
    replay_start: float
    replay_end: float | None = None
    #: Key of the last archived event sent; the next batch starts after it.
    cursor: str | None = None
    #: The worker running the replay, until ``lease_until`` (epoch seconds).
    lease_owner: str | None = None
    lease_until: float = 0.0

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES


class Active(BaseModel):
    name: str


class ReplayService:
    def __init__(
        self, ctx: Context, buses: BusService, rules: RuleService, archives: ArchiveService
    ) -> None:
        self._ctx = ctx
        self._buses = buses
        self._rules = rules
        self._archives = archives
        self.replays = Collection(ctx.store, KIND, Replay)
        self.active = Collection(ctx.store, ACTIVE_KIND, Active)

    def _arn(self, name: str) -> str:
        settings = self._ctx.settings
        return f"arn:aws:events:{settings.region}:{settings.account_id}:replay/{name}"

    async def start(
        self,
        name: str,
        event_source_arn: str,
        event_start: float,
        event_end: float,
        destination: dict[str, Any],
        description: str | None,
    ) -> Replay:
        bus = parse_bus_arn(destination["Arn"])
        if bus is None:
            raise ValidationError(
                "Parameter Destination.Arn is not valid. Reason: Must contain an event bus ARN."
            )
        archive_name = archive_arn_name(event_source_arn) or event_source_arn.rsplit("/", 1)[-1]
        archive = await self._archives.find(archive_name)
        if archive is None:
            raise ValidationError(
                "Parameter EventSourceArn is not valid. "
                f"Reason: Archive {archive_name} does not exist."
            )
        await self._buses.get(bus)
        if bus != archive.bus:
            raise ValidationError(
                "Parameter Destination.Arn is not valid. "
                "Reason: Cross event bus replay is not permitted."
            )
        if event_end <= event_start:
            raise ValidationError(
                "Parameter EventEndTime is not valid. "
                "Reason: EventStartTime must be before EventEndTime."
            )
        now = self._ctx.clock()
        if event_end > now:
            raise ValidationError(
                "Parameter EventEndTime is not valid. Reason: EventEndTime must not be in the "
                "future."
            )
        allowed = await self._allowed_rules(bus, destination.get("FilterArns"))
        active = await self.active.all()
        if len(active) >= MAX_ACTIVE_REPLAYS:
            raise LimitExceededError(
                "The requested resource exceeds the maximum number allowed "
                f"({MAX_ACTIVE_REPLAYS} active replays)."
            )
        replay = Replay(
            name=name,
            arn=self._arn(name),
            description=description,
            event_source_arn=archive.arn,
            archive_uid=archive.uid,
            destination=destination,
            bus=bus,
            allowed_rules=allowed,
            event_start=event_start,
            event_end=event_end,
            replay_start=now,
        )
        if not await self.replays.create(name, replay):
            raise ResourceAlreadyExistsError(f"Replay {name} already exists.")
        await self.active.put(name, Active(name=name))
        return replay

    async def _allowed_rules(self, bus: str, filter_arns: list[str] | None) -> list[str] | None:
        if not filter_arns:
            return None
        names = []
        for arn in filter_arns:
            parsed = parse_rule_arn(arn)
            if parsed is None or parsed[0] != bus:
                raise ValidationError(
                    "Parameter Destination.FilterArns is not valid. "
                    "Reason: Rule must be on the destination event bus."
                )
            if await self._rules.find(bus, parsed[1]) is None:
                raise ResourceNotFoundError(f"Rule {parsed[1]} does not exist on EventBus {bus}.")
            names.append(parsed[1])
        return names

    async def get(self, name: str) -> Replay:
        replay = await self.replays.get(name)
        if replay is None:
            raise ResourceNotFoundError(f"Replay {name} does not exist.")
        return replay

    async def page(
        self,
        name_prefix: str | None,
        state: str | None,
        event_source_arn: str | None,
        token: str | None,
        limit: int | None,
    ) -> Page[Replay]:
        exclusive_filters("ListReplays", name_prefix, event_source_arn, state)
        if event_source_arn is not None:
            source = archive_arn_name(event_source_arn)
            return await self.replays.page_matching(
                lambda r: archive_arn_name(r.event_source_arn) == source, token=token, limit=limit
            )
        if state is not None:
            return await self.replays.page_matching(
                lambda r: r.state == state, token=token, limit=limit
            )
        return await self.replays.page(prefix=name_prefix or "", token=token, limit=limit)

    async def cancel(self, name: str) -> Replay:
        def change(replay: Replay) -> Replay:
            if replay.state not in ("STARTING", "RUNNING"):
                raise IllegalStatusError(
                    f"Replay {name} is not in a valid state for this operation."
                )
            return replay.model_copy(update={"state": "CANCELLING"})

        replay = await self.replays.update(name, change)
        if replay is None:
            raise ResourceNotFoundError(f"Replay {name} does not exist.")
        return replay
