"""A plain reference matcher: walks the raw pattern and the raw event, nothing precomputed.

It exists to be obviously right, not fast; the index is tested against it. It uses
``compile_pattern`` only to reject invalid patterns, and shares no matching code with the
index: expansion of ``$or``, flattening, array consistency and every operator are written
again here, directly from the documented behaviour.

Semantics in one place:
- a pattern matches when one of its ``$or`` expansions (branches) matches;
- a branch matches when each field can be given one event value that one of its pattern
  values matches (or, for ``exists: false``, no value), all the chosen values coming from
  the same element of every array they share, and no ``exists: false`` field has a value
  that could join that choice;
- leaves are the scalar values (null included) under a field; arrays are crushed (each
  element is a value of the field) and empty arrays or objects give no leaf.
"""

from __future__ import annotations

import ipaddress
import itertools
import json
from collections.abc import Mapping
from typing import Any

from eventbus.patterns import compile_pattern

LIMIT = 5_000_000_000

Membership = dict[int, int]
Leaf = tuple[str, Any, tuple[tuple[int, int], ...]]


def reference_match(pattern: str | Mapping[str, Any], event: Mapping[str, Any]) -> bool:
    compile_pattern(pattern)  # raises for invalid patterns
    raw = json.loads(pattern) if isinstance(pattern, str) else json.loads(json.dumps(pattern))
    leaves = list(_leaves(event))
    return any(_branch_matches(branch, leaves) for branch in _expand(raw, ""))


# --- structure -------------------------------------------------------------------------


def _expand(obj: Mapping[str, Any], prefix: str) -> list[dict[str, list[Any]]]:
    branches: list[dict[str, list[Any]]] = [{}]
    for key, value in obj.items():
        if key == "$or":
            branches = [
                {**branch, **alternative}
                for branch in branches
                for option in value
                for alternative in _expand(option, prefix)
            ]
            continue
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            branches = [
                {**branch, **inner} for branch in branches for inner in _expand(value, path)
            ]
        else:
            for branch in branches:
                branch[path] = value
    return branches


def _leaves(event: Any, path: str = "", membership: tuple[tuple[int, int], ...] = ()) -> Any:
    counter = itertools.count(1)

    def walk(value: Any, path: str, membership: tuple[tuple[int, int], ...]) -> Any:
        if isinstance(value, dict):
            for key, inner in value.items():
                yield from walk(inner, f"{path}.{key}" if path else key, membership)
        elif isinstance(value, list):
            array = next(counter)
            for index, element in enumerate(value):
                yield from walk(element, path, (*membership, (array, index)))
        else:
            yield path, value, membership

    yield from walk(event, path, membership)


def _join(chosen: Membership, membership: tuple[tuple[int, int], ...]) -> Membership | None:
    result = dict(chosen)
    for array, index in membership:
        if result.setdefault(array, index) != index:
            return None
    return result


def _branch_matches(branch: dict[str, list[Any]], leaves: list[Leaf]) -> bool:
    fields = list(branch.items())

    def search(i: int, chosen: Membership, absent: list[str]) -> bool:
        if i == len(fields):
            return all(
                _join(chosen, where) is None
                for path in absent
                for leaf_path, _value, where in leaves
                if leaf_path == path
            )
        path, values = fields[i]
        for leaf_path, value, where in leaves:
            if leaf_path != path:
                continue
            if any(_value_matches(spec, value) for spec in values):
                joined = _join(chosen, where)
                if joined is not None and search(i + 1, joined, absent):
                    return True
        if {"exists": False} in values:
            return search(i + 1, chosen, [*absent, path])
        return False

    return search(0, {}, [])


# --- values ----------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same(spec: Any, value: Any) -> bool:
    """Exact match of a pattern scalar against an event scalar."""
    if isinstance(spec, bool) or spec is None:
        return value is spec
    if isinstance(spec, str):
        return isinstance(value, str) and spec == value
    if not _is_number(value):
        return False
    if -LIMIT <= spec <= LIMIT and -LIMIT <= value <= LIMIT:
        return float(spec) == float(value)  # numbers in range compare as numbers
    return type(spec) is type(value) and spec == value


def _glob(pattern: str, text: str) -> bool:
    """Wildcard match by dynamic programming over (pattern token, text position)."""
    tokens: list[str | None] = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            tokens.append(pattern[i + 1])
            i += 2
        else:
            tokens.append(None if pattern[i] == "*" else pattern[i])
            i += 1
    reachable = {0}
    for char in text:
        following: set[int] = set()
        for position in _skip_stars(reachable, tokens):
            token = tokens[position] if position < len(tokens) else ""
            if token is None:
                following.add(position)
            elif token == char:
                following.add(position + 1)
        reachable = following
    return len(tokens) in _skip_stars(reachable, tokens)


def _skip_stars(positions: set[int], tokens: list[str | None]) -> set[int]:
    result = set(positions)
    for position in sorted(positions):
        while position < len(tokens) and tokens[position] is None:
            position += 1
            result.add(position)
    return result


def _numeric(spec: list[Any], value: Any) -> bool:
    if not _is_number(value) or not -LIMIT <= value <= LIMIT:
        return False
    checks = {
        "=": lambda a, b: a == b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
    }
    return all(checks[spec[i]](value, spec[i + 1]) for i in range(0, len(spec), 2))


def _value_matches(spec: Any, value: Any) -> bool:
    if not isinstance(spec, dict):
        return _same(spec, value)
    ((operator, operand),) = spec.items()
    text = value if isinstance(value, str) else None
    if operator == "exists":
        return operand is True  # a leaf exists; exists:false is handled by the search
    if operator == "prefix" or operator == "suffix":
        if text is None:
            return False
        if isinstance(operand, dict):
            text, operand = text.lower(), operand["equals-ignore-case"].lower()
        return text.startswith(operand) if operator == "prefix" else text.endswith(operand)
    if operator == "equals-ignore-case":
        return text is not None and text.lower() == operand.lower()
    if operator == "wildcard":
        return text is not None and _glob(operand, text)
    if operator == "numeric":
        return _numeric(operand, value)
    if operator == "cidr":
        if text is None:
            return False
        try:
            return ipaddress.ip_address(text) in ipaddress.ip_network(operand, strict=False)
        except ValueError:
            return False
    if operator == "anything-but":
        return not _excluded(operand, value, text)
    raise AssertionError(f"unknown operator {operator}")


def _excluded(operand: Any, value: Any, text: str | None) -> bool:
    """Whether anything-but's operand names the value (so anything-but fails)."""
    if not isinstance(operand, dict):
        values = operand if isinstance(operand, list) else [operand]
        return any(_same(v, value) for v in values)
    ((operator, inner),) = operand.items()
    options = inner if isinstance(inner, list) else [inner]
    if text is None:
        return False  # the string forms never exclude numbers, booleans or null
    if operator == "prefix":
        return any(text.startswith(o) for o in options)
    if operator == "suffix":
        return any(text.endswith(o) for o in options)
    if operator == "equals-ignore-case":
        return any(text.lower() == o.lower() for o in options)
    if operator == "wildcard":
        return any(_glob(o, text) for o in options)
    raise AssertionError(f"unknown anything-but operator {operator}")
