"""The events the registry puts on the default bus when schemas and versions are created.

As AWS documents them: source ``aws.schemas``, detail-type ``Schema Created`` (a new
schema; sent together with ``Schema Version Created``) or ``Schema Version Created``, and a
detail with ``SchemaName``, ``SchemaType``, ``RegistryName``, ``CreationDate`` and
``Version``. ``resources`` holds the schema's ARN.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from eventbus.buses import DEFAULT_BUS
from eventbus.ingest import IngestService
from registry.models import SchemaVersion

log = logging.getLogger(__name__)

SOURCE = "aws.schemas"
SCHEMA_CREATED = "Schema Created"
VERSION_CREATED = "Schema Version Created"


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class RegistryEvents:
    def __init__(self, ingest: IngestService) -> None:
        self._ingest = ingest

    async def version_created(self, version: SchemaVersion, *, new_schema: bool) -> None:
        """Announce a new version (and a new schema when it is the first version).

        The schema is already stored: a failure to announce it is logged, not raised, so a
        client never retries a creation that succeeded.
        """
        detail = {
            "SchemaName": version.schema,
            "SchemaType": str(version.type),
            "RegistryName": version.registry,
            "CreationDate": _iso(version.version_created),
            "Version": version.version,
        }
        kinds = [SCHEMA_CREATED, VERSION_CREATED] if new_schema else [VERSION_CREATED]
        try:
            for detail_type in kinds:
                await self._ingest.put_internal(
                    DEFAULT_BUS, SOURCE, detail_type, dict(detail), [version.arn]
                )
        except Exception:
            log.exception(
                "could not put the %s event of %s/%s", kinds, version.registry, version.schema
            )
