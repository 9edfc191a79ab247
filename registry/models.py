"""The registry's stored documents and the typed values its services return.

A schema is stored as one small *head* document (``SchemaRecord``: description, tags and
the list of its published versions) plus one immutable document per version holding the
content (``VersionBody``). Version bodies are written first under a fresh random key and
then published by a compare-and-set on the head, so concurrent writers never overwrite
each other's content and a crash between the two steps leaves only an unreachable body.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, Field

#: Store kinds, one per document type.
REGISTRY_KIND = "schemas.registry"
SCHEMA_KIND = "schemas.schema"
VERSION_KIND = "schemas.version"
POLICY_KIND = "schemas.policy"


class SchemaType(StrEnum):
    OPENAPI3 = "OpenApi3"
    JSONSCHEMA_DRAFT4 = "JSONSchemaDraft4"


class RegistryRecord(BaseModel):
    name: str
    arn: str
    description: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    created: float


class VersionRef(BaseModel):
    """One published version, as the schema's head lists it."""

    version: int
    #: Key suffix of the version's body document.
    body: str
    type: SchemaType
    created: float
    #: Digest of the canonical JSON of the content and its type: equal digests mean an
    #: update changes nothing, whatever the whitespace or key order of the new text.
    digest: str


class SchemaRecord(BaseModel):
    registry: str
    name: str
    arn: str
    description: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    created: float
    last_modified: float
    #: Version numbers are never reused, even after DeleteSchemaVersion.
    next_version: int = 1
    versions: list[VersionRef] = Field(default_factory=list)

    @property
    def latest(self) -> VersionRef:
        return self.versions[-1]

    def find(self, version: int) -> VersionRef | None:
        return next((ref for ref in self.versions if ref.version == version), None)


class VersionBody(BaseModel):
    content: str
    type: SchemaType
    created: float


class PolicyRecord(BaseModel):
    registry: str
    policy: str
    revision_id: str


def schema_key(registry: str, schema: str) -> str:
    return f"{registry}/{schema}"


def body_key(registry: str, schema: str, body: str) -> str:
    return f"{registry}/{schema}/{body}"


@dataclass(frozen=True, slots=True)
class SchemaVersion:
    """One version of a schema with everything DescribeSchema tells about it."""

    registry: str
    schema: str
    arn: str
    version: str
    type: SchemaType
    content: str
    description: str | None
    tags: dict[str, str]
    #: When this version was created, and when the schema last changed (epoch seconds).
    version_created: float
    last_modified: float


@dataclass(frozen=True, slots=True)
class VersionSummary:
    version: str
    type: SchemaType
    created: float


@dataclass(frozen=True, slots=True)
class SchemaSummary:
    registry: str
    schema: str
    arn: str
    tags: dict[str, str]
    last_modified: float
    version_count: int
