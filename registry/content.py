"""Checking schema content: valid JSON, and a valid document of its declared type.

* ``JSONSchemaDraft4``: the document must satisfy the Draft 4 metaschema.
* ``OpenApi3``: ``openapi`` is ``3.x``, ``info`` has a ``title`` and a ``version``,
  ``paths`` is an object, and every entry of ``components.schemas`` is a valid schema
  object (checked against the Draft 4 metaschema for OpenAPI 3.0, whose schema objects
  are an extended subset of Draft 4, and against Draft 2020-12 for OpenAPI 3.1).

In both, every local ``$ref`` must resolve, so that code generation and export never meet
a dangling reference later. Every error is a ``BadRequestError`` naming the JSON path of
the offending member, e.g. ``$.components.schemas.Order.properties.total.type``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft4Validator, Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError

from registry.errors import BadRequestError
from registry.models import SchemaType

#: Deeper documents are refused before any recursive check runs (our limit: real event
#: schemas nest a few levels; the cap keeps validators clear of Python's recursion limit).
MAX_DEPTH = 100

_OPENAPI_VERSION = re.compile(r"3\.(?P<minor>\d+)(\.\d+)?(-[\w.]+)?")
_DRAFT4_IDS = frozenset(
    {
        "http://json-schema.org/draft-04/schema",
        "http://json-schema.org/draft-04/schema#",
        "https://json-schema.org/draft-04/schema",
        "https://json-schema.org/draft-04/schema#",
    }
)
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$-]*")


def json_path(parts: Iterator[str | int] | list[str | int] | tuple[str | int, ...]) -> str:
    """A JSONPath (``$.a.b[0]['odd key']``) from the keys and indexes leading to a value."""
    path = "$"
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif _IDENTIFIER.fullmatch(part):
            path += f".{part}"
        else:
            path += "[" + json.dumps(part) + "]"
    return path


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def parse_document(content: str, what: str = "Content") -> dict[str, Any]:
    """The JSON object ``content`` holds; BadRequest when it is not one."""
    try:
        document = json.loads(content, parse_constant=_reject_constant)
    except (json.JSONDecodeError, ValueError) as error:
        raise BadRequestError(f"{what} is not valid JSON: {error}.") from None
    if not isinstance(document, dict):
        kind = {list: "an array", str: "a string", bool: "a boolean"}.get(
            type(document), "null" if document is None else "a number"
        )
        raise BadRequestError(f"{what} must be a JSON object, got {kind}.")
    _check_depth(document, what)
    return document


def _check_depth(document: Any, what: str) -> None:
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadRequestError(f"{what} is nested more than {MAX_DEPTH} levels deep.")
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def canonical(document: Any) -> str:
    """One text per JSON value, whatever the key order and whitespace it came with."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(document: Any, schema_type: SchemaType) -> str:
    return hashlib.sha256(f"{schema_type}\n{canonical(document)}".encode()).hexdigest()


def validate_content(content: str, schema_type: SchemaType) -> dict[str, Any]:
    """Parse and check schema content; returns the parsed document."""
    document = parse_document(content)
    if schema_type is SchemaType.OPENAPI3:
        _check_openapi(document)
    else:
        _check_draft4(document)
    _check_local_refs(document, schema_type)
    return document


def _fail(path: str, message: str, schema_type: SchemaType) -> BadRequestError:
    kind = "an OpenAPI 3" if schema_type is SchemaType.OPENAPI3 else "a JSON Schema Draft 4"
    return BadRequestError(f"Content is not {kind} document: at {path}: {message}")


def _check_draft4(document: dict[str, Any]) -> None:
    declared = document.get("$schema")
    if declared is not None and declared not in _DRAFT4_IDS:
        hint = " (use Type OpenApi3 for it)" if "openapi" in document else ""
        raise _fail(
            "$['$schema']",
            f"declares {declared!r}, but Type JSONSchemaDraft4 needs "
            f"'http://json-schema.org/draft-04/schema#' or no $schema{hint}.",
            SchemaType.JSONSCHEMA_DRAFT4,
        )
    if "openapi" in document and "$schema" not in document:
        raise _fail(
            "$.openapi",
            "this is an OpenAPI document; create it with Type OpenApi3.",
            SchemaType.JSONSCHEMA_DRAFT4,
        )
    _check_schema(Draft4Validator, document, (), SchemaType.JSONSCHEMA_DRAFT4)


