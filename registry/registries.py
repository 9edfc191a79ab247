"""Registries: the built-in ``aws.events`` and ``discovered-schemas``, and custom ones."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from eventbus.context import Context
from eventbus.documents import Collection, Page
from registry.errors import BadRequestError, ConflictError, ForbiddenError, NotFoundError
from registry.models import REGISTRY_KIND, RegistryRecord
from registry.names import (
    AWS_EVENTS_REGISTRY,
    BUILTIN_REGISTRIES,
    DISCOVERED_REGISTRY,
    SchemaArns,
    check_registry_name,
)
from registry.tags import TagChange, check_tags

_BUILTIN_DESCRIPTIONS = {
    AWS_EVENTS_REGISTRY: "Schemas of the events AWS services send to the default event bus.",
    DISCOVERED_REGISTRY: "Schemas discovered from the events on your event buses.",
}


class Scope(StrEnum):
    """ListRegistries' Scope: AWS's registry or the account's own (custom and discovered)."""

    LOCAL = "LOCAL"
    AWS = "AWS"

    @classmethod
    def parse(cls, value: str | None) -> Scope | None:
        if value is None:
            return None
        try:
            return cls(value.upper())
        except ValueError:
            raise BadRequestError(f"Invalid Scope {value!r}: expected LOCAL or AWS.") from None


def ensure_writable(registry: str) -> None:
    """Refuse changes to AWS's own registry, as AWS does."""
    if registry == AWS_EVENTS_REGISTRY:
        raise ForbiddenError(
            f"The registry {AWS_EVENTS_REGISTRY} holds the schemas of AWS's events and is "
            "read-only."
        )


class RegistryService:
    def __init__(self, ctx: Context, arns: SchemaArns) -> None:
        self._ctx = ctx
        self._arns = arns
        self._registries = Collection(ctx.store, REGISTRY_KIND, RegistryRecord)

    async def ensure_builtins(self) -> None:
        """Create the built-in registries on a fresh store; changes nothing otherwise."""
        now = self._ctx.clock()
        for name in BUILTIN_REGISTRIES:
            await self._registries.create(
                name,
                RegistryRecord(
                    name=name,
                    arn=self._arns.registry(name),
                    description=_BUILTIN_DESCRIPTIONS[name],
                    created=now,
                ),
            )

    async def create(
        self, name: str, description: str | None = None, tags: Mapping[str, str] | None = None
    ) -> RegistryRecord:
        check_registry_name(name)
        record = RegistryRecord(
            name=name,
            arn=self._arns.registry(name),
            description=description,
            tags=check_tags(tags or {}),
            created=self._ctx.clock(),
        )
        if not await self._registries.create(name, record):
            raise ConflictError(f"Registry {name} already exists.")
        return record

    async def get(self, name: str) -> RegistryRecord:
        record = await self._registries.get(name)
        if record is None:
            raise NotFoundError(f"Registry {name} does not exist.")
        return record

    async def require(self, name: str) -> None:
        await self.get(name)

    async def update(self, name: str, description: str | None) -> RegistryRecord:
        ensure_writable(name)
        if description is None:
            return await self.get(name)
        record = await self._registries.update(
            name, lambda current: current.model_copy(update={"description": description})
        )
        if record is None:
            raise NotFoundError(f"Registry {name} does not exist.")
        return record

    async def delete(self, name: str) -> RegistryRecord:
        """Delete a registry's document (its schemas are the caller's to delete)."""
        if name in BUILTIN_REGISTRIES:
            raise ForbiddenError(f"The registry {name} is built in and cannot be deleted.")
        record = await self.get(name)
        await self._registries.delete(name)
        return record

    async def page(
        self, prefix: str | None, scope: Scope | None, token: str | None, limit: int | None
    ) -> Page[RegistryRecord]:
        if scope is Scope.AWS:
            # AWS's scope is one registry; no paging needed.
            record = await self._registries.get(AWS_EVENTS_REGISTRY)
            keep = record is not None and record.name.startswith(prefix or "")
            return Page([record] if keep and record else [], None)
        page = await self._registries.page(prefix=prefix or "", token=token, limit=limit)
        if scope is Scope.LOCAL:
            page = Page([r for r in page.items if r.name != AWS_EVENTS_REGISTRY], page.next_token)
        return page

    async def update_tags(self, name: str, change: TagChange | None) -> dict[str, str]:
        if change is None:
            return (await self.get(name)).tags
        record = await self._registries.update(
            name, lambda current: current.model_copy(update={"tags": change(current.tags)})
        )
        if record is None:
            raise NotFoundError(f"Registry {name} does not exist.")
        return record.tags
