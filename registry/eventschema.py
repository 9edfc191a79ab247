"""The shape AWS gives event schemas: an OpenAPI 3 document whose ``AWSEvent`` component is
the EventBridge envelope and whose ``detail`` refers to a named component.

Built-in schemas, inferred schemas and exports all go through these helpers, so every
schema the registry writes names things the same way::

    components.schemas.AWSEvent            x-amazon-events-source / -detail-type,
                                           the envelope's members, detail -> $ref
    components.schemas.<DetailName>        the detail, e.g. OrderPlaced
    components.schemas.<Nested>            one component per nested object
"""

from __future__ import annotations

import re
from typing import Any

from registry.names import MAX_SCHEMA_NAME

ENVELOPE_COMPONENT = "AWSEvent"
SOURCE_KEY = "x-amazon-events-source"
DETAIL_TYPE_KEY = "x-amazon-events-detail-type"
#: The members every EventBridge event has, all of them always present.
ENVELOPE_REQUIRED = (
    "detail-type",
    "resources",
    "detail",
    "id",
    "source",
    "time",
    "region",
    "version",
    "account",
)

_WORD = re.compile(r"[A-Za-z0-9]+")
_SCHEMA_NAME_CHAR = re.compile(r"[^A-Za-z0-9._\-]")


def pascal_name(text: str) -> str:
    """``"EC2 Instance State-change Notification"`` -> ``"EC2InstanceStateChangeNotification"``.

    Words keep their inner capitals (``EC2``, ``IPAddress``); only their first letter is
    raised, the way AWS names its schemas.
    """
    return "".join(word[0].upper() + word[1:] for word in _WORD.findall(text))


def component_name(text: str, fallback: str = "Detail") -> str:
    """A component name (letters and digits, starting with a letter) for a label."""
    name = pascal_name(text) or fallback
    return name if name[0].isalpha() else fallback + name


def schema_name(source: str, detail_type: str) -> str:
    """The registry name of the schema of one (source, detail-type): ``source@DetailType``.

    Characters a schema name cannot hold become ``.`` (the ``/`` of partner sources) or
    ``-`` (anything else), so every source maps to a valid name.
    """
    prefix = _SCHEMA_NAME_CHAR.sub(lambda m: "." if m.group() == "/" else "-", source)
    name = f"{prefix}@{component_name(detail_type)}"
    return name[:MAX_SCHEMA_NAME]


def ref(component: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{component}"}


def envelope_component(source: str, detail_type: str, detail_component: str) -> dict[str, Any]:
    """The ``AWSEvent`` component: the envelope, with ``detail`` referring to the detail."""
    return {
        "type": "object",
        "required": list(ENVELOPE_REQUIRED),
        SOURCE_KEY: source,
        DETAIL_TYPE_KEY: detail_type,
        "properties": {
            "detail": ref(detail_component),
            "account": {"type": "string"},
            "detail-type": {"type": "string"},
            "id": {"type": "string"},
            "region": {"type": "string"},
            "resources": {"type": "array", "items": {"type": "string"}},
            "source": {"type": "string"},
            "time": {"type": "string", "format": "date-time"},
            "version": {"type": "string"},
        },
    }


def event_document(
    source: str,
    detail_type: str,
    detail_component: str,
    components: dict[str, Any],
    *,
    version: str = "1.0.0",
) -> dict[str, Any]:
    """A complete OpenAPI 3 event schema from the detail's components."""
    return {
        "openapi": "3.0.0",
        "info": {"version": version, "title": detail_component},
        "paths": {},
        "components": {
            "schemas": {
                ENVELOPE_COMPONENT: envelope_component(source, detail_type, detail_component),
                **components,
            }
        },
    }


def event_root(schemas: dict[str, Any]) -> str | None:
    """The component that describes the whole event, if the document has one."""
    for name, schema in schemas.items():
        if isinstance(schema, dict) and (SOURCE_KEY in schema or DETAIL_TYPE_KEY in schema):
            return name
    if isinstance(schemas.get(ENVELOPE_COMPONENT), dict):
        return ENVELOPE_COMPONENT
    return None
