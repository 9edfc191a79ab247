"""Typed code bindings generated from an event schema, with no knowledge of storage or HTTP.

    bindings = generate(document, "Python", schema_name="shop@OrderPlaced")
    archive = to_zip(bindings)

The document (OpenAPI 3 in EventBridge's form, or JSON Schema Draft 4) is normalised into one
language-neutral model (``codegen.model``) that each language module emits from.
"""

from __future__ import annotations

from codegen.bindings import Bindings, to_zip
from codegen.errors import CodegenError, InvalidSchemaError, UnsupportedLanguageError
from codegen.generator import LANGUAGES, generate, warm_up

__all__ = [
    "LANGUAGES",
    "Bindings",
    "CodegenError",
    "InvalidSchemaError",
    "UnsupportedLanguageError",
    "generate",
    "to_zip",
    "warm_up",
]
