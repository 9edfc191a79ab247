"""Schemas and their versions: create, update (a version only when the content changes),
describe, list, delete; and ``put_version``, the upsert that discovery and the built-in
schemas use.

How a version is published (see ``registry.models``): the content is first written as a
new body document under a random key, then the schema's head is changed by compare-and-set
to list it with the next version number. Concurrent writers each get their own number; a
writer whose content equals the latest version (compared as canonical JSON) publishes
nothing and drops its body.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import Enum, auto
from typing import Any

from eventbus.context import Context
from eventbus.documents import Collection, page_list
from registry.content import digest, validate_content
from registry.errors import BadRequestError, ConflictError, NotFoundError, TooManyRequestsError
from registry.models import (
    SCHEMA_KIND,
    VERSION_KIND,
    SchemaRecord,
    SchemaSummary,
    SchemaType,
    SchemaVersion,
    VersionBody,
    VersionRef,
    VersionSummary,
    body_key,
    schema_key,
)
from registry.names import SchemaArns, check_schema_name
from registry.notify import RegistryEvents
from registry.registries import RegistryService, ensure_writable
from registry.tags import TagChange, check_tags

_MAX_PUBLISH_ATTEMPTS = 20

#: A check run on the parsed content of every version about to be created, with the
#: registry and schema names (e.g. compatibility with earlier versions); it raises a
#: ``SchemasError`` to refuse the version.
VersionCheck = Callable[[str, str, Mapping[str, Any]], Awaitable[None]]


class _Mode(Enum):
    CREATE = auto()  # CreateSchema: the schema must not exist
    UPDATE = auto()  # UpdateSchema: the schema must exist
    UPSERT = auto()  # put_version: either


class _Unchanged(Exception):
    """Raised inside a head update: the latest version already has this content."""


@dataclass(frozen=True, slots=True)
class Published:
    """The outcome of ``put_version``."""

    version: SchemaVersion
    #: False when the content equalled the latest version and nothing was written.
    created: bool
    #: True when this call created the schema itself (its first version).
    new_schema: bool


def parse_version(version: str) -> int:
    if not version.isdigit() or int(version) < 1:
        raise BadRequestError(f"Invalid SchemaVersion {version!r}: expected a number from 1.")
    return int(version)


class SchemaService:
    def __init__(
        self,
        ctx: Context,
        arns: SchemaArns,
        registries: RegistryService,
        events: RegistryEvents | None = None,
    ) -> None:
        self._ctx = ctx
        self._arns = arns
        self._registries = registries
        self._events = events
        self._heads = Collection(ctx.store, SCHEMA_KIND, SchemaRecord)
        self._bodies = Collection(ctx.store, VERSION_KIND, VersionBody)
        #: Run on every version about to be created, by every path (see VersionCheck).
        self.checks: list[VersionCheck] = []

    # -- writing -------------------------------------------------------------------------

    async def create(
        self,
        registry: str,
        name: str,
        content: str,
        schema_type: SchemaType,
        *,
        description: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> SchemaVersion:
        """CreateSchema: the first version of a new schema."""
        ensure_writable(registry)
        check_schema_name(name)
        tag_set = check_tags(tags or {})
        await self._registries.require(registry)
        document = validate_content(content, schema_type)
        published = await self._publish(
            registry, name, content, document, schema_type, description, tag_set, _Mode.CREATE
        )
        return published.version

    async def update(
        self,
        registry: str,
        name: str,
        *,
        content: str | None = None,
        schema_type: SchemaType | None = None,
        description: str | None = None,
    ) -> SchemaVersion:
        """UpdateSchema: a new version when the content changes; the description always."""
        ensure_writable(registry)
        head = await self._head(registry, name)
        if content is None:
            if schema_type is not None and schema_type != head.latest.type:
                raise BadRequestError(
                    f"Changing the Type of schema {name} to {schema_type} needs Content "
                    "of that type."
                )
            if description is not None:
                head = await self._set_description(registry, name, description)
            return await self._version(head, head.latest)
        chosen = schema_type or head.latest.type
        document = validate_content(content, chosen)
        published = await self._publish(
            registry, name, content, document, chosen, description, {}, _Mode.UPDATE
        )
        return published.version

    async def put_version(
        self,
        registry: str,
        name: str,
        content: str,
        schema_type: SchemaType,
        *,
        description: str | None = None,
        announce: bool = True,
        allow_builtin: bool = False,
    ) -> Published:
        """Create the schema or add a version, unless the latest version has this content.

        For schema discovery and the built-in schemas. Checks the content like
        CreateSchema does; ``allow_builtin`` lets the service itself write into the
        read-only ``aws.events`` registry. ``announce=False`` puts no registry events.
        """
        if not allow_builtin:
            ensure_writable(registry)
        check_schema_name(name)
        await self._registries.require(registry)
        document = validate_content(content, schema_type)
        return await self._publish(
            registry,
            name,
            content,
            document,
            schema_type,
            description,
            {},
            _Mode.UPSERT,
            announce=announce,
        )

    async def _publish(
        self,
        registry: str,
        name: str,
        content: str,
        document: dict[str, Any],
        schema_type: SchemaType,
        description: str | None,
        tags: dict[str, str],
        mode: _Mode,
        *,
        announce: bool = True,
    ) -> Published:
        key = schema_key(registry, name)
        fingerprint = digest(document, schema_type)
        body = uuid.uuid4().hex
        now = self._ctx.clock()
        written = False
        published = False
        try:
            for _ in range(_MAX_PUBLISH_ATTEMPTS):
                head = await self._heads.get(key)
                if head is None and mode is _Mode.UPDATE:
                    raise self._missing(registry, name)
                if head is not None and mode is _Mode.CREATE:
                    raise ConflictError(f"Schema {name} already exists in registry {registry}.")
                if head is not None and head.latest.digest == fingerprint:
                    return await self._unchanged(registry, name, head, description)
                if not written:
                    # Only a version that will really be created is checked.
                    for check in self.checks:
                        await check(registry, name, document)
                    await self._bodies.create(
                        body_key(registry, name, body),
                        VersionBody(content=content, type=schema_type, created=now),
                    )
                    written = True
                ref = VersionRef(
                    # The number is only a guess here: _append numbers it under the CAS.
                    version=1 if head is None else head.next_version,
                    body=body,
                    type=schema_type,
                    created=now,
                    digest=fingerprint,
                )
                if head is None:
                    new = SchemaRecord(
                        registry=registry,
                        name=name,
                        arn=self._arns.schema(registry, name),
                        description=description,
                        tags=tags,
                        created=now,
                        last_modified=now,
                        next_version=2,
                        versions=[ref],
                    )
                    if not await self._heads.create(key, new):
                        continue  # created meanwhile: judge again against it
                    published = True
                    return await self._announce(new, ref, new_schema=True, announce=announce)
                updated = await self._append(key, ref, description, mode, now)
                if updated is None:
                    continue  # deleted meanwhile
                published = True
                return await self._announce(
                    updated, updated.latest, new_schema=False, announce=announce
                )
            raise TooManyRequestsError(f"Too many concurrent changes to schema {name}; try again.")
        except _Unchanged:
            head = await self._head(registry, name)
            return await self._unchanged(registry, name, head, description)
        finally:
            if written and not published:
                await self._bodies.delete(body_key(registry, name, body))

    async def _append(
        self, key: str, ref: VersionRef, description: str | None, mode: _Mode, now: float
    ) -> SchemaRecord | None:
        def change(current: SchemaRecord) -> SchemaRecord:
            if mode is _Mode.CREATE:
                raise ConflictError(
                    f"Schema {current.name} already exists in registry {current.registry}."
                )
            if current.latest.digest == ref.digest:
                raise _Unchanged
            numbered = ref.model_copy(update={"version": current.next_version})
            updates: dict[str, Any] = {
                "versions": [*current.versions, numbered],
                "next_version": current.next_version + 1,
                "last_modified": now,
            }
            if description is not None:
                updates["description"] = description
            return current.model_copy(update=updates)

        return await self._heads.update(key, change)

    async def _unchanged(
        self, registry: str, name: str, head: SchemaRecord, description: str | None
    ) -> Published:
        if description is not None and description != head.description:
            head = await self._set_description(registry, name, description)
        return Published(await self._version(head, head.latest), created=False, new_schema=False)

    async def _announce(
        self, head: SchemaRecord, ref: VersionRef, *, new_schema: bool, announce: bool
    ) -> Published:
        version = await self._version(head, ref)
        if announce and self._events is not None:
            await self._events.version_created(version, new_schema=new_schema)
        return Published(version, created=True, new_schema=new_schema)

    async def _set_description(self, registry: str, name: str, description: str) -> SchemaRecord:
        now = self._ctx.clock()
        head = await self._heads.update(
            schema_key(registry, name),
            lambda current: current.model_copy(
                update={"description": description, "last_modified": now}
            ),
        )
        if head is None:
            raise self._missing(registry, name)
        return head

    async def delete(self, registry: str, name: str) -> None:
        ensure_writable(registry)
        head = await self._head(registry, name)
        await self._heads.delete(schema_key(registry, name))
        for ref in head.versions:
            await self._bodies.delete(body_key(registry, name, ref.body))

    async def delete_version(self, registry: str, name: str, version: str) -> None:
        ensure_writable(registry)
        number = parse_version(version)
        removed: list[VersionRef] = []

        def change(current: SchemaRecord) -> SchemaRecord:
            ref = current.find(number)
            if ref is None:
                raise self._missing_version(registry, name, number)
            if len(current.versions) == 1:
                raise BadRequestError(
                    f"Version {number} is the only version of schema {name}; delete the "
                    "schema with DeleteSchema instead."
                )
            removed[:] = [ref]
            return current.model_copy(
                update={"versions": [v for v in current.versions if v.version != number]}
            )

        if await self._heads.update(schema_key(registry, name), change) is None:
            raise self._missing(registry, name)
        for ref in removed:
            await self._bodies.delete(body_key(registry, name, ref.body))

    async def delete_all(self, registry: str) -> None:
        """Delete every schema of a registry (the registry is being deleted)."""
        for head in await self._heads.all(prefix=f"{registry}/"):
            await self._heads.delete(schema_key(registry, head.name))
            for ref in head.versions:
                await self._bodies.delete(body_key(registry, head.name, ref.body))

    async def update_tags(
        self, registry: str, name: str, change: TagChange | None
    ) -> dict[str, str]:
        if change is None:
            return (await self._head(registry, name)).tags
        head = await self._heads.update(
            schema_key(registry, name),
            lambda current: current.model_copy(update={"tags": change(current.tags)}),
        )
        if head is None:
            raise self._missing(registry, name)
        return head.tags

    # -- reading -------------------------------------------------------------------------

    async def get_version(
        self, registry: str, name: str, version: str | None = None
    ) -> SchemaVersion:
        """DescribeSchema: one version (the latest when ``version`` is None)."""
        head = await self._head(registry, name)
        if version is None:
            return await self._version(head, head.latest)
        number = parse_version(version)
        ref = head.find(number)
        if ref is None:
            raise self._missing_version(registry, name, number)
        return await self._version(head, ref)

    async def get_schema(self, registry: str, name: str) -> SchemaRecord:
        return await self._head(registry, name)

    async def heads(self, registry: str) -> list[SchemaRecord]:
        """Every schema of a registry, by name."""
        await self._registries.require(registry)
        return await self._heads.all(prefix=f"{registry}/")

    async def content(self, head: SchemaRecord, ref: VersionRef) -> str:
        body = await self._bodies.get(body_key(head.registry, head.name, ref.body))
        if body is None:  # deleted between reading the head and the body
            raise self._missing_version(head.registry, head.name, ref.version)
        return body.content

    async def list_schemas(
        self, registry: str, prefix: str | None, token: str | None, limit: int | None
    ) -> tuple[list[SchemaSummary], str | None]:
        await self._registries.require(registry)
        page = await self._heads.page(
            prefix=schema_key(registry, prefix or ""), token=token, limit=limit
        )
        return [self.summary(head) for head in page.items], page.next_token

    async def list_versions(
        self, registry: str, name: str, token: str | None, limit: int | None
    ) -> tuple[list[VersionSummary], str | None]:
        head = await self._head(registry, name)
        refs, next_token = page_list(head.versions, token, limit)
        return [summary(ref) for ref in refs], next_token

    def summary(self, head: SchemaRecord) -> SchemaSummary:
        return SchemaSummary(
            registry=head.registry,
            schema=head.name,
            arn=head.arn,
            tags=head.tags,
            last_modified=head.last_modified,
            version_count=len(head.versions),
        )

    # -- helpers -------------------------------------------------------------------------

    async def _head(self, registry: str, name: str) -> SchemaRecord:
        head = await self._heads.get(schema_key(registry, name))
        if head is None:
            await self._registries.require(registry)
            raise self._missing(registry, name)
        return head

    async def _version(self, head: SchemaRecord, ref: VersionRef) -> SchemaVersion:
        return SchemaVersion(
            registry=head.registry,
            schema=head.name,
            arn=head.arn,
            version=str(ref.version),
            type=ref.type,
            content=await self.content(head, ref),
            description=head.description,
            tags=head.tags,
            version_created=ref.created,
            last_modified=head.last_modified,
        )

    @staticmethod
    def _missing(registry: str, name: str) -> NotFoundError:
        return NotFoundError(f"Schema {name} does not exist in registry {registry}.")

    @staticmethod
    def _missing_version(registry: str, name: str, number: int) -> NotFoundError:
        return NotFoundError(
            f"Version {number} of schema {name} does not exist in registry {registry}."
        )


def summary(ref: VersionRef) -> VersionSummary:
    return VersionSummary(version=str(ref.version), type=ref.type, created=ref.created)
