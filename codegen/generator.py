"""``generate``: a schema document and a language name in, ``Bindings`` out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from codegen import go, java, python, typescript
from codegen.bindings import Bindings
from codegen.errors import InvalidSchemaError, UnsupportedLanguageError
from codegen.model import EventSchema
from codegen.naming import folder_name
from codegen.normalise import normalise

_EMITTERS: dict[str, Callable[[EventSchema, str], Bindings]] = {
    "Python": python.emit,
    # AWS's name for its Python bindings; ours are the same modern pydantic models.
    "Python36": python.emit,
    "Java8": java.emit,
    "TypeScript3": typescript.emit,
    "Go1": go.emit,
}

LANGUAGES: tuple[str, ...] = tuple(_EMITTERS)


def generate(document: Mapping[str, Any], language: str, *, schema_name: str) -> Bindings:
    """Bindings for one language from an OpenAPI 3 (EventBridge form) or JSON Schema Draft 4
    document; every file sits under one folder named after ``schema_name``."""
    emitter = _EMITTERS.get(language)
    if emitter is None:
        raise UnsupportedLanguageError(
            f"unsupported language {language!r}: use one of {', '.join(LANGUAGES)}"
        )
    if not isinstance(schema_name, str) or not schema_name.strip():
        raise InvalidSchemaError("the schema name must be a non-empty string")
    try:
        schema = normalise(document, schema_name=schema_name)
    except RecursionError:
        raise InvalidSchemaError("the schema is nested too deeply to generate code from") from None
    return emitter(schema, folder_name(schema_name))


def warm_up() -> None:
    """Load the slow-to-start Python generator now rather than on the first request."""
    python.warm_up()
