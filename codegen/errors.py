"""Errors of code generation.

The package knows nothing of HTTP: the registry translates these where they enter it
(an AWS ``BadRequestException`` for both).

    CodegenError
    ├── UnsupportedLanguageError    the language is not one of ``codegen.LANGUAGES``
    └── InvalidSchemaError          the document cannot be turned into bindings
"""

from __future__ import annotations


class CodegenError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnsupportedLanguageError(CodegenError):
    pass


class InvalidSchemaError(CodegenError):
    pass
