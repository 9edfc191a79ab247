"""Compatibility modes end to end: REST endpoints, UpdateSchema through boto3, diffs, the CLI."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from registry.cli import schemas_app
from tests.registry.helpers import error_of
from tests.support.server import ServerProcess


def draft4(properties: dict[str, Any], required: list[str] | None = None) -> str:
    detail: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        detail["required"] = required
    return json.dumps(
        {
            "$schema": "http://json-schema.org/draft-04/schema#",
            "type": "object",
            "properties": {"detail": detail},
        }
    )


V1 = draft4({"id": {"type": "string"}, "total": {"type": "number"}}, ["id"])
#: An optional property added: compatible every way.
V2 = draft4(
    {"id": {"type": "string"}, "total": {"type": "number"}, "note": {"type": "string"}}, ["id"]
)
#: total narrowed to integer and note required: breaks backward twice.
V3 = draft4(
    {"id": {"type": "string"}, "total": {"type": "integer"}, "note": {"type": "string"}},
    ["id", "note"],
)


@pytest.fixture
def http(server: ServerProcess) -> Any:
    with httpx.Client(base_url=server.url, timeout=10) as session:
        yield session


@pytest.fixture
def schema(schemas: Any, registry: str) -> str:
    schemas.create_schema(
        RegistryName=registry, SchemaName="orders", Type="JSONSchemaDraft4", Content=V1
    )
    return "orders"


def update(schemas: Any, registry: str, schema: str, content: str) -> str:
    answer = schemas.update_schema(
        RegistryName=registry, SchemaName=schema, Type="JSONSchemaDraft4", Content=content
    )
    version: str = answer["SchemaVersion"]
    return version


def set_mode(http: Any, path: str, mode: str) -> Any:
    return http.put(f"{path}/compatibility", json={"Compatibility": mode})


def test_the_default_is_none(http: Any, schemas: Any, registry: str, schema: str) -> None:
    answer = http.get(f"/v1/registries/name/{registry}/schemas/name/{schema}/compatibility")
    assert answer.json() == {
        "RegistryName": registry,
        "SchemaName": schema,
        "Compatibility": "NONE",
        "Origin": "DEFAULT",
    }
    assert update(schemas, registry, schema, V3) == "2"  # anything goes


def test_a_breaking_update_is_a_conflict(
    http: Any, schemas: Any, registry: str, schema: str
) -> None:
    answer = set_mode(http, f"/v1/registries/name/{registry}", "BACKWARD")
    assert answer.json() == {
        "RegistryName": registry,
        "Compatibility": "BACKWARD",
        "Origin": "REGISTRY",
    }
    assert update(schemas, registry, schema, V2) == "2"
    with pytest.raises(schemas.exceptions.ConflictException) as info:
        update(schemas, registry, schema, V3)
    status, code, message = error_of(info)
    assert (status, code) == (409, "ConflictException")
    assert "not BACKWARD compatible with version 2" in message
    assert "$.detail.total: type narrowed from number to integer" in message
    assert "$.detail.note: property became required" in message
    versions = schemas.list_schema_versions(RegistryName=registry, SchemaName=schema)
    assert [v["SchemaVersion"] for v in versions["SchemaVersions"]] == ["1", "2"]


def test_a_schema_overrides_its_registry(
    http: Any, schemas: Any, registry: str, schema: str
) -> None:
    path = f"/v1/registries/name/{registry}/schemas/name/{schema}"
    set_mode(http, f"/v1/registries/name/{registry}", "FULL")
    assert set_mode(http, path, "none").json()["Origin"] == "SCHEMA"
    assert update(schemas, registry, schema, V3) == "2"
    cleared = http.delete(f"{path}/compatibility").json()
    assert (cleared["Compatibility"], cleared["Origin"]) == ("FULL", "REGISTRY")
    with pytest.raises(schemas.exceptions.ConflictException):
        update(schemas, registry, schema, V1)  # total widened back: breaks forward


def test_transitive_modes_look_at_every_version(
    http: Any, schemas: Any, registry: str, schema: str
) -> None:
    path = f"/v1/registries/name/{registry}/schemas/name/{schema}"
    without_total = draft4({"id": {"type": "string"}}, ["id"])
    total_as_text = draft4({"id": {"type": "string"}, "total": {"type": "string"}}, ["id"])
    set_mode(http, path, "BACKWARD")
    assert update(schemas, registry, schema, without_total) == "2"
    set_mode(http, path, "BACKWARD_TRANSITIVE")
    with pytest.raises(schemas.exceptions.ConflictException) as info:
        update(schemas, registry, schema, total_as_text)
    assert "every earlier version" in error_of(info)[2]
    set_mode(http, path, "BACKWARD")
    assert update(schemas, registry, schema, total_as_text) == "3"


def test_diff_between_versions(http: Any, schemas: Any, registry: str, schema: str) -> None:
    update(schemas, registry, schema, V2)
    update(schemas, registry, schema, V3)
    answer = http.get(
        f"/v1/registries/name/{registry}/schemas/name/{schema}/diff",
        params={"from": "1", "to": "3"},
    ).json()
    assert (answer["FromVersion"], answer["ToVersion"]) == ("1", "3")
    changes = {(c["Path"], c["Kind"]): c for c in answer["Changes"]}
    assert set(changes) == {
        ("$.detail.note", "PROPERTY_ADDED"),
        ("$.detail.total", "TYPE_CHANGED"),
    }
    assert changes[("$.detail.note", "PROPERTY_ADDED")]["BreaksBackward"] is True
    assert answer["Compatible"] == {"BACKWARD": False, "FORWARD": True, "FULL": False}
    latest = http.get(
        f"/v1/registries/name/{registry}/schemas/name/{schema}/diff", params={"from": "2"}
    ).json()
    assert latest["ToVersion"] == "3"


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/v1/registries/name/aws.events", {"Compatibility": "FULL"}, 403, "ForbiddenException"),
        (
            "/v1/registries/name/no-such-registry",
            {"Compatibility": "FULL"},
            404,
            "NotFoundException",
        ),
        ("{registry}", {"Compatibility": "SIDEWAYS"}, 400, "BadRequestException"),
        ("{registry}", {"Mode": "FULL"}, 400, "BadRequestException"),
        ("{registry}/schemas/name/nope", {"Compatibility": "FULL"}, 404, "NotFoundException"),
    ],
)
def test_bad_mode_requests(
    http: Any, registry: str, path: str, body: dict[str, Any], status: int, code: str
) -> None:
    target = path.replace("{registry}", f"/v1/registries/name/{registry}")
    answer = http.put(f"{target}/compatibility", json=body)
    assert (answer.status_code, answer.json()["Code"]) == (status, code)


def test_the_cli_sets_modes_and_diffs(
    server: ServerProcess, schemas: Any, registry: str, schema: str
) -> None:
    runner = CliRunner()
    target = ["--endpoint", server.url]
    result = runner.invoke(schemas_app, ["compatibility", registry, "--set", "backward", *target])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["Compatibility"] == "BACKWARD"
    shown = runner.invoke(schemas_app, ["compatibility", registry, schema, *target])
    assert json.loads(shown.output)["Origin"] == "REGISTRY"
    update(schemas, registry, schema, V2)
    diff = runner.invoke(schemas_app, ["diff", registry, schema, "--from", "1", *target])
    assert diff.exit_code == 0, diff.output
    assert json.loads(diff.output)["Changes"][0]["Path"] == "$.detail.note"
    refused = runner.invoke(schemas_app, ["compatibility", registry, "--set", "SIDEWAYS", *target])
    assert refused.exit_code == 1
    assert "Invalid Compatibility" in refused.output
