"""SearchSchemas, ExportSchema and GetDiscoveredSchema through boto3."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft4Validator

from tests.registry.helpers import error_of, openapi


def _search(schemas: Any, registry: str, keywords: str, **params: Any) -> dict[str, list[str]]:
    found = schemas.search_schemas(RegistryName=registry, Keywords=keywords, **params)["Schemas"]
    return {s["SchemaName"]: [v["SchemaVersion"] for v in s["SchemaVersions"]] for s in found}


def test_search_names_and_contents(schemas: Any, registry: str) -> None:
    schemas.create_schema(
        RegistryName=registry,
        SchemaName="shop@OrderPlaced",
        Type="OpenApi3",
        Content=openapi({"customerId": {"type": "string"}}),
    )
    schemas.update_schema(
        RegistryName=registry,
        SchemaName="shop@OrderPlaced",
        Content=openapi({"customerId": {"type": "string"}, "couponCode": {"type": "string"}}),
    )
    schemas.create_schema(
        RegistryName=registry,
        SchemaName="billing@InvoicePaid",
        Type="OpenApi3",
        Content=openapi({"amount": {"type": "number"}}),
    )
    # Name matches take every version; case does not matter.
    assert _search(schemas, registry, "ORDERPLACED") == {"shop@OrderPlaced": ["1", "2"]}
    # Content matches take the versions that hold the word.
    assert _search(schemas, registry, "couponcode") == {"shop@OrderPlaced": ["2"]}
    assert _search(schemas, registry, "amount") == {"billing@InvoicePaid": ["1"]}
    # Every keyword must match, in the name or the content.
    assert _search(schemas, registry, "shop customerId") == {"shop@OrderPlaced": ["1", "2"]}
    assert _search(schemas, registry, "shop amount") == {}
    found = schemas.search_schemas(RegistryName=registry, Keywords="invoice")["Schemas"][0]
    assert found["RegistryName"] == registry
    assert found["SchemaArn"].endswith(f"/{registry}/billing@InvoicePaid")
    assert found["SchemaVersions"][0]["Type"] == "OpenApi3"
    assert found["SchemaVersions"][0]["CreatedDate"]


def test_search_pages(schemas: Any, registry: str) -> None:
    for i in range(5):
        schemas.create_schema(
            RegistryName=registry, SchemaName=f"app@E{i}", Type="OpenApi3", Content=openapi()
        )
    first = schemas.search_schemas(RegistryName=registry, Keywords="app", Limit=2)
    assert [s["SchemaName"] for s in first["Schemas"]] == ["app@E0", "app@E1"]
    every = [
        s["SchemaName"]
        for page in schemas.get_paginator("search_schemas").paginate(
            RegistryName=registry, Keywords="app", PaginationConfig={"PageSize": 2}
        )
        for s in page["Schemas"]
    ]
    assert every == [f"app@E{i}" for i in range(5)]


def test_search_in_aws_events(schemas: Any) -> None:
    found = _search(schemas, "aws.events", "instance state-change")
    assert "aws.ec2@EC2InstanceStateChangeNotification" in found


def test_search_needs_keywords(schemas: Any, registry: str) -> None:
    with pytest.raises(schemas.exceptions.BadRequestException) as info:
        schemas.search_schemas(RegistryName=registry, Keywords="   ")
    assert "Keywords" in error_of(info)[2]


def test_export_openapi_as_draft4(schemas: Any, registry: str) -> None:
    document = {
        "openapi": "3.0.0",
        "info": {"title": "OrderPlaced", "version": "1.0.0"},
        "paths": {},
        "components": {
            "schemas": {
                "AWSEvent": {
                    "type": "object",
                    "x-amazon-events-source": "shop",
                    "x-amazon-events-detail-type": "Order Placed",
                    "properties": {"detail": {"$ref": "#/components/schemas/OrderPlaced"}},
                },
                "OrderPlaced": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {
                        "id": {"type": "string", "example": "o-1"},
                        "note": {"type": "string", "nullable": True},
                    },
                },
            }
        },
    }
    schemas.create_schema(
        RegistryName=registry, SchemaName="s", Type="OpenApi3", Content=json.dumps(document)
    )
    exported = schemas.export_schema(RegistryName=registry, SchemaName="s", Type="JSONSchemaDraft4")
    assert (exported["SchemaName"], exported["SchemaVersion"]) == ("s", "1")
    assert exported["Type"] == "JSONSchemaDraft4"
    assert exported["SchemaArn"].endswith(f"/{registry}/s")
    draft4 = json.loads(exported["Content"])
    Draft4Validator.check_schema(draft4)
    assert draft4["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert draft4["x-amazon-events-source"] == "shop"
    assert draft4["properties"]["detail"] == {"$ref": "#/definitions/OrderPlaced"}
    order = draft4["definitions"]["OrderPlaced"]
    assert order["properties"]["note"]["type"] == ["string", "null"]
    assert "example" not in order["properties"]["id"]
    validator = Draft4Validator(draft4)
    assert validator.is_valid({"detail": {"id": "o-1", "note": None}})
    assert not validator.is_valid({"detail": {"note": "x"}})


def test_export_of_a_given_version_and_of_draft4(schemas: Any, registry: str) -> None:
    schemas.create_schema(RegistryName=registry, SchemaName="s", Type="OpenApi3", Content=openapi())
    schemas.update_schema(
        RegistryName=registry, SchemaName="s", Content=openapi({"n": {"type": "integer"}})
    )
    old = schemas.export_schema(
        RegistryName=registry, SchemaName="s", SchemaVersion="1", Type="JSONSchemaDraft4"
    )
    assert old["SchemaVersion"] == "1"
    assert "id" in json.loads(old["Content"])["properties"]
    draft4 = '{"type": "object"}'
    schemas.create_schema(
        RegistryName=registry, SchemaName="d", Type="JSONSchemaDraft4", Content=draft4
    )
    same = schemas.export_schema(RegistryName=registry, SchemaName="d", Type="JSONSchemaDraft4")
    assert same["Content"] == draft4
    with pytest.raises(schemas.exceptions.BadRequestException):
        schemas.export_schema(RegistryName=registry, SchemaName="d", Type="OpenApi3")
    with pytest.raises(schemas.exceptions.BadRequestException) as info:
        schemas.export_schema(RegistryName=registry, SchemaName="s", Type="Avro")
    assert "Type" in error_of(info)[2]
    with pytest.raises(schemas.exceptions.NotFoundException):
        schemas.export_schema(RegistryName=registry, SchemaName="zz", Type="JSONSchemaDraft4")


def test_export_builtin(schemas: Any) -> None:
    exported = schemas.export_schema(
        RegistryName="aws.events",
        SchemaName="aws.ec2@EC2InstanceStateChangeNotification",
        Type="JSONSchemaDraft4",
    )
    draft4 = json.loads(exported["Content"])
    Draft4Validator.check_schema(draft4)
    assert draft4["x-amazon-events-detail-type"] == "EC2 Instance State-change Notification"


def _event(detail: dict[str, Any]) -> str:
    return json.dumps(
        {
            "version": "0",
            "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
            "detail-type": "Order Placed",
            "source": "shop",
            "account": "111122223333",
            "time": "2024-05-01T12:00:00Z",
            "region": "us-east-1",
            "resources": [],
            "detail": detail,
        }
    )


def test_get_discovered_schema(schemas: Any) -> None:
    result = schemas.get_discovered_schema(
        Type="OpenApi3",
        Events=[
            _event({"id": "o-1", "at": "2024-05-01T12:00:00Z", "customer": {"name": "a"}}),
            _event({"id": "o-2", "at": "2024-05-02T12:00:00Z"}),
        ],
    )
    document = json.loads(result["Content"])
    components = document["components"]["schemas"]
    assert components["AWSEvent"]["x-amazon-events-source"] == "shop"
    assert components["AWSEvent"]["properties"]["detail"] == {
        "$ref": "#/components/schemas/OrderPlaced"
    }
    assert components["OrderPlaced"]["required"] == ["at", "id"]
    assert components["OrderPlaced"]["properties"]["at"]["format"] == "date-time"
    assert components["OrderPlaced"]["properties"]["customer"] == {
        "$ref": "#/components/schemas/Customer"
    }
    # The result is a schema the registry accepts as it is.
    draft4 = schemas.get_discovered_schema(Type="JSONSchemaDraft4", Events=[_event({"id": "x"})])
    Draft4Validator.check_schema(json.loads(draft4["Content"]))


@pytest.mark.parametrize(
    ("events", "fragment"),
    [
        (["{nope"], "Events[0] is not valid JSON"),
        (["[1]"], "must be a JSON object"),
        (['{"source": "a"}'], "detail-type"),
        ([_event({}), _event({}).replace("Order Placed", "Other")], "same source"),
        ([_event({})] * 11, "length less than or equal to 10"),
    ],
)
def test_get_discovered_schema_bad_events(schemas: Any, events: list[str], fragment: str) -> None:
    with pytest.raises(schemas.exceptions.BadRequestException) as info:
        schemas.get_discovered_schema(Type="OpenApi3", Events=events)
    assert fragment in error_of(info)[2]
