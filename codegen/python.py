"""Python bindings: pydantic v2 models written by datamodel-code-generator, a generic
``AWSEvent`` envelope and a ``Marshaller``. The generated package depends only on pydantic.

The model is handed to datamodel-code-generator as a JSON Schema rebuilt from the normalised
``EventSchema``, with every field's Python name pinned by a scoped alias, so class and field
names match the other languages' bindings wherever Python allows them.
"""

from __future__ import annotations

import ast
import functools
import keyword
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from pydantic import BaseModel

from codegen.bindings import Bindings
from codegen.errors import InvalidSchemaError
from codegen.model import EventSchema, Field, Kind, TypeRef
from codegen.naming import comment_text, join_lines, unique

# Attribute names a field must not take on a pydantic model (``schema``, ``json``, ``copy``...).
_MODEL_ATTRIBUTES = frozenset(name for name in dir(BaseModel) if not name.startswith("_"))

# datamodel-code-generator's thread safety is not documented; generation is short, so one at
# a time is cheap insurance for a server that generates from worker threads.
_LOCK = threading.Lock()


@functools.cache
def _datamodel_codegen() -> SimpleNamespace:
    # Imported here and kept: import and first generation cost about a second, every later
    # call tens of milliseconds, and most processes never generate Python at all.
    import datamodel_code_generator as dcg
    from datamodel_code_generator.enums import DataModelType, InputFileType
    from datamodel_code_generator.format import DatetimeClassType, Formatter, PythonVersion

    return SimpleNamespace(
        generate=dcg.generate,
        options={
            "input_file_type": InputFileType.JsonSchema,
            "output_model_type": DataModelType.PydanticV2BaseModel,
            "target_python_version": PythonVersion.PY_310,
            # The builtin formatter is about twice as fast as black + isort. Pinning the line
            # length and the settings path keeps the output independent of the cwd's
            # pyproject.toml.
            "formatters": [Formatter.BUILTIN],
            "builtin_format_line_length": 88,
            "settings_path": Path(__file__).parent,
            "output_datetime_class": DatetimeClassType.Datetime,
            "disable_timestamp": True,
            "use_double_quotes": True,
            "use_subclass_enum": True,
            "capitalise_enum_members": True,
            "allow_population_by_field_name": True,
            "use_schema_description": True,
            "use_field_description": True,
        },
    )


def warm_up() -> None:
    """Load datamodel-code-generator and run it once, so the next generation is fast."""
    _run({"definitions": {"Warm": {"type": "object", "properties": {}}}}, {}, "# warm-up")


def _run(json_schema: dict[str, Any], aliases: dict[str, str], header: str) -> str:
    dcg = _datamodel_codegen()
    with _LOCK:
        try:
            code = dcg.generate(
                json_schema, aliases=aliases, custom_file_header=header, **dcg.options
            )
        except Exception as error:  # its errors share no base class worth naming
            raise InvalidSchemaError(f"Python models could not be generated: {error}") from error
    if not isinstance(code, str):
        raise InvalidSchemaError("datamodel-code-generator returned no single module")
    return code


def field_name(field: Field, taken: set[str]) -> str:
    """The Python attribute of a field: its snake_case name, clear of keywords and of the
    names pydantic's ``BaseModel`` already uses."""
    name = field.name
    if keyword.iskeyword(name) or name in _MODEL_ATTRIBUTES or name.startswith("model_"):
        name = f"{name}_"
    return unique(name, taken, "_")


def _json_type(ref: TypeRef, nullable: bool) -> dict[str, Any]:
    schema: dict[str, Any]
    match ref.kind:
        case Kind.STRING | Kind.INTEGER | Kind.NUMBER | Kind.BOOLEAN:
            schema = {"type": str(ref.kind)}
        case Kind.DATETIME:
            schema = {"type": "string", "format": "date-time"}
        case Kind.OBJECT | Kind.ENUM:
            schema = {"$ref": f"#/definitions/{ref.ref_name}"}
        case Kind.ARRAY:
            schema = {"type": "array", "items": _json_type(ref.item_type, ref.item_nullable)}
        case Kind.MAP:
            values = _json_type(ref.item_type, ref.item_nullable)
            schema = {"type": "object", "additionalProperties": values or True}
        case Kind.ANY:
            return {}
    return {"anyOf": [schema, {"type": "null"}]} if nullable else schema


