"""Inferring an OpenAPI 3 event schema from sample events, in AWS's discovered form.

The one place the registry turns events into a schema: GetDiscoveredSchema calls
``infer_openapi``, and schema discovery builds on the same pieces (``DetailSchemaBuilder``
to accumulate samples incrementally, ``openapi_from_detail`` to render the result).

What the result holds:

* an ``AWSEvent`` component for the envelope, marked with ``x-amazon-events-source`` and
  ``x-amazon-events-detail-type``, whose ``detail`` refers to a component named after the
  detail-type (``Order Placed`` -> ``OrderPlaced``);
* one component per nested object (named after its property, ``customer`` ->
  ``Customer``; array elements get ``Item`` appended; clashes are prefixed with the parent's
  name), so code generators get one class per object;
* ``required``: the properties present in every sample;
* strings that were an RFC 3339 timestamp in every sample: ``format: date-time``;
* a value seen as null in some sample: ``nullable: true``; integers mixed with floats:
  ``number``; other mixes of types: ``anyOf``.

Properties, ``required`` lists and components are sorted, so the same samples always give
the same document, byte for byte, and a changed document means a changed shape.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from genson import SchemaBuilder  # type: ignore[import-untyped]
from genson.schema.strategies import String  # type: ignore[import-untyped]

from registry.content import MAX_DEPTH
from registry.eventschema import (
    ENVELOPE_COMPONENT,
    component_name,
    event_document,
    pascal_name,
    ref,
)

_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
_SCALARS = frozenset({"string", "integer", "number", "boolean"})


class InferenceError(ValueError):
    """The samples cannot give a schema (not events, or events of different kinds)."""


def is_timestamp(value: str) -> bool:
    if not _RFC3339.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


class _TimestampAwareString(String):  # type: ignore[misc]
    """genson's string strategy, adding ``format: date-time`` when every sample is one."""

    KEYWORDS = (*String.KEYWORDS, "format")

    def __init__(self, node_class: Any) -> None:
        super().__init__(node_class)
        self._all_timestamps = True

    def add_schema(self, schema: dict[str, Any]) -> None:
        super().add_schema(schema)
        if schema.get("format") != "date-time":
            self._all_timestamps = False

    def add_object(self, obj: str) -> None:
        super().add_object(obj)
        if self._all_timestamps and not is_timestamp(obj):
            self._all_timestamps = False

    def to_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = super().to_schema()
        if self._all_timestamps:
            schema["format"] = "date-time"
        return schema


class DetailSchemaBuilder(SchemaBuilder):  # type: ignore[misc]
    """A genson builder for event details; feed it with ``add_object(detail)``."""

    EXTRA_STRATEGIES = (_TimestampAwareString,)

    def __init__(self) -> None:
        super().__init__(schema_uri=None)

    def detail_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = self.to_schema()
        return schema


