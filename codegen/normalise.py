"""From a schema document to the language-neutral ``EventSchema``.

Two inputs are read:

- OpenAPI 3 in EventBridge's form: ``components.schemas.AWSEvent`` carries
  ``x-amazon-events-source`` and ``x-amazon-events-detail-type``, and its ``detail`` property
  refers to the detail's component;
- JSON Schema Draft 4, describing the whole event when it has a ``detail`` property, or the
  detail alone when it has none.

Every object schema with properties becomes a named class (inline ones named after their key),
every string enum a named enum, and composition keywords are reduced to what code can express:
``nullable``/``["t", "null"]``/``anyOf`` with ``null`` make a field nullable, a single-branch
``allOf`` is its branch, object branches of ``allOf`` are merged, other unions are ``ANY``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from codegen.errors import InvalidSchemaError
from codegen.model import (
    ANY,
    ClassDef,
    EnumDef,
    EventSchema,
    Field,
    Kind,
    TypeRef,
)
from codegen.naming import pascal, snake, starts_with_digit, type_name, unique

_RESERVED_TYPE_NAMES = """
    AWSEvent Marshaller Marshal Unmarshal UnmarshalEvent Model None True False

    Object String Integer Long Double Float Boolean Number Character Byte Short Void Class
    Enum Math System Override Deprecated SuppressWarnings Exception RuntimeException
    Iterable Date List Map Objects Arrays TimeZone IOException InputStream OutputStream
    JsonProperty JsonValue JsonCreator JsonAutoDetect JsonInclude JsonGenerator Visibility
    ObjectMapper JavaType DeserializationFeature SerializationFeature StdDateFormat

    Array Record Partial Readonly Promise Symbol Function JSON Error TypeError Unknown

    BaseModel Field ConfigDict RootModel Generic TypeVar Any Optional AwareDatetime
    Datetime Annotated Literal Union Mapping
