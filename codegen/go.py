"""Go bindings: structs with ``json`` tags, string types with constants for enums, an
``AWSEvent`` envelope and marshalling functions; standard library only, gofmt-formatted.

    <folder>/models.go       structs and enums (the main file)
    <folder>/aws_event.go    AWSEvent, whose Detail is the detail struct
    <folder>/marshaller.go   Marshal, Unmarshal, UnmarshalEvent

The folder is one package named like the folder; it has no go.mod, so it becomes a package of
the module it is dropped into. Optional and nullable scalars and structs are pointers, so an
absent field is told from a zero value; slices, maps and ``interface{}`` use nil.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from string import Template

from codegen.bindings import Bindings
from codegen.model import ClassDef, EnumDef, EventSchema, Field, Kind, TypeRef
from codegen.naming import comment_text, join_lines, unique, words

# Go's usual spelling of initialisms in identifiers (OrderID, not OrderId).
_INITIALISMS_TEXT = """
    acl api arn ascii cpu css dns eof guid html http https id ip json lhs qps ram rhs rpc sla
    smtp sql ssh tcp tls ttl udp ui uid uuid uri url utf8 vm xml xmpp xsrf xss
"""
_INITIALISMS = frozenset(_INITIALISMS_TEXT.split())

# Characters encoding/json accepts in a tag's key; any other makes it ignore the tag.
_TAG_PUNCTUATION = set("!#$%&()*+-./:;<=>?@[]^_{|}~ ")

_SCALARS = {
    Kind.STRING: "string",
    Kind.INTEGER: "int64",
    Kind.NUMBER: "float64",
    Kind.BOOLEAN: "bool",
    Kind.DATETIME: "time.Time",
}

_AWS_EVENT = Template(
    """\
// AWSEvent is the EventBridge envelope around a $detail detail.
type AWSEvent struct {
$fields
}
"""
)

_MARSHALLER = Template(
    """\
// Marshal returns the JSON encoding of an event or any part of one.
func Marshal(value interface{}) ([]byte, error) {
	return json.Marshal(value)
}

// Unmarshal parses JSON into an event or any part of one.
func Unmarshal(data []byte, value interface{}) error {
	return json.Unmarshal(data, value)
}

