"""The ``discovered-schemas`` registry as the discovery engine's ``SchemaSink``."""

from __future__ import annotations

import json
from typing import Any

import orjson

from registry.discovery.engine import StoredVersion
from registry.errors import NotFoundError
from registry.models import SchemaType
from registry.names import DISCOVERED_REGISTRY
from registry.schemas import SchemaService


class RegistrySink:
    def __init__(self, schemas: SchemaService, registry: str = DISCOVERED_REGISTRY) -> None:
        self._schemas = schemas
        self._registry = registry

    async def latest(self, schema: str) -> StoredVersion | None:
        try:
            found = await self._schemas.get_version(self._registry, schema)
        except NotFoundError:
            return None
        try:
            content = orjson.loads(found.content)
        except orjson.JSONDecodeError:
            content = None
        # A version that is not a JSON object (edited by hand) is merged as if empty.
        return StoredVersion(found.version, content if isinstance(content, dict) else {})

    async def publish(self, schema: str, content: dict[str, Any]) -> str:
        published = await self._schemas.put_version(
            self._registry, schema, json.dumps(content, indent=2), SchemaType.OPENAPI3
        )
        return published.version.version
