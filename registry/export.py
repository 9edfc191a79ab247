"""ExportSchema: an OpenAPI 3 event schema as one self-contained JSON Schema Draft 4 document.

AWS exports only the schemas of its own registries; this works for every registry. The
conversion:

* the root is the event component (the one carrying ``x-amazon-events-*``, else
  ``AWSEvent``, else the only component); every other component moves to ``definitions``,
  and ``#/components/schemas/X`` references become ``#/definitions/X`` (``#`` for the root);
* ``nullable: true`` becomes a ``type`` list with ``"null"`` (and ``null`` joins an
  ``enum``); on a schema without ``type`` (a bare ``$ref``) it becomes
  ``anyOf: [<schema>, {"type": "null"}]``;
* OpenAPI-only keywords with no Draft 4 meaning are dropped: ``discriminator``,
  ``readOnly``, ``writeOnly``, ``xml``, ``externalDocs``, ``example``, ``examples``,
  ``deprecated``; OpenAPI 3.1's numeric ``exclusiveMinimum``/``exclusiveMaximum`` become
  Draft 4's boolean form and ``const`` a one-value ``enum``;
* ``x-`` extension keywords are kept on purpose: Draft 4 validators ignore unknown keywords,
  and tools (code generators, the schema browser) read ``x-amazon-events-source`` and
  ``x-amazon-events-detail-type`` to know which event the document describes.

Only keyword positions are rewritten: a property *named* ``example`` or ``nullable`` stays.
"""

from __future__ import annotations

from typing import Any

from registry.eventschema import event_root

DRAFT4_URI = "http://json-schema.org/draft-04/schema#"
_COMPONENT_PREFIX = "#/components/schemas/"
_DROPPED = frozenset(
    {
        "nullable",
        "discriminator",
        "readOnly",
        "writeOnly",
        "xml",
        "externalDocs",
        "example",
        "examples",
        "deprecated",
    }
)
_SUBSCHEMA = frozenset({"not", "additionalItems"})
_SUBSCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf"})
_SUBSCHEMA_MAPS = frozenset({"properties", "patternProperties", "definitions"})


def openapi_to_draft4(document: dict[str, Any]) -> dict[str, Any]:
    """Convert a checked OpenAPI 3 document (see ``registry.content``)."""
    schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})
    root = event_root(schemas)
    if root is None and len(schemas) == 1:
        root = next(iter(schemas))
    converter = _Converter(root)
    result: dict[str, Any] = {"$schema": DRAFT4_URI}
    if root is not None:
        result["title"] = root
        result.update(converter.schema(schemas[root]))
    else:
        result["title"] = str(document.get("info", {}).get("title", "Schemas"))
    definitions = {
        name: converter.schema(schema) for name, schema in schemas.items() if name != root
    }
    if definitions:
        result["definitions"] = definitions
    return result


class _Converter:
    def __init__(self, root: str | None) -> None:
        self._root = root

    def ref(self, target: str) -> str:
        if not target.startswith(_COMPONENT_PREFIX):
            return target
        name, slash, rest = target[len(_COMPONENT_PREFIX) :].partition("/")
        if name == self._root:
            return "#" + (slash + rest if rest else "")
        return f"#/definitions/{name}{slash}{rest}"

    def schema(self, schema: Any) -> Any:
        if not isinstance(schema, dict):
            return schema  # booleans (OpenAPI 3.1) and malformed values pass through
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key in _DROPPED:
                continue
            if key == "$ref" and isinstance(value, str):
                out[key] = self.ref(value)
            elif key in _SUBSCHEMA:
                out[key] = self.schema(value)
            elif key in _SUBSCHEMA_LISTS and isinstance(value, list):
                out[key] = [self.schema(item) for item in value]
            elif key in _SUBSCHEMA_MAPS and isinstance(value, dict):
                out[key] = {name: self.schema(item) for name, item in value.items()}
            elif key == "items":
                out[key] = (
                    [self.schema(item) for item in value]
                    if isinstance(value, list)
                    else self.schema(value)
                )
            elif key == "additionalProperties":
                out[key] = self.schema(value)
            elif key == "dependencies" and isinstance(value, dict):
                out[key] = {
                    name: item if isinstance(item, list) else self.schema(item)
                    for name, item in value.items()
                }
            elif key in ("exclusiveMinimum", "exclusiveMaximum") and _is_number(value):
                bound = "minimum" if key == "exclusiveMinimum" else "maximum"
                out[bound] = value
                out[key] = True
            elif key == "const":
                out["enum"] = [value]
            else:
                out[key] = value
        if schema.get("nullable") is True:
            return _nullable(out)
        return out


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema.get("type")
    if kind is None:
        return {"anyOf": [schema, {"type": "null"}]}
    if isinstance(kind, str) and kind != "null":
        schema["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        schema["type"] = [*kind, "null"]
    enum = schema.get("enum")
    if isinstance(enum, list) and None not in enum:
        schema["enum"] = [*enum, None]
    return schema
