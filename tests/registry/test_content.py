"""Checking schema content (``registry.content``) and names (``registry.names``)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from registry.content import digest, json_path, parse_document, validate_content
from registry.errors import BadRequestError
from registry.models import SchemaType
from registry.names import SchemaArns, check_registry_name, check_schema_name


def openapi(schemas: dict[str, Any], version: str = "3.0.0") -> str:
    return json.dumps(
        {
            "openapi": version,
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas},
        }
    )


def refused(content: str, schema_type: SchemaType = SchemaType.OPENAPI3) -> str:
    with pytest.raises(BadRequestError) as info:
        validate_content(content, schema_type)
    return info.value.message


def test_valid_documents() -> None:
    validate_content(openapi({"A": {"type": "object", "nullable": True}}), SchemaType.OPENAPI3)
    validate_content(
        openapi({"A": {"type": ["string", "null"], "exclusiveMinimum": 1}}, "3.1.0"),
        SchemaType.OPENAPI3,
    )
    validate_content(
        '{"definitions": {"a": {}}, "$ref": "#/definitions/a"}', SchemaType.JSONSCHEMA_DRAFT4
    )


def test_paths_in_messages() -> None:
    message = refused(openapi({"Order": {"properties": {"lines": {"items": {"type": 1}}}}}))
    assert "$.components.schemas.Order.properties.lines.items.type" in message
    message = refused(openapi({"Odd name": {"required": "x"}}))
    assert '$.components.schemas["Odd name"].required' in message
    message = refused(openapi({"A": {"type": "integer", "exclusiveMinimum": 1}}))
    assert "exclusiveMinimum" in message  # 3.0 follows Draft 4: a boolean


def test_openapi_structure() -> None:
    assert "paths" in refused(
        json.dumps({"openapi": "3.0.1", "info": {"title": "t", "version": "1"}})
    )
    assert "$.info" in refused(json.dumps({"openapi": "3.0.0", "paths": {}}))
    assert "3.x" in refused(json.dumps({"openapi": 3}))
    assert "a schema object" in refused(openapi({"A": 5}))


def test_refs_must_resolve() -> None:
    message = refused(openapi({"A": {"items": {"$ref": "#/components/schemas/B"}}}))
    assert "$.components.schemas.A.items.$ref" in message
    validate_content(
        openapi({"A B": {}, "C": {"$ref": "#/components/schemas/A%20B"}}), SchemaType.OPENAPI3
    )
    message = refused('{"$ref": "#/definitions/nope"}', SchemaType.JSONSCHEMA_DRAFT4)
    assert "#/definitions/nope" in message


def test_json_errors() -> None:
    assert "not valid JSON" in refused("{")
    assert "not valid JSON" in refused('{"a": NaN}')
    assert "got an array" in refused("[]")
    deep = "[" * 150 + "]" * 150
    with pytest.raises(BadRequestError, match="nested"):
        parse_document('{"a": ' + deep + "}")


def test_digest_ignores_formatting_only() -> None:
    a = digest({"a": 1, "b": [1, 2]}, SchemaType.OPENAPI3)
    assert a == digest({"b": [1, 2], "a": 1}, SchemaType.OPENAPI3)
    assert a != digest({"a": 1, "b": [2, 1]}, SchemaType.OPENAPI3)
    assert a != digest({"a": 1, "b": [1, 2]}, SchemaType.JSONSCHEMA_DRAFT4)


def test_json_path() -> None:
    assert json_path(["a", 0, "b c", "$ref"]) == '$.a[0]["b c"].$ref'


def test_names() -> None:
    assert check_registry_name("aws.events") == "aws.events"
    assert check_schema_name("aws.ec2@EC2InstanceStateChangeNotification")
    for bad in ("", "a b", "a/b", "x" * 65):
        with pytest.raises(BadRequestError):
            check_registry_name(bad)
    for bad in ("", "a b", "a/b", "x" * 386):
        with pytest.raises(BadRequestError):
            check_schema_name(bad)


def test_arns() -> None:
    arns = SchemaArns("us-east-1", "000000000000")
    assert arns.parse(arns.registry("r")) == ("r", None)
    assert arns.parse(arns.schema("r", "a@B")) == ("r", "a@B")
    assert arns.parse("arn:aws:schemas:eu-west-1:000000000000:registry/r") is None
    assert arns.parse("arn:aws:schemas:us-east-1:000000000000:schema/r") is None
    with pytest.raises(BadRequestError):
        arns.parse("not-an-arn")