"""
# Names the emitters use for their own types (ours; Java's java.lang, java.util, java.io and
# Jackson; TypeScript's globals; what the Python modules import), compared in lowercase because
# Java writes one file per class and file systems may ignore case.
RESERVED_TYPE_NAMES = frozenset(name.lower() for name in _RESERVED_TYPE_NAMES.split())

_OBJECT_KEYWORDS = ("properties", "additionalProperties")


@dataclass(slots=True)
class _Pending:
    name: str
    schema: Mapping[str, Any]
    pointer: str


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def _child(pointer: str, *segments: str | int) -> str:
    return pointer + "".join(f"/{_escape(str(segment))}" for segment in segments)


def _is_null_schema(schema: Any) -> bool:
    return isinstance(schema, Mapping) and schema.get("type") == "null" and len(schema) == 1


def _string_constant(schema: Any) -> str | None:
    """The one string a property may take (``const`` or a one-value ``enum``), if any."""
    if not isinstance(schema, Mapping):
        return None
    if isinstance(schema.get("const"), str):
        return str(schema["const"])
    values = schema.get("enum")
    if isinstance(values, list) and len(values) == 1 and isinstance(values[0], str):
        return values[0]
    return None


class _Normaliser:
    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.taken: set[str] = set(RESERVED_TYPE_NAMES)
        self.class_by_pointer: dict[str, str] = {}
        self.enum_by_pointer: dict[str, str] = {}
        self.enum_by_hint: dict[tuple[str, tuple[str, ...]], str] = {}
        self.enums: list[EnumDef] = []
        self.pending: deque[_Pending] = deque()
        self.classes: list[ClassDef] = []
        self.resolving: set[str] = set()
        # Named components keep their names: inline types are named around them.
        self.component_names: set[str] = set()
        for container in (_components(document), document.get("definitions")):
            if isinstance(container, Mapping):
                self.component_names.update(type_name(str(key)).lower() for key in container)

    # -- names ---------------------------------------------------------------------------------

    def claim(self, preferred: str, parent: str | None = None) -> str:
        """A type name not used yet: ``preferred``, else prefixed by its parent, else numbered."""
        base = preferred or "Object"
        if starts_with_digit(base):
            base = f"Type{base}"
        if base.lower() in RESERVED_TYPE_NAMES:
            base = f"{base}Type"
        candidates = [base] if parent is None else [base, f"{parent}{base}"]
        avoid = self.taken if parent is None else self.taken | self.component_names
        for candidate in candidates:
            if candidate.lower() not in avoid:
                self.taken.add(candidate.lower())
                return candidate
        lowered = unique(base.lower(), self.taken)
        name = base + lowered[len(base) :]
        self.taken.add(lowered)
        return name

    # -- references ----------------------------------------------------------------------------

    def resolve(self, ref: Any, pointer: str) -> tuple[str, Any]:
        if not isinstance(ref, str):
            raise InvalidSchemaError(f"{pointer}: $ref must be a string")
        if not ref.startswith("#"):
            raise InvalidSchemaError(
                f"{pointer}: $ref {ref!r} points outside the document; only local references "
                "(#/components/schemas/... or #/definitions/...) are supported"
            )
        node: Any = self.document
        segments = [
            unquote(part).replace("~1", "/").replace("~0", "~") for part in ref[1:].split("/")[1:]
        ]
        for segment in segments:
            if isinstance(node, Mapping) and segment in node:
                node = node[segment]
            elif isinstance(node, list) and segment.isdigit() and int(segment) < len(node):
                node = node[int(segment)]
            else:
                raise InvalidSchemaError(f"{pointer}: $ref {ref!r} does not resolve")
        return _child("#", *segments), node

    def follow(self, schema: Any, pointer: str) -> tuple[str, Any]:
        """Through ``$ref`` and single-branch ``allOf`` to the schema that holds the content."""
        seen: set[str] = set()
        while isinstance(schema, Mapping):
            if "$ref" in schema:
                pointer, schema = self.resolve(schema["$ref"], pointer)
                if pointer in seen:
                    raise InvalidSchemaError(f"{pointer}: $ref cycle with no object in between")
                seen.add(pointer)
            elif isinstance(schema.get("allOf"), list) and len(schema["allOf"]) == 1:
                pointer, schema = _child(pointer, "allOf", 0), schema["allOf"][0]
            else:
                break
        return pointer, schema

    # -- types ---------------------------------------------------------------------------------

    def type_of(
        self, schema: Any, pointer: str, hint: str, parent: str | None
    ) -> tuple[TypeRef, bool]:
        """The type of a schema and whether it admits null."""
        if schema is True or schema == {}:
            return ANY, False
        if not isinstance(schema, Mapping):
            raise InvalidSchemaError(f"{pointer}: a schema must be an object, not {schema!r}")
        nullable = schema.get("nullable") is True or schema.get("x-nullable") is True
        if "$ref" in schema:
            target_pointer, target = self.resolve(schema["$ref"], pointer)
            if target_pointer in self.resolving:
                raise InvalidSchemaError(f"{pointer}: $ref cycle with no object in between")
            self.resolving.add(target_pointer)
            try:
                segment = target_pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
                found, found_nullable = self.type_of(
                    target, target_pointer, type_name(segment) or hint, None
                )
            finally:
                self.resolving.discard(target_pointer)
            return found, nullable or found_nullable
        for keyword in ("anyOf", "oneOf"):
            if keyword in schema:
                variants = schema[keyword]
                return self._union(variants, _child(pointer, keyword), hint, parent, nullable)
        if "allOf" in schema:
            return self._all_of(schema, pointer, hint, parent, nullable)
        return self._typed(schema, pointer, hint, parent, nullable)

    def _union(
        self, variants: Any, pointer: str, hint: str, parent: str | None, nullable: bool
    ) -> tuple[TypeRef, bool]:
        if not isinstance(variants, list) or not variants:
            raise InvalidSchemaError(f"{pointer}: must be a non-empty list of schemas")
        indexed = [(i, v) for i, v in enumerate(variants) if not _is_null_schema(v)]
        nullable = nullable or len(indexed) < len(variants)
        if len(indexed) == 1:
            index, variant = indexed[0]
            found, found_nullable = self.type_of(variant, _child(pointer, index), hint, parent)
            return found, nullable or found_nullable
        return ANY, nullable

    def _all_of(
        self, schema: Mapping[str, Any], pointer: str, hint: str, parent: str | None, nullable: bool
    ) -> tuple[TypeRef, bool]:
        parts = schema["allOf"]
        if not isinstance(parts, list) or not parts:
            raise InvalidSchemaError(f"{pointer}/allOf: must be a non-empty list of schemas")
        if len(parts) == 1:
            only = _child(pointer, "allOf", 0)
            found, found_nullable = self.type_of(parts[0], only, hint, parent)
            return found, nullable or found_nullable
        properties: dict[str, Any] = {}
        required: list[str] = []
        for index, part in enumerate(parts):
            _, resolved = self.follow(part, _child(pointer, "allOf", index))
            if not isinstance(resolved, Mapping) or not (
                "properties" in resolved or resolved.get("type") == "object"
            ):
                return ANY, nullable
            properties.update(resolved.get("properties") or {})
            required.extend(resolved.get("required") or [])
        properties.update(schema.get("properties") or {})
        required.extend(schema.get("required") or [])
        merged = {"type": "object", "properties": properties, "required": required}
        return self.object_class(merged, pointer, hint, parent), nullable

    def _typed(
        self, schema: Mapping[str, Any], pointer: str, hint: str, parent: str | None, nullable: bool
    ) -> tuple[TypeRef, bool]:
        declared = schema.get("type")
        if isinstance(declared, list):
            nullable = nullable or "null" in declared
            others = [t for t in declared if t != "null"]
            if len(others) > 1:
                return ANY, nullable
            declared = others[0] if others else "null"
        values = schema.get("enum")
        if isinstance(values, list):
            nullable = nullable or None in values
            values = [v for v in values if v is not None]
        if declared is None:
            declared = self._infer_type(schema, values)
        if declared == "string" and values and all(isinstance(v, str) for v in values):
            return self.enum(tuple(values), schema, pointer, hint, parent), nullable
        match declared:
            case "string":
                kind = Kind.DATETIME if schema.get("format") == "date-time" else Kind.STRING
                return TypeRef(kind), nullable
            case "integer":
                return TypeRef(Kind.INTEGER), nullable
            case "number":
                return TypeRef(Kind.NUMBER), nullable
            case "boolean":
                return TypeRef(Kind.BOOLEAN), nullable
            case "null" | "any":
                return ANY, True if declared == "null" else nullable
            case "array":
                return self._array(schema, pointer, hint, parent), nullable
            case "object":
                return self._object(schema, pointer, hint, parent), nullable
        raise InvalidSchemaError(f"{pointer}: unknown type {declared!r}")

    @staticmethod
    def _infer_type(schema: Mapping[str, Any], values: Any) -> str:
        if any(keyword in schema for keyword in _OBJECT_KEYWORDS):
            return "object"
        if "items" in schema:
            return "array"
        if values:
            if all(isinstance(v, str) for v in values):
                return "string"
            if all(isinstance(v, bool) for v in values):
                return "boolean"
            if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                return "integer"
            if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
                return "number"
        return "any"

    def _array(
        self, schema: Mapping[str, Any], pointer: str, hint: str, parent: str | None
    ) -> TypeRef:
        items = schema.get("items")
        if not isinstance(items, Mapping):  # absent, or a tuple of positional schemas
            return TypeRef(Kind.ARRAY, item=ANY)
        item, item_nullable = self.type_of(items, _child(pointer, "items"), _singular(hint), parent)
        return TypeRef(Kind.ARRAY, item=item, item_nullable=item_nullable)

    def _object(
        self, schema: Mapping[str, Any], pointer: str, hint: str, parent: str | None
    ) -> TypeRef:
        if "properties" in schema:
            return self.object_class(schema, pointer, hint, parent)
        extra = schema.get("additionalProperties")
        if isinstance(extra, Mapping) and extra:
            value, value_nullable = self.type_of(
                extra, _child(pointer, "additionalProperties"), f"{hint}Value", parent
            )
            return TypeRef(Kind.MAP, item=value, item_nullable=value_nullable)
        return TypeRef(Kind.MAP, item=ANY)

    def object_class(
        self, schema: Mapping[str, Any], pointer: str, hint: str, parent: str | None
    ) -> TypeRef:
        name = self.class_by_pointer.get(pointer)
        if name is None:
            name = self.claim(hint, parent)
            self.class_by_pointer[pointer] = name
            self.pending.append(_Pending(name, schema, pointer))
        return TypeRef(Kind.OBJECT, name=name)

    def enum(
        self,
        values: tuple[str, ...],
        schema: Mapping[str, Any],
        pointer: str,
        hint: str,
        parent: str | None,
    ) -> TypeRef:
        # One enum per component; inline enums of the same name and values share one type.
        name = self.enum_by_pointer.get(pointer) or self.enum_by_hint.get((hint, values))
        if name is None:
            name = self.claim(hint, parent)
            description = schema.get("description")
            self.enums.append(
                EnumDef(name, tuple(dict.fromkeys(values)), _text(description)),
            )
            self.enum_by_hint.setdefault((hint, values), name)
        self.enum_by_pointer[pointer] = name
        return TypeRef(Kind.ENUM, name=name)

    # -- classes -------------------------------------------------------------------------------

    def build_classes(self) -> None:
        while self.pending:
            item = self.pending.popleft()
            self.classes.append(self._class(item))

    def _class(self, item: _Pending) -> ClassDef:
        properties = item.schema.get("properties") or {}
        if not isinstance(properties, Mapping):
            raise InvalidSchemaError(f"{item.pointer}/properties: must be an object")
        required = item.schema.get("required") or []
        if not isinstance(required, list) or not all(isinstance(k, str) for k in required):
            raise InvalidSchemaError(f"{item.pointer}/required: must be a list of strings")
        fields: list[Field] = []
        names: set[str] = set()
        for key, sub in properties.items():
            base = snake(key) or "field"
            if starts_with_digit(base):
                base = f"field_{base}"
            name = unique(base, names, "_")
            names.add(name)
            sub_pointer = _child(item.pointer, "properties", key)
            field_type, nullable = self.type_of(sub, sub_pointer, pascal(key), item.name)
            description = sub.get("description") if isinstance(sub, Mapping) else None
            fields.append(
                Field(name, key, field_type, key in required, nullable, _text(description))
            )
        return ClassDef(item.name, tuple(fields), _text(item.schema.get("description")))


def _singular(name: str) -> str:
    """A name for the elements of an array named ``name``: ``LineItems`` → ``LineItem``."""
    if name.endswith("ies") and len(name) > 3:
        return f"{name[:-3]}y"
    if name.endswith(("sses", "xes", "shes", "ches")):
        return name[:-2]
    if name.endswith("s") and not name.endswith("ss") and len(name) > 1:
        return name[:-1]
    return f"{name}Item"


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def normalise(document: Mapping[str, Any], *, schema_name: str) -> EventSchema:
    """The ``EventSchema`` of an OpenAPI 3 or JSON Schema Draft 4 document."""
    if not isinstance(document, Mapping):
        raise InvalidSchemaError("the schema document must be a JSON object")
    if "swagger" in document:
        raise InvalidSchemaError("Swagger 2 documents are not supported: use OpenAPI 3")
    normaliser = _Normaliser(document)
    if "openapi" in document or "components" in document:
        source, detail_type, detail, detail_pointer, title = _openapi_detail(document)
    else:
        source, detail_type, detail, detail_pointer, title = _json_schema_detail(document)
    fallback_source, _, fallback_detail_type = schema_name.partition("@")
    if not source and fallback_detail_type:
        source = fallback_source
    detail_type = detail_type or fallback_detail_type or title or schema_name

    pointer, resolved = normaliser.follow(detail, detail_pointer)
    declared = resolved.get("type", "object") if isinstance(resolved, Mapping) else None
    if declared != "object" and not (isinstance(declared, list) and "object" in declared):
        raise InvalidSchemaError(f"{pointer}: the event's detail must be an object schema")
    if pointer != detail_pointer:  # a named component: keep its name
        preferred = type_name(pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~"))
    else:
        preferred = type_name(title) if title else pascal(detail_type)
    detail_ref = normaliser.object_class(resolved, pointer, preferred or "Detail", None)
    normaliser.build_classes()
    return EventSchema(
        schema_name=schema_name,
        source=source,
        detail_type=detail_type,
        detail=detail_ref.ref_name,
        classes=tuple(normaliser.classes),
        enums=tuple(normaliser.enums),
    )


def _components(document: Mapping[str, Any]) -> Any:
    components = document.get("components")
    return components.get("schemas") if isinstance(components, Mapping) else None


def _openapi_detail(document: Mapping[str, Any]) -> tuple[str, str, Any, str, str]:
    schemas = _components(document)
    if not isinstance(schemas, Mapping):
        raise InvalidSchemaError("the OpenAPI document has no components.schemas")
    event = schemas.get("AWSEvent")
    if not isinstance(event, Mapping):
        raise InvalidSchemaError(
            "the OpenAPI document has no components.schemas.AWSEvent describing the event"
        )
    properties = event.get("properties")
    if not isinstance(properties, Mapping) or "detail" not in properties:
        raise InvalidSchemaError("components.schemas.AWSEvent has no detail property")
    source = event.get("x-amazon-events-source")
    detail_type = event.get("x-amazon-events-detail-type")
    source = source if isinstance(source, str) else _string_constant(properties.get("source"))
    if not isinstance(detail_type, str):
        detail_type = _string_constant(properties.get("detail-type"))
    return (
        source or "",
        detail_type or "",
        properties["detail"],
        "#/components/schemas/AWSEvent/properties/detail",
        "",
    )


def _json_schema_detail(document: Mapping[str, Any]) -> tuple[str, str, Any, str, str]:
    properties = document.get("properties")
    title = document.get("title")
    title = title if isinstance(title, str) else ""
    if isinstance(properties, Mapping) and "detail" in properties:
        source = document.get("x-amazon-events-source")
        detail_type = document.get("x-amazon-events-detail-type")
        source = source if isinstance(source, str) else _string_constant(properties.get("source"))
        if not isinstance(detail_type, str):
            detail_type = _string_constant(properties.get("detail-type"))
        detail = properties["detail"]
        return source or "", detail_type or "", detail, "#/properties/detail", ""
    return "", "", document, "#", title
