"""Schema contents as one self-contained JSON Schema for the whole event.

The registry stores contents of two types, as AWS does: OpenAPI 3 documents (``OpenApi3``)
and JSON Schema Draft 4 documents (``JSONSchemaDraft4``). Validation at ingest and the
compatibility checks both work on one JSON Schema describing the event. For an OpenAPI
document that is what ExportSchema returns (``registry.export``): the event component
(``AWSEvent``) as the root, every other component under ``definitions``, OpenAPI-only
keywords translated (``nullable``) or dropped. A Draft 4 document is used as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from registry.export import DRAFT4_URI, openapi_to_draft4

OPENAPI3 = "OpenApi3"
DRAFT4 = "JSONSchemaDraft4"


class ConversionError(ValueError):
    """The content cannot be turned into a JSON Schema of the event (message says why)."""


def content_type(content: Mapping[str, Any]) -> str:
    """``OpenApi3`` or ``JSONSchemaDraft4``, recognised from the document itself."""
    return OPENAPI3 if "openapi" in content else DRAFT4


def event_schema(content: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON Schema (Draft 4) of the event that ``content`` describes."""
    if content_type(content) == DRAFT4:
        schema = dict(content)
        schema.setdefault("$schema", DRAFT4_URI)
        return schema
    components = content.get("components", {})
    if not isinstance(components, Mapping) or not isinstance(components.get("schemas"), dict):
        raise ConversionError("The OpenAPI document has no components.schemas.")
    return openapi_to_draft4(dict(content))
