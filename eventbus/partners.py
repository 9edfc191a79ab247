"""Partner (SaaS) event sources, seen from both sides.

The partner creates a source for a customer account (``CreatePartnerEventSource``); the
customer accepts it by creating an event bus with the same name and ``EventSourceName``.
From then on the partner's ``PutPartnerEvents`` land on that bus. One process serves one
account, so "the customer" is always the configured account.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from eventbus.context import Context
from eventbus.documents import Collection
from eventbus.errors import (
    InvalidStateError,
    ResourceAlreadyExistsError,
    ResourceNotFoundError,
)

KIND = "partner-source"


def _key(name: str, account: str) -> str:
    return f"{name}|{account}"


class PartnerSource(BaseModel):
    name: str
    account: str
    created: float
    #: The customer's bus for this source, once created.
    bus: str | None = None
    deactivated: bool = False

    @property
    def state(self) -> str:
        return "ACTIVE" if self.bus is not None and not self.deactivated else "PENDING"

    @property
    def created_by(self) -> str:
        # aws.partner/<partner>/... : the partner's name is the second segment.
        return self.name.split("/")[1]


@dataclass(frozen=True, slots=True)
class SourceSummary:
    name: str
    arn: str


class PartnerService:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._sources = Collection(ctx.store, KIND, PartnerSource)

    @property
    def _account(self) -> str:
        return self._ctx.settings.account_id

    def arn(self, name: str) -> str:
        return self._ctx.arns.event_source(name)

    # -- the partner's side --------------------------------------------------------------

    async def create(self, name: str, account: str) -> str:
        source = PartnerSource(name=name, account=account, created=self._ctx.clock())
        if not await self._sources.create(_key(name, account), source):
            raise ResourceAlreadyExistsError(
                f"Event source {name} already exists for account {account}."
            )
        return self.arn(name)

    async def describe_partner_source(self, name: str) -> str:
        if not await self._sources.all(prefix=f"{name}|"):
            raise ResourceNotFoundError(f"Event source {name} does not exist.")
        return self.arn(name)

    async def list_partner_sources(self, prefix: str) -> list[SourceSummary]:
        names = sorted({source.name for source in await self._sources.all(prefix=prefix)})
        return [SourceSummary(name, self.arn(name)) for name in names]

    async def accounts(self, name: str) -> list[PartnerSource]:
        sources = await self._sources.all(prefix=f"{name}|")
        if not sources:
            raise ResourceNotFoundError(f"Event source {name} does not exist.")
        return sources

    async def delete(self, name: str, account: str) -> None:
        await self._sources.delete(_key(name, account))

    # -- the customer's side -------------------------------------------------------------

    async def get(self, name: str) -> PartnerSource:
        source = await self._sources.get(_key(name, self._account))
        if source is None:
            raise ResourceNotFoundError(f"Event source {name} does not exist.")
        return source

    async def list_for_customer(self, prefix: str | None) -> list[PartnerSource]:
        return [
            source
            for source in await self._sources.all(prefix=prefix or "")
            if source.account == self._account
        ]

    async def attach_bus(self, name: str) -> None:
        """Accept a source: called when the customer creates its partner bus."""
        source = await self._sources.update(
            _key(name, self._account), lambda s: s.model_copy(update={"bus": name})
        )
        if source is None:
            raise ResourceNotFoundError(f"Event source {name} does not exist.")

    async def detach_bus(self, name: str) -> None:
        await self._sources.update(
            _key(name, self._account), lambda s: s.model_copy(update={"bus": None})
        )

    async def set_deactivated(self, name: str, deactivated: bool) -> None:
        def change(source: PartnerSource) -> PartnerSource:
            if source.deactivated == deactivated:
                verb = "deactivated" if deactivated else "active"
                raise InvalidStateError(f"Event source {name} is already {verb}.")
            return source.model_copy(update={"deactivated": deactivated})

        if await self._sources.update(_key(name, self._account), change) is None:
            raise ResourceNotFoundError(f"Event source {name} does not exist.")

    async def bus_for(self, name: str) -> str | None:
        """The bus that receives the partner's events for this source, if any."""
        source = await self._sources.get(_key(name, self._account))
        if source is None or source.deactivated:
            return None
        return source.bus
