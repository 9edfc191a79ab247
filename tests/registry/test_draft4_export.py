"""Converting OpenAPI 3 documents to JSON Schema Draft 4 (``registry.export``)."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft4Validator

from registry.export import DRAFT4_URI, openapi_to_draft4


def document(schemas: dict[str, Any], version: str = "3.0.0") -> dict[str, Any]:
    return {
        "openapi": version,
        "info": {"title": "Doc", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }


def convert(schemas: dict[str, Any], version: str = "3.0.0") -> dict[str, Any]:
    result = openapi_to_draft4(document(schemas, version))
    Draft4Validator.check_schema(result)
    return result


def test_root_is_the_event_component() -> None:
    result = convert(
        {
            "Detail": {
                "type": "object",
                "properties": {"self": {"$ref": "#/components/schemas/Event"}},
            },
            "Event": {
                "type": "object",
                "x-amazon-events-source": "s",
                "properties": {"detail": {"$ref": "#/components/schemas/Detail"}},
            },
        }
    )
    assert result["$schema"] == DRAFT4_URI
    assert result["title"] == "Event"
    assert result["x-amazon-events-source"] == "s"
    assert result["properties"]["detail"] == {"$ref": "#/definitions/Detail"}
    assert result["definitions"]["Detail"]["properties"]["self"] == {"$ref": "#"}
    assert "Event" not in result["definitions"]


def test_single_component_and_many_without_root() -> None:
    single = convert({"Only": {"type": "string"}})
    assert (single["title"], single["type"]) == ("Only", "string")
    assert "definitions" not in single
    many = convert({"A": {"type": "string"}, "B": {"$ref": "#/components/schemas/A"}})
    assert many["title"] == "Doc"
    assert many["definitions"]["B"] == {"$ref": "#/definitions/A"}


def test_nullable() -> None:
    result = convert(
        {
            "AWSEvent": {
                "type": "object",
                "properties": {
                    "s": {"type": "string", "nullable": True},
                    "e": {"type": "string", "enum": ["a", "b"], "nullable": True},
                    "r": {"$ref": "#/components/schemas/X", "nullable": True},
                    "f": {"type": "string", "nullable": False},
                },
            },
            "X": {"type": "object"},
        }
    )
    properties = result["properties"]
    assert properties["s"] == {"type": ["string", "null"]}
    assert properties["e"] == {"type": ["string", "null"], "enum": ["a", "b", None]}
    assert properties["r"] == {"anyOf": [{"$ref": "#/definitions/X"}, {"type": "null"}]}
    assert properties["f"] == {"type": "string"}
    validator = Draft4Validator(result)
    assert validator.is_valid({"s": None, "e": None, "r": None})
    assert not validator.is_valid({"e": "c"})


def test_openapi_only_keywords_dropped_but_properties_of_that_name_kept() -> None:
    result = convert(
        {
            "AWSEvent": {
                "type": "object",
                "discriminator": {"propertyName": "kind"},
                "properties": {
                    "example": {"type": "string", "example": "x", "readOnly": True},
                    "nullable": {"type": "boolean", "deprecated": True, "xml": {"name": "n"}},
                    "items": {"type": "array", "items": {"type": "string", "writeOnly": True}},
                },
                "externalDocs": {"url": "https://example.com"},
                "x-custom": 1,
            }
        }
    )
    assert "discriminator" not in result and "externalDocs" not in result
    assert result["x-custom"] == 1
    assert result["properties"]["example"] == {"type": "string"}
    assert result["properties"]["nullable"] == {"type": "boolean"}
    assert result["properties"]["items"] == {"type": "array", "items": {"type": "string"}}


def test_nested_keywords_are_converted() -> None:
    result = convert(
        {
            "AWSEvent": {
                "allOf": [{"$ref": "#/components/schemas/A"}],
                "not": {"$ref": "#/components/schemas/A"},
                "additionalProperties": {"$ref": "#/components/schemas/A"},
                "patternProperties": {"^x": {"$ref": "#/components/schemas/A"}},
                "items": [{"$ref": "#/components/schemas/A"}],
            },
            "A": {"type": "string"},
        }
    )
    ref = {"$ref": "#/definitions/A"}
    assert result["allOf"] == [ref]
    assert result["not"] == ref
    assert result["additionalProperties"] == ref
    assert result["patternProperties"] == {"^x": ref}
    assert result["items"] == [ref]


def test_openapi_31_forms() -> None:
    result = convert(
        {
            "AWSEvent": {
                "type": "object",
                "properties": {
                    "n": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10},
                    "c": {"const": "fixed"},
                    "t": {"type": ["string", "null"]},
                },
            }
        },
        version="3.1.0",
    )
    properties = result["properties"]
    assert properties["n"] == {
        "type": "number",
        "minimum": 0,
        "exclusiveMinimum": True,
        "maximum": 10,
        "exclusiveMaximum": True,
    }
    assert properties["c"] == {"enum": ["fixed"]}
    assert properties["t"] == {"type": ["string", "null"]}
