"""Compatibility modes of registries and schemas, enforced when a version is added.

A registry has a mode (``NONE`` unless set); a schema may override it. Before UpdateSchema
(or discovery) adds a version, ``check_version`` compares the new content with the
schema's history under the mode in force and refuses a breaking version with a
ConflictException listing every breaking change. ``diff`` compares two stored versions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import BaseModel

from eventbus.context import Context
from eventbus.documents import Collection
from registry.compat.diff import Change, diff
from registry.compat.modes import Mode, check
from registry.errors import BadRequestError, ConflictError, NotFoundError
from registry.models import SchemaRecord
from registry.registries import RegistryService
from registry.schemas import SchemaService
from registry.validation.convert import ConversionError

KIND = "schemas.compatibility"


class Setting(BaseModel):
    registry: str
    schema_name: str | None = None
    mode: Mode
    modified: float


@dataclass(frozen=True, slots=True)
class InForce:
    """The mode that applies to a schema, and whether the schema itself sets it."""

    mode: Mode
    #: ``SCHEMA``, ``REGISTRY`` or ``DEFAULT``: where the mode comes from.
    origin: str


def _key(registry: str, schema: str | None) -> str:
    # Registry names hold no "/", so a registry's key never collides with a schema's.
    return registry if schema is None else f"{registry}/{schema}"


def parse_mode(value: str) -> Mode:
    try:
        return Mode(value.upper())
    except ValueError:
        raise BadRequestError(
            f"Invalid Compatibility {value!r}: expected one of {', '.join(Mode)}."
        ) from None


def _document(content: str, where: str) -> Mapping[str, Any]:
    try:
        document = orjson.loads(content)
    except orjson.JSONDecodeError:
        raise BadRequestError(f"{where} is not JSON.") from None
    if not isinstance(document, dict):
        raise BadRequestError(f"{where} is not a JSON object.")
    return document


class CompatibilityService:
    def __init__(self, ctx: Context, registries: RegistryService, schemas: SchemaService) -> None:
        self._ctx = ctx
        self._registries = registries
        self._schemas = schemas
        self._settings = Collection(ctx.store, KIND, Setting)

    async def set_mode(self, registry: str, schema: str | None, mode: Mode) -> InForce:
        if schema is None:
            await self._registries.require(registry)
        else:
            await self._schemas.get_schema(registry, schema)
        setting = Setting(
            registry=registry, schema_name=schema, mode=mode, modified=self._ctx.clock()
        )
        await self._settings.put(_key(registry, schema), setting)
        return await self.in_force(registry, schema)

    async def clear_schema_mode(self, registry: str, schema: str) -> InForce:
        """Drop a schema's own mode: the registry's applies again."""
        await self._schemas.get_schema(registry, schema)
        await self._settings.delete(_key(registry, schema))
        return await self.in_force(registry, schema)

    async def in_force(self, registry: str, schema: str | None) -> InForce:
        if schema is not None:
            own = await self._settings.get(_key(registry, schema))
            if own is not None:
                return InForce(own.mode, "SCHEMA")
        else:
            await self._registries.require(registry)
        shared = await self._settings.get(_key(registry, None))
        if shared is not None:
            return InForce(shared.mode, "REGISTRY")
        return InForce(Mode.NONE, "DEFAULT")

    async def check_version(self, registry: str, schema: str, document: Mapping[str, Any]) -> None:
        """Raise ConflictError when ``document`` as the next version breaks the mode."""
        in_force = await self.in_force(registry, schema)
        if in_force.mode is Mode.NONE:
            return
        try:
            head = await self._schemas.get_schema(registry, schema)
        except NotFoundError:
            return  # the first version: nothing to be compatible with
        refs = head.versions if in_force.mode.transitive else head.versions[-1:]
        history = [await self._content(head, ref.version) for ref in refs]
        try:
            breaking = check(in_force.mode, history, document)
        except ConversionError as error:
            raise BadRequestError(f"Cannot check compatibility: {error}") from None
        if breaking:
            against = (
                "every earlier version"
                if in_force.mode.transitive
                else (f"version {head.latest.version}")
            )
            listed = "; ".join(_describe(change) for change in breaking)
            raise ConflictError(
                f"The new version of schema {schema} is not {in_force.mode} compatible with "
                f"{against} ({len(breaking)} breaking change(s)): {listed}"
            )

    async def _content(self, head: SchemaRecord, version: int) -> Mapping[str, Any]:
        ref = head.find(version)
        assert ref is not None
        text = await self._schemas.content(head, ref)
        return _document(text, f"Version {version} of schema {head.name}")

    async def diff(
        self, registry: str, schema: str, from_version: str, to_version: str
    ) -> list[Change]:
        old = await self._schemas.get_version(registry, schema, from_version)
        new = await self._schemas.get_version(registry, schema, to_version)
        try:
            return diff(
                _document(old.content, f"Version {old.version}"),
                _document(new.content, f"Version {new.version}"),
            )
        except ConversionError as error:
            raise BadRequestError(f"Cannot compare the versions: {error}") from None


def _describe(change: Change) -> str:
    broken = [
        name
        for name, flag in (("backward", change.breaks_backward), ("forward", change.breaks_forward))
        if flag
    ]
    return f"{change.message} (breaks {' and '.join(broken)})"