// UnmarshalEvent parses an EventBridge event whose detail is a $detail.
func UnmarshalEvent(data []byte) (AWSEvent, error) {
	var event AWSEvent
	err := json.Unmarshal(data, &event)
	return event, err
}
"""
)


@dataclass(frozen=True, slots=True)
class _Row:
    """A struct field line, or a comment line when ``name`` is empty."""

    name: str
    type: str = ""
    tag: str = ""
    comment: str = ""


def exported_name(text: str) -> str:
    parts = [word.upper() if word in _INITIALISMS else word.capitalize() for word in words(text)]
    name = "".join(parts) or "Field"
    return name if name[0].isalpha() else f"X{name}"


def string_literal(text: str) -> str:
    # A JSON string is a Go interpreted string literal once it stays UTF-8: Go rejects the
    # surrogate-pair escapes that ensure_ascii would write.
    return json.dumps(text, ensure_ascii=False)


def _valid_tag_key(key: str) -> bool:
    return bool(key) and all(c.isalnum() or c in _TAG_PUNCTUATION for c in key)


def _lines(rows: list[_Row]) -> list[str]:
    """Struct rows laid out as gofmt does: columns aligned within each run of fields that no
    comment line interrupts."""
    lines: list[str] = []
    run: list[_Row] = []

    def flush() -> None:
        name_width = max((len(row.name) for row in run), default=0)
        type_width = max((len(row.type) for row in run), default=0)
        for row in run:
            lines.append(f"\t{row.name.ljust(name_width)} {row.type.ljust(type_width)} {row.tag}")
        run.clear()

    for row in rows:
        if row.name:
            run.append(row)
        else:
            flush()
            lines.append(f"\t// {row.comment}")
    flush()
    return lines


class _Package:
    def __init__(self, schema: EventSchema) -> None:
        self.schema = schema
        self.classes = {class_def.name: class_def for class_def in schema.classes}
        # Package-level names: the types, then enum constants, all unique.
        self.taken = {"AWSEvent", "Marshal", "Unmarshal", "UnmarshalEvent"}
        self.taken.update(self.classes)
        self.taken.update(enum_def.name for enum_def in schema.enums)
        self.uses_time = False

    def _by_value(self, field: Field) -> str | None:
        """The struct a field holds by value, if it does."""
        if field.type.kind == Kind.OBJECT and field.required and not field.nullable:
            return field.type.ref_name
        return None

    def _reaches(self, start: str, goal: str) -> bool:
        """Whether ``start`` holds ``goal`` by value, directly or through other structs."""
        seen: set[str] = set()
        stack = [start]
        while stack:
            name = stack.pop()
            if name == goal:
                return True
            if name in seen:
                continue
            seen.add(name)
            stack.extend(
                held for f in self.classes[name].fields if (held := self._by_value(f)) is not None
            )
        return False

    def go_type(self, ref: TypeRef, pointer: bool) -> str:
        if ref.kind == Kind.DATETIME:
            self.uses_time = True
        match ref.kind:
            case Kind.ARRAY:
                return f"[]{self.go_type(ref.item_type, ref.item_nullable)}"
            case Kind.MAP:
                return f"map[string]{self.go_type(ref.item_type, ref.item_nullable)}"
            case Kind.ANY:
                return "interface{}"
            case Kind.OBJECT | Kind.ENUM:
                base = ref.ref_name
            case _:
                base = _SCALARS[ref.kind]
        return f"*{base}" if pointer else base

    def struct(self, class_def: ClassDef) -> list[str]:
        rows: list[_Row] = []
        names: set[str] = set()
        for field in class_def.fields:
            name = unique(exported_name(field.name), names)
            names.add(name)
            held = self._by_value(field)
            # A struct cannot hold itself by value: such a field becomes a pointer.
            recursive = held is not None and self._reaches(held, class_def.name)
            pointer = not field.required or field.nullable or recursive
            go_type = self.go_type(field.type, pointer)
            if field.description:
                rows.append(_Row("", comment=comment_text(field.description) or ""))
            if _valid_tag_key(field.json_key):
                omit = "" if field.required else ",omitempty"
                tag = f"`json:{json.dumps(field.json_key + omit, ensure_ascii=False)}`"
            else:
                rows.append(
                    _Row("", comment=f"encoding/json cannot name the key {field.json_key!r}")
                )
                tag = '`json:"-"`'
            rows.append(_Row(name, go_type, tag))
        lines = self._doc(class_def.name, class_def.description)
        if not rows:
            return [*lines, f"type {class_def.name} struct{{}}"]
        return [*lines, f"type {class_def.name} struct {{", *_lines(rows), "}"]

    def enum(self, enum_def: EnumDef) -> list[str]:
        constants: list[tuple[str, str]] = []
        for value in enum_def.values:
            name = unique(
                enum_def.name + (exported_name(value) if words(value) else "Empty"), self.taken
            )
            self.taken.add(name)
            constants.append((name, string_literal(value)))
        width = max(len(name) for name, _ in constants)
        lines = self._doc(enum_def.name, enum_def.description)
        lines += [
            f"type {enum_def.name} string",
            "",
            f"// The values of {enum_def.name}.",
            "const (",
        ]
        lines += [f"\t{name.ljust(width)} {enum_def.name} = {value}" for name, value in constants]
        return [*lines, ")"]

    @staticmethod
    def _doc(name: str, description: str | None) -> list[str]:
        text = comment_text(description)
        return [f"// {name}: {text}"] if text else []


def _aws_event(schema: EventSchema) -> str:
    rows = [
        _Row("Version", "string", '`json:"version"`'),
        _Row("ID", "string", '`json:"id"`'),
        _Row("DetailType", "string", '`json:"detail-type"`'),
        _Row("Source", "string", '`json:"source"`'),
        _Row("Account", "string", '`json:"account"`'),
        _Row("Time", "time.Time", '`json:"time"`'),
        _Row("Region", "string", '`json:"region"`'),
        _Row("Resources", "[]string", '`json:"resources"`'),
        _Row("ReplayName", "string", '`json:"replay-name,omitempty"`'),
        _Row("Detail", schema.detail, '`json:"detail"`'),
    ]
    return _AWS_EVENT.substitute(detail=schema.detail, fields="\n".join(_lines(rows)))


def _file(header: str, package: str, imports: list[str], body: list[str]) -> bytes:
    lines = [header, "", f"package {package}", ""]
    if len(imports) == 1:
        lines += [f'import "{imports[0]}"', ""]
    elif imports:
        lines += ["import (", *(f'\t"{name}"' for name in imports), ")", ""]
    return join_lines([*lines, *body])


def emit(schema: EventSchema, folder: str) -> Bindings:
    # "Code generated ... DO NOT EDIT." is the marker Go tools look for.
    header = (
        f"// Code generated by eventbus codegen from the schema {comment_text(schema.schema_name)}."
    )
    header += " DO NOT EDIT."
    package = _Package(schema)
    body: list[str] = []
    for class_def in schema.classes:
        body += [*package.struct(class_def), ""]
    for enum_def in schema.enums:
        body += [*package.enum(enum_def), ""]
    models = _file(header, folder, ["time"] if package.uses_time else [], body)
    files = {
        f"{folder}/models.go": models,
        f"{folder}/aws_event.go": _file(header, folder, ["time"], _aws_event(schema).splitlines()),
        f"{folder}/marshaller.go": _file(
            header,
            folder,
            ["encoding/json"],
            _MARSHALLER.substitute(detail=schema.detail).splitlines(),
        ),
    }
    return Bindings(files=files, main_file=f"{folder}/models.go")