def event_kind(event: Mapping[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """(source, detail-type, detail) of an EventBridge event; InferenceError if it is none."""
    source = event.get("source")
    detail_type = event.get("detail-type")
    detail = event.get("detail")
    if not isinstance(source, str) or not source:
        raise InferenceError("An event has no 'source' string.")
    if not isinstance(detail_type, str):
        raise InferenceError("An event has no 'detail-type' string.")
    if not isinstance(detail, dict):
        raise InferenceError("An event has no 'detail' object.")
    return source, detail_type, detail


def _depth(value: Any) -> int:
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        if isinstance(item, dict):
            stack.extend((sub, depth + 1) for sub in item.values())
        elif isinstance(item, list):
            stack.extend((sub, depth + 1) for sub in item)
    return deepest


def infer_openapi(events: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The OpenAPI 3 schema of events sharing one source and detail-type."""
    if not events:
        raise InferenceError("At least one event is needed to infer a schema.")
    kinds = [event_kind(event) for event in events]
    source, detail_type, _ = kinds[0]
    for other_source, other_type, _ in kinds[1:]:
        if (other_source, other_type) != (source, detail_type):
            raise InferenceError(
                "All events must have the same source and detail-type to share a schema; "
                f"got ({source!r}, {detail_type!r}) and ({other_source!r}, {other_type!r})."
            )
    builder = DetailSchemaBuilder()
    for _, _, detail in kinds:
        if _depth(detail) > MAX_DEPTH:
            raise InferenceError(f"An event's detail is nested more than {MAX_DEPTH} levels.")
        builder.add_object(detail)
    return openapi_from_detail(source, detail_type, builder.detail_schema())


def openapi_from_detail(
    source: str, detail_type: str, detail_schema: Mapping[str, Any]
) -> dict[str, Any]:
    """Render a JSON Schema of the detail (as genson builds it) as an AWS event schema."""
    renderer = _Renderer()
    detail_name = renderer.claim(component_name(detail_type), parent=None)
    renderer.render_object(detail_schema, detail_name)
    return event_document(source, detail_type, detail_name, renderer.sorted_components())


class _Renderer:
    """Turns genson's JSON Schema into OpenAPI 3.0 schema objects and named components."""

    def __init__(self) -> None:
        self.components: dict[str, dict[str, Any]] = {}
        self._taken = {ENVELOPE_COMPONENT}

    def sorted_components(self) -> dict[str, Any]:
        return {name: self.components[name] for name in sorted(self.components)}

    def claim(self, name: str, parent: str | None) -> str:
        if name not in self._taken:
            self._taken.add(name)
            return name
        base = f"{parent}{name}" if parent else name
        candidate, counter = base, 2
        while candidate in self._taken:
            candidate, counter = f"{base}{counter}", counter + 1
        self._taken.add(candidate)
        return candidate

    def render_object(self, schema: Mapping[str, Any], name: str) -> None:
        """Store ``schema`` (an object, or nothing known) as the component ``name``."""
        component: dict[str, Any] = {"type": "object"}
        required = sorted(schema.get("required") or ())
        if required:
            component["required"] = required
        properties = schema.get("properties") or {}
        # Reserve the name first so nested components cannot take it.
        self.components[name] = component
        if properties:
            component["properties"] = {
                key: self.render(properties[key], pascal_name(key) or "Property", name)
                for key in sorted(properties)
            }

    def render(self, schema: Mapping[str, Any], hint: str, parent: str) -> dict[str, Any]:
        alternatives = _alternatives(schema)
        nullable = any(alt.get("type") == "null" for alt in alternatives)
        rest = [alt for alt in alternatives if alt.get("type") != "null"]
        if not rest:
            rendered: dict[str, Any] = {}
        elif len(rest) == 1:
            rendered = self._render_one(rest[0], hint, parent)
        elif {alt.get("type") for alt in rest} <= {"integer", "number"}:
            rendered = {"type": "number"}
        else:
            rendered = {
                "anyOf": [
                    self._render_one(alt, hint, parent)
                    for alt in sorted(rest, key=lambda a: str(a.get("type")))
                ]
            }
        if nullable and rendered:
            rendered["nullable"] = True
        return rendered

    def _render_one(self, schema: Mapping[str, Any], hint: str, parent: str) -> dict[str, Any]:
        kind = schema.get("type")
        if kind == "object":
            if not schema.get("properties"):
                return {"type": "object"}
            name = self.claim(component_name(hint, fallback="Object"), parent)
            self.render_object(schema, name)
            return ref(name)
        if kind == "array":
            items = schema.get("items")
            return {
                "type": "array",
                "items": self.render(items, f"{hint}Item", parent) if items else {},
            }
        if kind in _SCALARS:
            rendered: dict[str, Any] = {"type": kind}
            if kind == "string" and schema.get("format") == "date-time":
                rendered["format"] = "date-time"
            return rendered
        return {}


def _alternatives(schema: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The single-type schemas a genson schema is the union of."""
    if "anyOf" in schema:
        return [alt for option in schema["anyOf"] for alt in _alternatives(option)]
    kind = schema.get("type")
    if isinstance(kind, list):
        others = {key: value for key, value in schema.items() if key != "type"}
        return [{**others, "type": each} for each in kind]
    return [schema] if kind is not None else []