def _json_schema(schema: EventSchema) -> tuple[dict[str, Any], dict[str, str]]:
    """The model as one JSON Schema, and the scoped aliases that pin every field's name."""
    definitions: dict[str, Any] = {}
    aliases: dict[str, str] = {}
    for class_def in schema.classes:
        properties: dict[str, Any] = {}
        taken: set[str] = set()
        for field in class_def.fields:
            name = field_name(field, taken)
            taken.add(name)
            if name != field.json_key:
                aliases[f"{class_def.name}.{field.json_key}"] = name
            properties[field.json_key] = _json_type(field.type, field.nullable)
            if field.description:
                properties[field.json_key]["description"] = field.description
        definition: dict[str, Any] = {
            "type": "object",
            "properties": properties,
            "required": [f.json_key for f in class_def.fields if f.required],
        }
        if class_def.description:
            definition["description"] = class_def.description
        definitions[class_def.name] = definition
    for enum_def in schema.enums:
        definitions[enum_def.name] = {"type": "string", "enum": list(enum_def.values)}
        if enum_def.description:
            definitions[enum_def.name]["description"] = enum_def.description
    root = {
        "title": schema.detail,
        "$ref": f"#/definitions/{schema.detail}",
        "definitions": definitions,
    }
    return root, aliases


def _docstring(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def _header(schema: EventSchema) -> str:
    name = comment_text(schema.schema_name)
    return f"# Generated by eventbus codegen from the schema {name}.\n# Do not edit."


def emit(schema: EventSchema, folder: str) -> Bindings:
    header = _header(schema)
    json_schema, aliases = _json_schema(schema)
    models = _run(json_schema, aliases, header)
    exported = sorted(
        node.name for node in ast.parse(models).body if isinstance(node, ast.ClassDef)
    )
    if schema.detail not in exported:
        raise InvalidSchemaError(f"the detail class {schema.detail} was not generated")
    files = {
        f"{folder}/__init__.py": _init(schema, folder, exported, header),
        f"{folder}/models.py": join_lines(models.splitlines()),
        f"{folder}/aws_event.py": _aws_event(header),
        f"{folder}/marshaller.py": _marshaller(header),
    }
    return Bindings(files=files, main_file=f"{folder}/models.py")


def _init(schema: EventSchema, folder: str, exported: list[str], header: str) -> bytes:
    about = _docstring(
        f"Typed bindings for the EventBridge schema {schema.schema_name!r}:\n"
        f"source {schema.source!r}, detail-type {schema.detail_type!r}."
    )
    names = sorted(["AWSEvent", "Marshaller", *exported])
    return join_lines(
        [
            header,
            f'"""{about}',
            "",
            f"from {folder} import AWSEvent, Marshaller, {schema.detail}",
            f"event = Marshaller.unmarshall(payload, AWSEvent[{schema.detail}])",
            '"""',
            "",
            "from .aws_event import AWSEvent",
            "from .marshaller import Marshaller",
            "from .models import (",
            *(f"    {name}," for name in exported),
            ")",
            "",
            "__all__ = [",
            *(f'    "{name}",' for name in names),
            "]",
        ]
    )


def _aws_event(header: str) -> bytes:
    return join_lines([header, *_AWS_EVENT.splitlines()])


def _marshaller(header: str) -> bytes:
    return join_lines([header, *_MARSHALLER.splitlines()])


_AWS_EVENT = """\
\"""The EventBridge envelope around a typed detail: ``AWSEvent[Detail]``.\"""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

DetailT = TypeVar("DetailT")


class AWSEvent(BaseModel, Generic[DetailT]):
    model_config = ConfigDict(populate_by_name=True)

    version: str | None = None
    id: str | None = None
    detail_type: str | None = Field(default=None, alias="detail-type")
    source: str | None = None
    account: str | None = None
    time: datetime | None = None
    region: str | None = None
    resources: list[str] | None = None
    replay_name: str | None = Field(default=None, alias="replay-name")
    detail: DetailT
"""

_MARSHALLER = """\
\"""Typed models to JSON-ready dicts and back.\"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

ModelT = TypeVar("ModelT", bound=BaseModel)


class Marshaller:
    @staticmethod
    def marshall(obj: BaseModel) -> dict[str, Any]:
        \"""The JSON-ready dict of a model, keyed as on the wire. Fields never set stay
        absent, so an unmarshalled event marshalls back to the JSON it came from.\"""
        return obj.model_dump(mode="json", by_alias=True, exclude_unset=True)

    @staticmethod
    def unmarshall(data: Mapping[str, Any] | str | bytes, typ: type[ModelT]) -> ModelT:
        \"""A dict or JSON text parsed into ``typ``, e.g. ``AWSEvent[OrderPlaced]``.\"""
        if isinstance(data, (str, bytes)):
            return typ.model_validate_json(data)
        return typ.model_validate(data)
"""
