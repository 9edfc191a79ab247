"""diff() and check(): one table of schema changes with the direction each one breaks."""

from __future__ import annotations

from typing import Any

import pytest

from registry.compat.diff import ChangeKind, diff
from registry.compat.modes import Mode, check


def draft4(**detail_properties: Any) -> dict[str, Any]:
    """A Draft 4 event schema whose detail has these properties (all optional)."""
    return {
        "type": "object",
        "properties": {"detail": {"type": "object", "properties": detail_properties}},
    }


def with_detail(detail: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": {"detail": detail}}


def openapi(detail: dict[str, Any], **components: Any) -> dict[str, Any]:
    return {
        "openapi": "3.0.0",
        "info": {"title": "T", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "AWSEvent": {
                    "type": "object",
                    "x-amazon-events-source": "shop",
                    "properties": {"detail": {"$ref": "#/components/schemas/Detail"}},
                },
                "Detail": detail,
                **components,
            }
        },
    }


INT = {"type": "integer"}
NUM = {"type": "number"}
STR = {"type": "string"}

# (case, old detail, new detail, kind, path, breaks backward, breaks forward)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], ChangeKind, str, bool, bool]] = [
    (
        "optional property added",
        {"type": "object", "properties": {"a": STR}},
        {"type": "object", "properties": {"a": STR, "b": STR}},
        ChangeKind.PROPERTY_ADDED, "$.detail.b", False, False,
    ),
    (
        "required property added",
        {"type": "object", "properties": {"a": STR}},
        {"type": "object", "properties": {"a": STR, "b": STR}, "required": ["b"]},
        ChangeKind.PROPERTY_ADDED, "$.detail.b", True, False,
    ),
    (
        "property added to a closed model",
        {"type": "object", "properties": {"a": STR}, "additionalProperties": False},
        {"type": "object", "properties": {"a": STR, "b": STR}, "additionalProperties": False},
        ChangeKind.PROPERTY_ADDED, "$.detail.b", False, True,
    ),
    (
        "optional property removed from an open model",
        {"type": "object", "properties": {"a": STR, "b": STR}},
        {"type": "object", "properties": {"a": STR}},
        ChangeKind.PROPERTY_REMOVED, "$.detail.b", False, False,
    ),
    (
        "required property removed",
        {"type": "object", "properties": {"a": STR, "b": STR}, "required": ["b"]},
        {"type": "object", "properties": {"a": STR}},
        ChangeKind.PROPERTY_REMOVED, "$.detail.b", False, True,
    ),
    (
        "property removed from a closed model",
        {"type": "object", "properties": {"a": STR, "b": STR}, "additionalProperties": False},
        {"type": "object", "properties": {"a": STR}, "additionalProperties": False},
        ChangeKind.PROPERTY_REMOVED, "$.detail.b", True, False,
    ),
    (
        "property became required",
        {"type": "object", "properties": {"a": STR}},
        {"type": "object", "properties": {"a": STR}, "required": ["a"]},
        ChangeKind.PROPERTY_REQUIRED, "$.detail.a", True, False,
    ),
    (
        "property became optional",
        {"type": "object", "properties": {"a": STR}, "required": ["a"]},
        {"type": "object", "properties": {"a": STR}},
        ChangeKind.PROPERTY_OPTIONAL, "$.detail.a", False, True,
    ),
    (
        "type narrowed number -> integer",
        {"type": "object", "properties": {"n": NUM}},
        {"type": "object", "properties": {"n": INT}},
        ChangeKind.TYPE_CHANGED, "$.detail.n", True, False,
    ),
    (
        "type widened integer -> number",
        {"type": "object", "properties": {"n": INT}},
        {"type": "object", "properties": {"n": NUM}},
        ChangeKind.TYPE_CHANGED, "$.detail.n", False, True,
    ),
    (
        "type changed string -> integer",
        {"type": "object", "properties": {"n": STR}},
        {"type": "object", "properties": {"n": INT}},
        ChangeKind.TYPE_CHANGED, "$.detail.n", True, True,
    ),
    (
        "null no longer allowed",
        {"type": "object", "properties": {"n": {"type": ["string", "null"]}}},
        {"type": "object", "properties": {"n": STR}},
        ChangeKind.TYPE_CHANGED, "$.detail.n", True, False,
    ),
    (
        "enum narrowed",
        {"type": "object", "properties": {"c": {"type": "string", "enum": ["EUR", "USD"]}}},
        {"type": "object", "properties": {"c": {"type": "string", "enum": ["EUR"]}}},
        ChangeKind.ENUM_CHANGED, "$.detail.c", True, False,
    ),
    (
        "enum widened",
        {"type": "object", "properties": {"c": {"type": "string", "enum": ["EUR"]}}},
        {"type": "object", "properties": {"c": {"type": "string", "enum": ["EUR", "USD"]}}},
        ChangeKind.ENUM_CHANGED, "$.detail.c", False, True,
    ),
    (
        "enum added",
        {"type": "object", "properties": {"c": STR}},
        {"type": "object", "properties": {"c": {"type": "string", "enum": ["EUR"]}}},
        ChangeKind.ENUM_CHANGED, "$.detail.c", True, False,
    ),
    (
        "additionalProperties tightened",
        {"type": "object", "properties": {"a": STR}},
        {"type": "object", "properties": {"a": STR}, "additionalProperties": False},
        ChangeKind.ADDITIONAL_PROPERTIES_CHANGED, "$.detail", True, False,
    ),
    (
        "additionalProperties loosened",
        {"type": "object", "properties": {"a": STR}, "additionalProperties": False},
        {"type": "object", "properties": {"a": STR}},
        ChangeKind.ADDITIONAL_PROPERTIES_CHANGED, "$.detail", False, True,
    ),
    (
        "maximum lowered",
        {"type": "object", "properties": {"n": {"type": "number", "maximum": 10}}},
        {"type": "object", "properties": {"n": {"type": "number", "maximum": 5}}},
        ChangeKind.CONSTRAINT_CHANGED, "$.detail.n", True, False,
    ),
    (
        "minLength removed",
        {"type": "object", "properties": {"s": {"type": "string", "minLength": 3}}},
        {"type": "object", "properties": {"s": STR}},
        ChangeKind.CONSTRAINT_CHANGED, "$.detail.s", False, True,
    ),
    (
        "pattern added",
        {"type": "object", "properties": {"s": STR}},
        {"type": "object", "properties": {"s": {"type": "string", "pattern": "^a"}}},
        ChangeKind.CONSTRAINT_CHANGED, "$.detail.s", True, False,
    ),
    (
        "array item type narrowed",
        {"type": "object", "properties": {"l": {"type": "array", "items": NUM}}},
        {"type": "object", "properties": {"l": {"type": "array", "items": INT}}},
        ChangeKind.TYPE_CHANGED, "$.detail.l[*]", True, False,
    ),
    (
        "odd property name quoted in the path",
        {"type": "object", "properties": {"a.b": STR}},
        {"type": "object", "properties": {"a.b": INT}},
        ChangeKind.TYPE_CHANGED, '$.detail["a.b"]', True, True,
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "kind", "path", "backward", "forward"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_one_change(
    old: dict[str, Any],
    new: dict[str, Any],
    kind: ChangeKind,
    path: str,
    backward: bool,
    forward: bool,
) -> None:
    changes = diff(with_detail(old), with_detail(new))
    assert [(c.kind, c.path, c.breaks_backward, c.breaks_forward) for c in changes] == [
        (kind, path, backward, forward)
    ]


def test_identical_schemas_have_no_changes() -> None:
    schema = draft4(a=STR, n=INT)
    assert diff(schema, schema) == []


def test_openapi_documents_compare_through_references() -> None:
    old = openapi(
        {"type": "object", "properties": {"customer": {"$ref": "#/components/schemas/Customer"}}},
        Customer={"type": "object", "properties": {"age": NUM}},
    )
    new = openapi(
        {"type": "object", "properties": {"customer": {"$ref": "#/components/schemas/Customer"}}},
        Customer={"type": "object", "properties": {"age": INT}, "required": ["age"]},
    )
    changes = {(c.path, c.kind) for c in diff(old, new)}
    assert changes == {
        ("$.detail.customer.age", ChangeKind.PROPERTY_REQUIRED),
        ("$.detail.customer.age", ChangeKind.TYPE_CHANGED),
    }


def test_openapi_nullable_dropped_is_a_narrowing() -> None:
    old = openapi({"type": "object", "properties": {"a": {"type": "string", "nullable": True}}})
    new = openapi({"type": "object", "properties": {"a": STR}})
    [change] = diff(old, new)
    assert (change.path, change.breaks_backward, change.breaks_forward) == (
        "$.detail.a",
        True,
        False,
    )


def test_recursive_schemas_terminate() -> None:
    node = {
        "type": "object",
        "properties": {"child": {"$ref": "#/definitions/Node"}, "v": INT},
    }
    old = {"$ref": "#/definitions/Node", "definitions": {"Node": node}}
    changed = {**node, "properties": {**node["properties"], "v": NUM}}
    new = {"$ref": "#/definitions/Node", "definitions": {"Node": changed}}
    assert [(c.path, c.kind) for c in diff(old, new)] == [("$.v", ChangeKind.TYPE_CHANGED)]


V1 = draft4(a=STR, n=INT)
V2 = draft4(a=STR, n=INT, extra=STR)  # optional property added: compatible both ways
V3 = with_detail({"type": "object", "properties": {"a": STR, "n": NUM, "extra": STR}})
V4 = with_detail({"type": "object", "properties": {"a": STR, "n": INT}})  # n narrowed again


@pytest.mark.parametrize(
    ("mode", "history", "new", "breaking"),
    [
        (Mode.NONE, [V1], draft4(n=STR), 0),
        (Mode.BACKWARD, [V1], V2, 0),
        (Mode.FORWARD, [V1], V2, 0),
        (Mode.FULL, [V1], V2, 0),
        (Mode.BACKWARD, [V2], V3, 0),  # integer -> number: new readers read old data
        (Mode.FORWARD, [V2], V3, 1),  # old readers cannot read fractions
        (Mode.FULL, [V2], V3, 1),
        (Mode.BACKWARD, [V3], V4, 1),  # number -> integer
        (Mode.BACKWARD, [V1, V3], V4, 1),  # against the latest only
        (Mode.FORWARD, [V1, V3], V4, 0),
        (Mode.FORWARD_TRANSITIVE, [V1, V2, V3], V4, 0),
        (Mode.BACKWARD_TRANSITIVE, [V1, V2, V3], V4, 1),
        (Mode.FULL_TRANSITIVE, [V1, V3], V4, 1),
        (Mode.BACKWARD, [], V4, 0),  # a first version has nothing to break
    ],
)
def test_check_modes(
    mode: Mode, history: list[dict[str, Any]], new: dict[str, Any], breaking: int
) -> None:
    assert len(check(mode, history, new)) == breaking


def test_transitive_check_finds_a_break_with_an_older_version() -> None:
    old = draft4(a=STR)
    middle = draft4()  # a dropped from an open model
    new = draft4(a=INT)  # and back, as another type
    assert check(Mode.BACKWARD, [old, middle], new) == []
    [change] = check(Mode.BACKWARD_TRANSITIVE, [old, middle], new)
    assert (change.path, change.kind) == ("$.detail.a", ChangeKind.TYPE_CHANGED)
    assert change.detail == "type changed from string to integer"
