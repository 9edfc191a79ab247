"""All services of the registry, wired together, plus the operations that span several.

``SchemaRegistry`` is what the REST routes, schema discovery and code generation call:

    registry.registries   RegistryService   create/get/update/page registries
    registry.schemas      SchemaService     versions: create/update/put_version/get_version...
    registry.policies     PolicyService     resource policies
    registry.tags         TagService        tags by ARN
    registry.delete_registry(name)          a registry with its schemas and policy
    registry.search(...), registry.export(...), registry.discover(...)
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from eventbus.services import Services
from registry.builtin import builtin_schemas
from registry.content import parse_document
from registry.errors import BadRequestError, ConflictError, TooManyRequestsError
from registry.export import openapi_to_draft4
from registry.infer import InferenceError, infer_openapi
from registry.models import SchemaType
from registry.names import AWS_EVENTS_REGISTRY, SchemaArns
from registry.notify import RegistryEvents
from registry.policies import PolicyService
from registry.registries import RegistryService
from registry.schemas import SchemaService
from registry.search import SearchResult, search
from registry.tags import TagService

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Exported:
    registry: str
    schema: str
    arn: str
    version: str
    type: SchemaType
    content: str


@dataclass(slots=True)
class SchemaRegistry:
    registries: RegistryService
    schemas: SchemaService
    policies: PolicyService
    tags: TagService

    @classmethod
    def build(cls, services: Services) -> SchemaRegistry:
        ctx = services.ctx
        arns = SchemaArns(ctx.settings.region, ctx.settings.account_id)
        registries = RegistryService(ctx, arns)
        schemas = SchemaService(ctx, arns, registries, RegistryEvents(services.ingest))
        return cls(
            registries=registries,
            schemas=schemas,
            policies=PolicyService(ctx, registries),
            tags=TagService(arns, registries.update_tags, schemas.update_tags),
        )

    async def start(self) -> None:
        """Create the built-in registries and bring ``aws.events`` up to date.

        Idempotent and safe to run in several processes at once: a built-in schema gets a
        new version only when this release changed its content.
        """
        await self.registries.ensure_builtins()
        for builtin in builtin_schemas():
            try:
                await self.schemas.put_version(
                    AWS_EVENTS_REGISTRY,
                    builtin.name,
                    builtin.content,
                    SchemaType.OPENAPI3,
                    description=builtin.description,
                    announce=False,
                    allow_builtin=True,
                )
            except (ConflictError, TooManyRequestsError) as error:
                # Other processes starting at once write the same content; one of them wins.
                log.warning("built-in schema %s left as it is: %s", builtin.name, error.message)

    async def delete_registry(self, name: str) -> None:
        await self.registries.delete(name)
        await self.schemas.delete_all(name)
        await self.policies.forget(name)

    async def search(
        self, registry: str, keywords: str, token: str | None, limit: int | None
    ) -> tuple[list[SearchResult], str | None]:
        return await search(self.schemas, registry, keywords, token, limit)

    async def export(
        self, registry: str, schema: str, version: str | None, target: str
    ) -> Exported:
        """ExportSchema: a version as JSON Schema Draft 4 (or unchanged as OpenAPI 3)."""
        if target not in (SchemaType.JSONSCHEMA_DRAFT4, SchemaType.OPENAPI3):
            raise BadRequestError(
                f"Invalid Type {target!r}: expected JSONSchemaDraft4 (or OpenApi3)."
            )
        found = await self.schemas.get_version(registry, schema, version)
        if found.type == target:
            content = found.content
        elif target == SchemaType.JSONSCHEMA_DRAFT4:
            converted = openapi_to_draft4(parse_document(found.content))
            content = json.dumps(converted)
        else:
            raise BadRequestError(
                f"Version {found.version} of schema {schema} is a JSON Schema Draft 4 "
                "document; it can be exported only as JSONSchemaDraft4."
            )
        return Exported(registry, schema, found.arn, found.version, SchemaType(target), content)

    @staticmethod
    def discover(events: Sequence[str], target: SchemaType) -> str:
        """GetDiscoveredSchema: the schema of sample events (JSON texts) as JSON text."""
        parsed = [parse_document(text, f"Events[{index}]") for index, text in enumerate(events)]
        try:
            document = infer_openapi(parsed)
        except InferenceError as error:
            raise BadRequestError(str(error)) from None
        if target == SchemaType.JSONSCHEMA_DRAFT4:
            document = openapi_to_draft4(document)
        return json.dumps(document)
