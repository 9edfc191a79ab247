"""Reading a discovered schema back into the detail schema it was rendered from.

``registry.infer.openapi_from_detail`` renders the JSON Schema that genson builds for a
``detail`` as an OpenAPI 3 document in AWS's discovered form. Discovery needs the way back:
after a restart, or when another process stored a version, the latest stored version is
merged into this process's builder before new events are, so that nothing stored is lost
and events of a known shape re-render the very same document (and add no version).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from registry.eventschema import ENVELOPE_COMPONENT, event_root

_REF = "#/components/schemas/"


def detail_schema(content: Mapping[str, Any]) -> dict[str, Any] | None:
    """The detail's JSON Schema of an AWS-form event schema; None when it is not one."""
    components = content.get("components", {}).get("schemas", {})
    if not isinstance(components, dict):
        return None
    event = components.get(event_root(components) or ENVELOPE_COMPONENT)
    if not isinstance(event, Mapping):
        return None
    detail = event.get("properties", {}).get("detail")
    if not isinstance(detail, Mapping):
        return None
    return _unrender(detail, components, frozenset())


def _unrender(
    node: Mapping[str, Any], components: Mapping[str, Any], active: frozenset[str]
) -> dict[str, Any]:
    out: dict[str, Any]
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(_REF):
        name = ref[len(_REF) :]
        target = components.get(name)
        # A reference loop or a dangling one: nothing the builder can learn from.
        out = (
            {}
            if name in active or not isinstance(target, Mapping)
            else (_unrender(target, components, active | {name}))
        )
    elif isinstance(node.get("anyOf"), list):
        out = {"anyOf": [_unrender(branch, components, active) for branch in node["anyOf"]]}
    else:
        out = {}
        for key, value in node.items():
            if key == "nullable" or key.startswith("x-"):
                continue
            if key == "properties" and isinstance(value, Mapping):
                out[key] = {name: _unrender(sub, components, active) for name, sub in value.items()}
            elif key == "items" and isinstance(value, Mapping):
                if value:  # the renderer's stand-in for "never seen an element"
                    out[key] = _unrender(value, components, active)
            else:
                out[key] = value
    if node.get("nullable") is True:
        return {"anyOf": [{"type": "null"}, out]} if out else {"type": "null"}
    return out
