"""Normalising OpenAPI 3 and JSON Schema Draft 4 into the one model every emitter reads."""

from __future__ import annotations

from typing import Any

import pytest

from codegen.model import ClassDef, EventSchema, Field, Kind, TypeRef
from codegen.naming import folder_name, words
from codegen.normalise import normalise


def _openapi(detail: dict[str, Any], **components: Any) -> dict[str, Any]:
    event = {
        "type": "object",
        "x-amazon-events-source": "shop",
        "x-amazon-events-detail-type": "Order Placed",
        "properties": {"detail": {"$ref": "#/components/schemas/OrderPlaced"}},
    }
    schemas = {"AWSEvent": event, "OrderPlaced": detail, **components}
    return {"openapi": "3.0.0", "components": {"schemas": schemas}}


def _field(schema: EventSchema, class_name: str, key: str) -> Field:
    return next(f for f in schema.class_named(class_name).fields if f.json_key == key)


def test_openapi_event_gives_source_detail_type_and_detail_class() -> None:
    schema = normalise(_openapi({"type": "object", "properties": {}}), schema_name="x@y")

    assert (schema.source, schema.detail_type, schema.detail) == (
        "shop",
        "Order Placed",
        "OrderPlaced",
    )
    assert schema.classes == (ClassDef("OrderPlaced", ()),)


def test_fields_keep_json_keys_and_get_snake_case_names() -> None:
    detail = {
        "type": "object",
        "required": ["order-id"],
        "properties": {
            "order-id": {"type": "string"},
            "orderId": {"type": "integer"},
            "名前": {"type": "number"},
            "2nd": {"type": "boolean"},
        },
    }
    fields = normalise(_openapi(detail), schema_name="x").detail_class.fields

    assert [(f.name, f.json_key, f.required) for f in fields] == [
        ("order_id", "order-id", True),
        ("order_id_2", "orderId", False),
        ("u540d_u524d", "名前", False),
        ("field_2nd", "2nd", False),
    ]
    assert [f.type.kind for f in fields] == [Kind.STRING, Kind.INTEGER, Kind.NUMBER, Kind.BOOLEAN]


@pytest.mark.parametrize(
    "property_schema",
    [
        {"type": "string", "nullable": True},
        {"type": ["string", "null"]},
        {"anyOf": [{"type": "string"}, {"type": "null"}]},
        {"oneOf": [{"type": "null"}, {"type": "string"}]},
    ],
)
def test_every_spelling_of_nullable_makes_a_nullable_field(property_schema: dict[str, Any]) -> None:
    schema = normalise({"properties": {"a": property_schema}}, schema_name="x")

    assert _field(schema, schema.detail, "a") == Field("a", "a", TypeRef(Kind.STRING), False, True)


def test_types_arrays_maps_and_free_form_values() -> None:
    properties = {
        "when": {"type": "string", "format": "date-time"},
        "tags": {"type": "array", "items": {"type": "string", "nullable": True}},
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "extra": {"type": "object"},
        "anything": {},
        "either": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
    }
    fields = normalise({"properties": properties}, schema_name="x").detail_class.fields

    assert [f.type for f in fields] == [
        TypeRef(Kind.DATETIME),
        TypeRef(Kind.ARRAY, item=TypeRef(Kind.STRING), item_nullable=True),
        TypeRef(Kind.MAP, item=TypeRef(Kind.INTEGER)),
        TypeRef(Kind.MAP, item=TypeRef(Kind.ANY)),
        TypeRef(Kind.ANY),
        TypeRef(Kind.ANY),
    ]


def test_inline_objects_become_classes_named_after_their_keys() -> None:
    properties = {
        "customer": {"type": "object", "properties": {"name": {"type": "string"}}},
        "line items": {"type": "array", "items": {"type": "object", "properties": {}}},
    }
    schema = normalise({"title": "Order", "properties": properties}, schema_name="x")

    assert [c.name for c in schema.classes] == ["Order", "Customer", "LineItem"]
    assert _field(schema, "Order", "line items").type.item_type.ref_name == "LineItem"


def test_a_component_object_without_properties_is_a_map() -> None:
    detail = {"type": "object", "properties": {"tags": {"$ref": "#/components/schemas/Tags"}}}
    schema = normalise(_openapi(detail, Tags={"type": "object"}), schema_name="x")

    assert _field(schema, "OrderPlaced", "tags").type == TypeRef(Kind.MAP, item=TypeRef(Kind.ANY))