def _check_schema(
    validator: type[Draft4Validator] | type[Draft202012Validator],
    schema: Any,
    prefix: tuple[str | int, ...],
    schema_type: SchemaType,
) -> None:
    try:
        validator.check_schema(schema)
    except SchemaError as error:
        # For "none of anyOf matched" the deepest branch error names the real mistake
        # (e.g. the bad value of a "type" rather than the whole schema holding it).
        found: SchemaError | ValidationError = error
        while found.context:
            found = max(found.context, key=lambda sub: len(sub.absolute_path))
        path = json_path((*prefix, *found.absolute_path))
        raise _fail(path, found.message, schema_type) from None
    except RecursionError:
        raise _fail(json_path(prefix), "the schema is nested too deeply.", schema_type) from None


def _check_openapi(document: dict[str, Any]) -> None:
    openapi = SchemaType.OPENAPI3
    version = document.get("openapi")
    if version is None:
        hint = (
            " (this looks like a JSON Schema document: use Type JSONSchemaDraft4)"
            if "$schema" in document or "type" in document
            else ""
        )
        raise _fail("$.openapi", f"the member 'openapi' is required{hint}.", openapi)
    match = _OPENAPI_VERSION.fullmatch(version) if isinstance(version, str) else None
    if match is None:
        raise _fail("$.openapi", f"expected a version string 3.x.y, got {version!r}.", openapi)
    info = document.get("info")
    if not isinstance(info, dict):
        raise _fail("$.info", "the member 'info' is required and must be an object.", openapi)
    for member in ("title", "version"):
        if not isinstance(info.get(member), str):
            raise _fail(
                f"$.info.{member}", f"info.{member} is required and must be a string.", openapi
            )
    minor = int(match["minor"])
    paths = document.get("paths")
    if paths is None and minor == 0:
        raise _fail("$.paths", "the member 'paths' is required (it may be {}).", openapi)
    if paths is not None and not isinstance(paths, dict):
        raise _fail("$.paths", "paths must be an object.", openapi)
    components = document.get("components")
    if not isinstance(components, dict):
        raise _fail(
            "$.components", "the member 'components' is required and must be an object.", openapi
        )
    schemas = components.get("schemas")
    if not isinstance(schemas, dict):
        raise _fail(
            "$.components.schemas",
            "the member 'components.schemas' is required and must be an object.",
            openapi,
        )
    validator = Draft4Validator if minor == 0 else Draft202012Validator
    for name, schema in schemas.items():
        prefix: tuple[str | int, ...] = ("components", "schemas", name)
        if not isinstance(schema, dict):
            raise _fail(json_path(prefix), "a schema object must be a JSON object.", openapi)
        _check_schema(validator, schema, prefix, openapi)


def _walk_refs(document: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str):
                yield (*path, "$ref"), ref
            stack.extend(((*path, key), item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, index), item) for index, item in enumerate(value))


def resolve_pointer(document: Any, pointer: str) -> Any:
    """The value a local reference (``#/a/b``) names; KeyError when there is none."""
    if pointer in ("#", "#/"):
        return document
    if not pointer.startswith("#/"):
        raise KeyError(pointer)
    value = document
    for raw in pointer[2:].split("/"):
        token = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict) and token in value:
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            raise KeyError(pointer)
    return value


def _check_local_refs(document: dict[str, Any], schema_type: SchemaType) -> None:
    # Sorted so that the error names the same reference every time.
    for path, ref in sorted(_walk_refs(document), key=lambda item: json_path(item[0])):
        if not ref.startswith("#"):
            continue
        try:
            resolve_pointer(document, ref)
        except KeyError:
            raise _fail(
                json_path(path), f"the reference {ref!r} does not resolve.", schema_type
            ) from None
