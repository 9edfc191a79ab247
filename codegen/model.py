"""The language-neutral model of an event schema that all four emitters read.

``codegen.normalise`` builds it from OpenAPI 3 or JSON Schema Draft 4; it holds only what code
needs: named classes with typed fields, named string enums, and where the detail is. The
EventBridge envelope itself is not in the model: each emitter writes its own ``AWSEvent``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATETIME = "date-time"
    OBJECT = "object"  # a named ClassDef
    ENUM = "enum"  # a named EnumDef
    ARRAY = "array"
    MAP = "map"  # an object with arbitrary keys and values of one type
    ANY = "any"  # anything JSON: unions, free-form values


@dataclass(frozen=True, slots=True)
class TypeRef:
    kind: Kind
    name: str | None = None  # the ClassDef or EnumDef of an OBJECT or ENUM
    item: TypeRef | None = None  # the element of an ARRAY, the value of a MAP
    item_nullable: bool = False

    @property
    def item_type(self) -> TypeRef:
        """The element or value type of an ARRAY or MAP."""
        if self.item is None:
            raise ValueError(f"a {self.kind} type has no item type")
        return self.item

    @property
    def ref_name(self) -> str:
        """The class or enum name of an OBJECT or ENUM."""
        if self.name is None:
            raise ValueError(f"a {self.kind} type names no class or enum")
        return self.name


STRING = TypeRef(Kind.STRING)
ANY = TypeRef(Kind.ANY)


@dataclass(frozen=True, slots=True)
class Field:
    name: str  # snake_case ASCII, unique in its class; emitters recase it and escape keywords
    json_key: str
    type: TypeRef
    required: bool
    nullable: bool
    description: str | None = None


@dataclass(frozen=True, slots=True)
class ClassDef:
    name: str  # PascalCase ASCII, unique among the classes and enums of the schema
    fields: tuple[Field, ...]
    description: str | None = None


@dataclass(frozen=True, slots=True)
class EnumDef:
    name: str
    values: tuple[str, ...]
    description: str | None = None


@dataclass(frozen=True, slots=True)
class EventSchema:
    schema_name: str
    source: str
    detail_type: str
    detail: str  # the ClassDef of the event's detail
    classes: tuple[ClassDef, ...]  # the detail first, then in the order they were reached
    enums: tuple[EnumDef, ...]

    def class_named(self, name: str) -> ClassDef:
        for class_def in self.classes:
            if class_def.name == name:
                return class_def
        raise KeyError(name)

    @property
    def detail_class(self) -> ClassDef:
        return self.class_named(self.detail)