def test_component_names_win_over_inline_names() -> None:
    detail = {
        "type": "object",
        "properties": {
            "customer": {"type": "object", "properties": {}},
            "buyer": {"$ref": "#/components/schemas/Customer"},
        },
    }
    customer = {"type": "object", "properties": {}}
    schema = normalise(_openapi(detail, Customer=customer), schema_name="x")

    assert _field(schema, "OrderPlaced", "buyer").type.ref_name == "Customer"
    assert _field(schema, "OrderPlaced", "customer").type.ref_name == "OrderPlacedCustomer"


def test_names_used_by_the_generated_code_are_not_taken() -> None:
    detail = {
        "type": "object",
        "properties": {
            "a": {"$ref": "#/components/schemas/String"},
            "b": {"$ref": "#/components/schemas/AWSEvent"},
        },
    }
    string = {"type": "object", "properties": {}}
    schema = normalise(_openapi(detail, String=string), schema_name="x")

    assert [c.name for c in schema.classes] == ["OrderPlaced", "StringType", "AWSEventType"]


def test_enums_are_named_and_shared_between_same_named_fields() -> None:
    unit = {"type": "string", "enum": ["cm", "in", None]}
    properties = {
        "size": {"type": "object", "properties": {"unit": unit}},
        "weight": {"type": "object", "properties": {"unit": {"enum": ["cm", "in"]}}},
    }
    schema = normalise({"properties": properties}, schema_name="x")

    assert [(e.name, e.values) for e in schema.enums] == [("Unit", ("cm", "in"))]
    assert _field(schema, "Size", "unit").nullable


def test_all_of_merges_object_branches() -> None:
    detail = {
        "allOf": [
            {"$ref": "#/components/schemas/Base"},
            {"type": "object", "required": ["b"], "properties": {"b": {"type": "integer"}}},
        ]
    }
    base = {"type": "object", "properties": {"a": {"type": "string"}}}
    document = _openapi({"type": "object", "properties": {"x": detail}}, Base=base)
    schema = normalise(document, schema_name="x")

    merged = schema.class_named(_field(schema, "OrderPlaced", "x").type.ref_name)
    assert [(f.json_key, f.required) for f in merged.fields] == [("a", False), ("b", True)]


def test_recursive_components_refer_to_themselves() -> None:
    node = {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#"}}}}
    schema = normalise({"title": "Node", **node}, schema_name="x")

    assert schema.classes[0].fields[0].type.item_type == TypeRef(Kind.OBJECT, name="Node")


def test_json_schema_envelope_reads_source_and_detail_type_from_enums() -> None:
    document = {
        "properties": {
            "source": {"type": "string", "enum": ["com.example"]},
            "detail-type": {"type": "string", "enum": ["Thing Done"]},
            "detail": {"type": "object", "properties": {}},
        }
    }
    schema = normalise(document, schema_name="whatever")

    assert (schema.source, schema.detail_type, schema.detail) == (
        "com.example",
        "Thing Done",
        "ThingDone",
    )


def test_detail_only_schema_falls_back_on_the_schema_name() -> None:
    schema = normalise({"type": "object", "properties": {}}, schema_name="billing@InvoicePaid")

    assert (schema.source, schema.detail_type, schema.detail) == (
        "billing",
        "InvoicePaid",
        "InvoicePaid",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("detail-type", ["detail", "type"]),
        ("EC2InstanceStateChange", ["ec2", "instance", "state", "change"]),
        ("HTTPServer", ["http", "server"]),
        ("prénom", ["prenom"]),
        ("Größe", ["grosse"]),
        ("名前", ["u540d", "u524d"]),
    ],
)
def test_words_are_ascii_and_lowercase(text: str, expected: list[str]) -> None:
    assert words(text) == expected


@pytest.mark.parametrize(
    ("name", "folder"),
    [
        ("shop@OrderPlaced", "shop_order_placed"),
        (
            "aws.ec2@EC2 Instance State-change Notification",
            "aws_ec2_ec2_instance_state_change_notification",
        ),
        ("class", "class_schema"),
        ("enum", "enum_schema"),
        ("", "schema"),
    ],
)
def test_folder_names(name: str, folder: str) -> None:
    assert folder_name(name) == folder
