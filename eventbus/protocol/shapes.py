"""Request validation driven by AWS's own service models (shipped with botocore).

Every operation's input is checked against the shape AWS publishes: member types,
required members, length and value ranges, patterns and enums. That keeps our limits
identical to AWS's for every operation without restating them by hand. A value of the
wrong JSON type is a ``SerializationException``; a value that breaks a constraint is a
``ValidationException`` whose message follows AWS's wording, e.g.::

    1 validation error detected: Value 'a b' at 'name' failed to satisfy constraint:
    Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+

Validators are compiled once per shape and cached.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from collections.abc import Callable
from typing import Any

from botocore.loaders import create_loader

from eventbus.errors import SerializationError, ValidationError

Problems = list[str]
Validator = Callable[[Any, str, Problems], None]

_MAX_SHOWN = 80
_REDACTED = "*** Sensitive Data Redacted ***"


@functools.cache
def load_service_model(service: str) -> dict[str, Any]:
    model: dict[str, Any] = create_loader().load_service_model(service, "service-2")
    return model


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    if len(text) > _MAX_SHOWN:
        text = text[:_MAX_SHOWN] + "..."
    return f"'{text}'"


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _join(path: str, member: str) -> str:
    return f"{path}.{member}" if path else member


class ShapeValidators:
    """Compiled validators for the shapes of one service model."""

    def __init__(self, model: dict[str, Any]) -> None:
        self._shapes: dict[str, dict[str, Any]] = model["shapes"]
        self._operations: dict[str, dict[str, Any]] = model["operations"]
        self._cache: dict[str, Validator] = {}

    @property
    def operations(self) -> frozenset[str]:
        return frozenset(self._operations)

    def validate_input(self, operation: str, body: Any) -> None:
        """Raise SerializationError or ValidationError when ``body`` does not fit."""
        shape = self._operations[operation].get("input", {}).get("shape")
        if shape is None:
            return
        problems: Problems = []
        self.validator(shape)(body, "", problems)
        if problems:
            noun = "error" if len(problems) == 1 else "errors"
            raise ValidationError(
                f"{len(problems)} validation {noun} detected: " + "; ".join(problems)
            )

    def validator(self, shape_name: str) -> Validator:
        cached = self._cache.get(shape_name)
        if cached is None:
            # Insert a trampoline first so recursive shapes terminate.
            self._cache[shape_name] = lambda v, p, e: self._cache[shape_name](v, p, e)
            cached = self._build(self._shapes[shape_name])
            self._cache[shape_name] = cached
        return cached

    def _build(self, shape: dict[str, Any]) -> Validator:
        kind = shape["type"]
        builder = getattr(self, f"_build_{kind}", None)
        if builder is None:
            return lambda value, path, problems: None
        validator: Validator = builder(shape)
        return validator

    # -- containers ----------------------------------------------------------------------

    def _build_structure(self, shape: dict[str, Any]) -> Validator:
        # Each member's validator with its name as AWS's messages spell it (camelCase).
        members = {
            name: (self.validator(spec["shape"]), _camel(name))
            for name, spec in shape.get("members", {}).items()
        }
        required = tuple(shape.get("required", ()))

        def check(value: Any, path: str, problems: Problems) -> None:
            if not isinstance(value, dict):
                raise SerializationError(
                    f"Expected an object at '{path or 'request'}', got {_json_type(value)}"
                )
            for name in required:
                if value.get(name) is None:
                    problems.append(
                        f"Value null at '{_join(path, _camel(name))}' failed to satisfy "
                        "constraint: Member must not be null"
                    )
            for name, member in value.items():
                known = members.get(name)
                if known is not None and member is not None:
                    sub, camel = known
                    sub(member, f"{path}.{camel}" if path else camel, problems)

        return check

    def _build_list(self, shape: dict[str, Any]) -> Validator:
        member = self.validator(shape["member"]["shape"])
        low, high = shape.get("min"), shape.get("max")

        def check(value: Any, path: str, problems: Problems) -> None:
            if not isinstance(value, list):
                raise SerializationError(f"Expected a list at '{path}', got {_json_type(value)}")
            _check_length(len(value), low, high, value, path, problems)
            for i, item in enumerate(value, start=1):
                if item is not None:
                    member(item, f"{path}.{i}.member", problems)

        return check

    def _build_map(self, shape: dict[str, Any]) -> Validator:
        key = self.validator(shape["key"]["shape"])
        val = self.validator(shape["value"]["shape"])
        low, high = shape.get("min"), shape.get("max")

        def check(value: Any, path: str, problems: Problems) -> None:
            if not isinstance(value, dict):
                raise SerializationError(f"Expected an object at '{path}', got {_json_type(value)}")
            _check_length(len(value), low, high, value, path, problems)
            for k, v in value.items():
                key(k, f"{path}.key", problems)
                if v is not None:
                    val(v, f"{path}.{k}", problems)

        return check

    # -- scalars -------------------------------------------------------------------------

    def _build_string(self, shape: dict[str, Any]) -> Validator:
        low, high = shape.get("min"), shape.get("max")
        pattern = _compile_pattern(shape.get("pattern"))
        enum = shape.get("enum")
        # Secrets (API keys, passwords...) must never be echoed back, as AWS redacts them.
        sensitive = bool(shape.get("sensitive"))

        def check(value: Any, path: str, problems: Problems) -> None:
            if not isinstance(value, str):
                raise SerializationError(f"Expected a string at '{path}', got {_json_type(value)}")
            shown = _REDACTED if sensitive else value
            _check_length(len(value), low, high, shown, path, problems)
            if pattern is not None and pattern.fullmatch(value) is None:
                problems.append(
                    f"Value {_show(shown)} at '{path}' failed to satisfy constraint: "
                    f"Member must satisfy regular expression pattern: {pattern.pattern}"
                )
            if enum is not None and value not in enum:
                problems.append(
                    f"Value {_show(shown)} at '{path}' failed to satisfy constraint: "
                    f"Member must satisfy enum value set: [{', '.join(enum)}]"
                )

        return check

    def _build_integer(self, shape: dict[str, Any]) -> Validator:
        low, high = shape.get("min"), shape.get("max")

        def check(value: Any, path: str, problems: Problems) -> None:
            if isinstance(value, bool) or not isinstance(value, int):
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                else:
                    raise SerializationError(
                        f"Expected an integer at '{path}', got {_json_type(value)}"
                    )
            if low is not None and value < low:
                problems.append(
                    f"Value '{value}' at '{path}' failed to satisfy constraint: "
                    f"Member must have value greater than or equal to {low}"
                )
            if high is not None and value > high:
                problems.append(
                    f"Value '{value}' at '{path}' failed to satisfy constraint: "
                    f"Member must have value less than or equal to {high}"
                )

        return check

    _build_long = _build_integer

    def _build_double(self, shape: dict[str, Any]) -> Validator:
        def check(value: Any, path: str, problems: Problems) -> None:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise SerializationError(f"Expected a number at '{path}', got {_json_type(value)}")

        return check

    _build_float = _build_double

    def _build_boolean(self, shape: dict[str, Any]) -> Validator:
        def check(value: Any, path: str, problems: Problems) -> None:
            if not isinstance(value, bool):
                raise SerializationError(f"Expected a boolean at '{path}', got {_json_type(value)}")

        return check

    def _build_timestamp(self, shape: dict[str, Any]) -> Validator:
        def check(value: Any, path: str, problems: Problems) -> None:
            # The JSON protocols send epoch seconds; be lenient with ISO strings too.
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise SerializationError(
                    f"Expected a timestamp at '{path}', got {_json_type(value)}"
                )

        return check

    def _build_blob(self, shape: dict[str, Any]) -> Validator:
        def check(value: Any, path: str, problems: Problems) -> None:
            if not isinstance(value, str):
                raise SerializationError(f"Expected base64 text at '{path}'")
            try:
                base64.b64decode(value, validate=True)
            except binascii.Error:
                raise SerializationError(f"Value at '{path}' is not valid base64") from None

        return check


def _check_length(
    length: int, low: int | None, high: int | None, value: Any, path: str, problems: Problems
) -> None:
    if low is not None and length < low:
        problems.append(
            f"Value {_show(value)} at '{path}' failed to satisfy constraint: "
            f"Member must have length greater than or equal to {low}"
        )
    if high is not None and length > high:
        problems.append(
            f"Value {_show(value)} at '{path}' failed to satisfy constraint: "
            f"Member must have length less than or equal to {high}"
        )


def _compile_pattern(pattern: str | None) -> re.Pattern[str] | None:
    if not pattern:
        return None
    try:
        # AWS's patterns are Java regexes; the few constructs Python lacks are skipped.
        return re.compile(pattern, re.DOTALL)
    except re.error:
        return None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


@functools.cache
def validators_for(service: str) -> ShapeValidators:
    return ShapeValidators(load_service_model(service))
