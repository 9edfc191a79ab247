"""Compiled validators: what they accept, where they say an event fails, bad schemas."""

from __future__ import annotations

import json
from typing import Any

import pytest

from registry.infer import infer_openapi
from registry.validation.validator import (
    EventValidator,
    InvalidSchemaError,
    ValidatorCache,
    compile_content,
)

OPENAPI: dict[str, Any] = {
    "openapi": "3.0.0",
    "info": {"title": "OrderPlaced", "version": "1.0.0"},
    "paths": {},
    "components": {
        "schemas": {
            "AWSEvent": {
                "type": "object",
                "required": ["detail", "source", "time"],
                "x-amazon-events-source": "shop",
                "x-amazon-events-detail-type": "Order Placed",
                "properties": {
                    "detail": {"$ref": "#/components/schemas/OrderPlaced"},
                    "source": {"type": "string"},
                    "time": {"type": "string", "format": "date-time"},
                },
            },
            "OrderPlaced": {
                "type": "object",
                "required": ["order_id", "items"],
                "properties": {
                    "order_id": {"type": "string"},
                    "total": {"type": "number", "minimum": 0},
                    "currency": {"type": "string", "enum": ["EUR", "USD"]},
                    "coupon": {"type": "string", "nullable": True},
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                },
            },
            "Item": {
                "type": "object",
                "required": ["qty"],
                "properties": {"qty": {"type": "integer"}},
            },
        }
    },
}


def event(**detail: Any) -> dict[str, Any]:
    body = {"order_id": "o-1", "items": [{"qty": 1}], **detail}
    return {"source": "shop", "time": "2024-05-01T10:00:00Z", "detail": body}


VALIDATOR = EventValidator(OPENAPI)


@pytest.mark.parametrize(
    "good",
    [event(), event(total=2.5, currency="EUR"), event(coupon=None), event(coupon="X")],
)
def test_accepts_matching_events(good: dict[str, Any]) -> None:
    assert VALIDATOR.failure(good) is None
    assert VALIDATOR.is_valid(good)


@pytest.mark.parametrize(
    ("bad", "path", "words"),
    [
        (event(total="10"), "$.detail.total", "not of type"),
        (event(total=-1), "$.detail.total", "minimum"),
        (event(currency="GBP"), "$.detail.currency", "GBP"),
        (event(items=[{"qty": 1}, {"qty": "2"}]), "$.detail.items[1].qty", "integer"),
        ({"source": "shop", "time": "2024-05-01T10:00:00Z", "detail": {}}, "$.detail", "required"),
        ({**event(), "time": "yesterday"}, "$.time", "date-time"),
    ],
)
def test_names_the_failing_path(bad: dict[str, Any], path: str, words: str) -> None:
    failure = VALIDATOR.failure(bad)
    assert failure is not None
    assert failure.path == path
    assert words in failure.reason
    assert str(failure).startswith(path)


def test_draft4_content_is_used_as_it_is() -> None:
    validator = compile_content(
        json.dumps(
            {
                "$schema": "http://json-schema.org/draft-04/schema#",
                "type": "object",
                "properties": {"detail": {"type": "object", "required": ["id"]}},
                # Draft 4's boolean exclusiveMinimum
                "definitions": {"n": {"type": "number", "minimum": 0, "exclusiveMinimum": True}},
            }
        )
    )
    assert validator.failure({"detail": {"id": 1}}) is None
    failure = validator.failure({"detail": {}})
    assert failure is not None and failure.path == "$.detail"


def test_inferred_schemas_accept_the_events_they_came_from() -> None:
    samples = [
        {
            "source": "shop",
            "detail-type": "Order Placed",
            "detail": {"id": "o-1", "at": "2024-05-01T10:00:00Z", "tags": [], "n": None},
        },
        {
            "source": "shop",
            "detail-type": "Order Placed",
            "detail": {"id": "o-2", "n": 1.5, "tags": ["a"], "c": {"x": [1, "y"]}},
        },
    ]
    validator = EventValidator(infer_openapi(samples))
    envelope = {
        "version": "0",
        "id": "e",
        "account": "000000000000",
        "region": "us-east-1",
        "time": "2024-05-01T10:00:00Z",
        "resources": [],
    }
    for sample in samples:
        assert validator.failure({**envelope, **sample}) is None


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{not json", "not JSON"),
        ("[1]", "not a JSON object"),
        (json.dumps({"type": "objectx"}), "not a valid JSON Schema"),
        (json.dumps({"openapi": "3.0.0", "info": {}}), "components"),
        # Remote references are never fetched.
        (json.dumps({"$ref": "http://127.0.0.1:9/schema.json"}), "not a valid JSON Schema"),
    ],
)
def test_bad_schemas_do_not_compile(content: str, words: str) -> None:
    with pytest.raises(InvalidSchemaError, match=words):
        compile_content(content)


def test_cache_evicts_the_least_recently_used() -> None:
    cache = ValidatorCache(size=2)
    a, b, c = (("r", "s", str(n)) for n in range(3))
    cache.put(a, VALIDATOR)
    cache.put(b, VALIDATOR)
    assert cache.get(a) is VALIDATOR  # a is now the most recent
    cache.put(c, VALIDATOR)
    assert cache.get(b) is None
    assert cache.get(a) is VALIDATOR and cache.get(c) is VALIDATOR
