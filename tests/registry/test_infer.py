"""Inferring event schemas from samples (``registry.infer``)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from registry.content import validate_content
from registry.infer import InferenceError, infer_openapi, is_timestamp
from registry.models import SchemaType


def event(
    detail: dict[str, Any], detail_type: str = "Order Placed", source: str = "shop"
) -> dict[str, Any]:
    return {"source": source, "detail-type": detail_type, "detail": detail}


def components(events: list[dict[str, Any]]) -> dict[str, Any]:
    document = infer_openapi(events)
    validate_content(json.dumps(document), SchemaType.OPENAPI3)  # always acceptable
    schemas: dict[str, Any] = document["components"]["schemas"]
    return schemas


def test_envelope_and_detail_name() -> None:
    document = infer_openapi(
        [event({"id": "1"}, detail_type="EC2 Instance State-change Notification")]
    )
    assert document["openapi"] == "3.0.0"
    assert document["info"]["title"] == "EC2InstanceStateChangeNotification"
    envelope = document["components"]["schemas"]["AWSEvent"]
    assert envelope["x-amazon-events-source"] == "shop"
    assert envelope["x-amazon-events-detail-type"] == "EC2 Instance State-change Notification"
    assert envelope["properties"]["detail"] == {
        "$ref": "#/components/schemas/EC2InstanceStateChangeNotification"
    }
    assert envelope["properties"]["time"] == {"type": "string", "format": "date-time"}


def test_required_means_present_in_every_sample() -> None:
    schemas = components([event({"a": 1, "b": "x"}), event({"a": 2}), event({"a": 3, "c": True})])
    detail = schemas["OrderPlaced"]
    assert detail["required"] == ["a"]
    assert detail["properties"] == {
        "a": {"type": "integer"},
        "b": {"type": "string"},
        "c": {"type": "boolean"},
    }


def test_nested_objects_become_components() -> None:
    schemas = components(
        [event({"customer": {"id": "c", "address": {"city": "x"}}, "lines": [{"sku": "a"}]})]
    )
    assert schemas["OrderPlaced"]["properties"]["customer"] == {
        "$ref": "#/components/schemas/Customer"
    }
    assert schemas["Customer"]["properties"]["address"] == {"$ref": "#/components/schemas/Address"}
    assert schemas["OrderPlaced"]["properties"]["lines"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/LinesItem"},
    }
    assert schemas["LinesItem"]["required"] == ["sku"]


def test_component_names_never_clash() -> None:
    schemas = components(
        [event({"a": {"item": {"x": 1}}, "b": {"item": {"y": 1}}, "order-placed": {"z": 1}})]
    )
    assert schemas["A"]["properties"]["item"] == {"$ref": "#/components/schemas/Item"}
    assert schemas["B"]["properties"]["item"] == {"$ref": "#/components/schemas/BItem"}
    assert schemas["OrderPlaced"]["properties"]["order-placed"] == {
        "$ref": "#/components/schemas/OrderPlacedOrderPlaced"
    }
    awsevent = components([event({"x": 1}, detail_type="AWS Event")])
    assert "AWSEvent2" in awsevent


def test_timestamps() -> None:
    schemas = components(
        [
            event(
                {"at": "2024-01-01T10:00:00Z", "mixed": "2024-01-01T10:00:00Z", "day": "2024-01-01"}
            ),
            event({"at": "2024-01-02T10:00:00.5+02:00", "mixed": "yesterday", "day": "2024-01-02"}),
        ]
    )
    properties = schemas["OrderPlaced"]["properties"]
    assert properties["at"] == {"type": "string", "format": "date-time"}
    assert properties["mixed"] == {"type": "string"}
    assert properties["day"] == {"type": "string"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-01T10:00:00Z", True),
        ("2024-01-01t10:00:00.123456z", True),
        ("2024-01-01T10:00:00-05:30", True),
        ("2024-02-30T10:00:00Z", False),
        ("2024-01-01T10:00Z", False),
        ("2024-01-01 10:00:00Z", False),
        ("1704103200", False),
    ],
)
def test_is_timestamp(value: str, expected: bool) -> None:
    assert is_timestamp(value) is expected


def test_nulls_numbers_and_mixed_types() -> None:
    schemas = components(
        [
            event({"n": None, "maybe": "x", "num": 1, "mix": 1, "obj": None, "empty": []}),
            event({"n": None, "maybe": None, "num": 1.5, "mix": "a", "obj": {"k": 1}, "empty": []}),
        ]
    )
    properties = schemas["OrderPlaced"]["properties"]
    assert properties["n"] == {}
    assert properties["maybe"] == {"type": "string", "nullable": True}
    assert properties["num"] == {"type": "number"}
    assert properties["mix"] == {"anyOf": [{"type": "integer"}, {"type": "string"}]}
    assert properties["obj"] == {"$ref": "#/components/schemas/Obj", "nullable": True}
    assert properties["empty"] == {"type": "array", "items": {}}


def test_empty_detail() -> None:
    schemas = components([event({}, detail_type="Scheduled Event")])
    assert schemas["ScheduledEvent"] == {"type": "object"}


def test_output_is_deterministic() -> None:
    samples = [event({"b": 1, "a": {"z": 1, "y": [1]}}), event({"a": {"y": [2], "z": 2}, "b": 2})]
    first = json.dumps(infer_openapi(samples))
    assert json.dumps(infer_openapi(list(reversed(samples)))) == first
    assert list(json.loads(first)["components"]["schemas"]) == ["AWSEvent", "A", "OrderPlaced"]


@pytest.mark.parametrize(
    ("events", "fragment"),
    [
        ([], "At least one"),
        ([{"detail-type": "x", "detail": {}}], "source"),
        ([{"source": "s", "detail": {}}], "detail-type"),
        ([{"source": "s", "detail-type": "x", "detail": [1]}], "detail"),
        ([event({}), event({}, detail_type="Other")], "same source and detail-type"),
    ],
)
def test_not_inferable(events: list[dict[str, Any]], fragment: str) -> None:
    with pytest.raises(InferenceError) as info:
        infer_openapi(events)
    assert fragment in str(info.value)


def test_too_deep() -> None:
    detail: dict[str, Any] = {}
    for _ in range(200):
        detail = {"a": detail}
    with pytest.raises(InferenceError, match="nested"):
        infer_openapi([event(detail)])
