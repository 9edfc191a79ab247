"""Small helpers shared by the registry tests."""

from __future__ import annotations

import json
from typing import Any

import pytest


def openapi(detail: dict[str, Any] | None = None, title: str = "Thing") -> str:
    """A small valid OpenAPI 3 schema document, as text."""
    properties = detail or {"id": {"type": "string"}}
    return json.dumps(
        {
            "openapi": "3.0.0",
            "info": {"title": title, "version": "1.0.0"},
            "paths": {},
            "components": {"schemas": {title: {"type": "object", "properties": properties}}},
        }
    )


def error_of(info: pytest.ExceptionInfo[Any]) -> tuple[int, str, str]:
    response = info.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )
