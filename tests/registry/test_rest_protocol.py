"""The Schemas REST protocol with raw HTTP: malformed input is a 4xx with AWS's error shape,
never a 500."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from registry.api.protocol import RestJsonApi, schemas_model
from tests.registry.helpers import openapi
from tests.support.server import ServerProcess


def call(
    server: ServerProcess, method: str, path: str, body: str | bytes | None = None
) -> httpx.Response:
    return httpx.request(
        method,
        server.url + path,
        content=body,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )


def check_error(response: httpx.Response, status: int, code: str, fragment: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["x-amzn-errortype"] == code
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["Code"] == code
    assert fragment in body["Message"], body["Message"]


def test_success_shape(server: ServerProcess) -> None:
    response = call(server, "GET", "/v1/registries?limit=1")
    assert response.status_code == 200
    assert response.headers["x-amzn-requestid"]
    body = response.json()
    assert len(body["Registries"]) == 1
    assert set(body["Registries"][0]) == {"RegistryArn", "RegistryName", "tags"}
    assert body["NextToken"]


def test_wire_names_and_timestamps(server: ServerProcess, registry: str) -> None:
    created = call(
        server,
        "POST",
        f"/v1/registries/name/{registry}/schemas/name/a%40B",
        json.dumps({"Type": "OpenApi3", "Content": openapi(), "tags": {"k": "v"}}),
    )
    assert created.status_code == 201
    body = created.json()
    assert body["tags"] == {"k": "v"}
    assert body["SchemaName"] == "a@B"
    assert body["VersionCreatedDate"].endswith("Z")
    assert "T" in body["VersionCreatedDate"]


@pytest.mark.parametrize(
    ("method", "path", "body", "fragment"),
    [
        ("POST", "/v1/registries/name/{r}x", "{not json", "not valid JSON"),
        ("POST", "/v1/registries/name/{r}x", "[1, 2]", "JSON object"),
        ("POST", "/v1/registries/name/{r}x", '{"Description": 5}', "string"),
        ("POST", "/v1/registries/name/{r}x", '{"Description": "' + "d" * 257 + '"}', "256"),
        ("POST", "/v1/registries/name/{r}x", '{"tags": ["a"]}', "object"),
        ("POST", "/v1/registries/name/{r}x", '{"tags": {"a": 1}}', "string"),
        ("POST", "/v1/registries/name/%FF%FE", "{}", "UTF-8"),
        ("POST", "/v1/registries/name/a%2Fb", "{}", "registry name"),
        ("POST", "/v1/registries/name/{r}/schemas/name/s", "{}", "Value null at 'content'"),
        (
            "POST",
            "/v1/registries/name/{r}/schemas/name/s",
            '{"Type": "Avro", "Content": "{}"}',
            "enum",
        ),
        (
            "POST",
            "/v1/registries/name/{r}/schemas/name/s",
            '{"Type": "OpenApi3", "Content": {"openapi": "3.0.0"}}',
            "string",
        ),
        (
            "POST",
            "/v1/registries/name/{r}/schemas/name/s",
            '{"Type": "OpenApi3", "Content": ""}',
            "greater than or equal to 1",
        ),
        ("GET", "/v1/registries?limit=0", None, "greater than or equal to 1"),
        ("GET", "/v1/registries?limit=101", None, "less than or equal to 100"),
        ("GET", "/v1/registries?limit=ten", None, "integer"),
        ("GET", "/v1/registries?limit=", None, "integer"),
        ("GET", "/v1/registries?nextToken=%25%25%25", None, "NextToken"),
        ("GET", "/v1/registries?scope=ALL", None, "Scope"),
        ("GET", "/v1/registries/name/{r}/schemas?limit=-5", None, "greater than"),
        ("GET", "/v1/registries/name/{r}/schemas/search", None, "keywords"),
        ("GET", "/v1/registries/name/{r}/schemas/name/s/export", None, "type"),
        ("POST", "/v1/discover", '{"Type": "OpenApi3", "Events": []}', "length"),
        ("POST", "/v1/discover", '{"Type": "OpenApi3", "Events": "x"}', "list"),
        ("POST", "/v1/discover", '{"Type": "OpenApi3", "Events": [5]}', "string"),
        ("POST", "/v1/discover", '{"Type": "OpenApi3", "Events": ["{\\"a\\": 1}"]}', "source"),
        ("PUT", "/v1/policy?registryName={r}", '{"Policy": 5}', "Policy"),
        ("PUT", "/v1/policy?registryName={r}", "{}", "Value null at 'policy'"),
        (
            "DELETE",
            "/tags/arn%3Aaws%3Aschemas%3Aus-east-1%3A000000000000%3Aregistry%2F{r}",
            None,
            "tagKeys",
        ),
    ],
)
def test_bad_requests(
    server: ServerProcess, registry: str, method: str, path: str, body: str | None, fragment: str
) -> None:
    response = call(server, method, path.replace("{r}", registry), body)
    check_error(response, 400, "BadRequestException", fragment)


def test_deeply_nested_content(server: ServerProcess, registry: str) -> None:
    nested: Any = {"type": "string"}
    for _ in range(150):
        nested = {"type": "object", "properties": {"a": nested}}
    content = json.dumps(
        {
            "openapi": "3.0.0",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {"Deep": nested}},
        }
    )
    response = call(
        server,
        "POST",
        f"/v1/registries/name/{registry}/schemas/name/deep",
        json.dumps({"Type": "OpenApi3", "Content": content}),
    )
    check_error(response, 400, "BadRequestException", "nested")


def test_policy_may_be_sent_as_an_object(server: ServerProcess, registry: str) -> None:
    policy = {"Version": "2012-10-17", "Statement": []}
    response = call(
        server, "PUT", f"/v1/policy?registryName={registry}", json.dumps({"Policy": policy})
    )
    assert response.status_code == 200
    assert json.loads(response.json()["Policy"]) == policy


def test_unknown_paths_and_methods(server: ServerProcess) -> None:
    check_error(call(server, "GET", "/v1/nothing/here"), 404, "NotFoundException", "No operation")
    check_error(
        call(server, "PATCH", "/v1/registries/name/x"), 404, "NotFoundException", "DELETE, GET"
    )


def test_unserved_operations() -> None:
    # An operation of the model no handler serves: 501, whatever other packages plug in.
    api = RestJsonApi(schemas_model(), {})
    app = Starlette(routes=[Route("/v1/{path:path}", api.handle, methods=["GET"])])

    async def get() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as http:
            return await http.get("http://testserver/v1/registries")

    check_error(asyncio.run(get()), 501, "NotImplemented", "ListRegistries")


def test_tags_path_with_unencoded_arn(server: ServerProcess, registry: str) -> None:
    arn = f"arn:aws:schemas:us-east-1:000000000000:registry/{registry}"
    tagged = call(server, "POST", f"/tags/{arn}", json.dumps({"tags": {"a": "b"}}))
    assert tagged.status_code == 204
    listed = call(server, "GET", f"/tags/{arn}")
    assert listed.json() == {"tags": {"a": "b"}}


def test_events_api_still_served(server: ServerProcess) -> None:
    response = httpx.post(
        server.url + "/",
        content="{}",
        headers={
            "X-Amz-Target": "AWSEvents.ListEventBuses",
            "Content-Type": "application/x-amz-json-1.1",
        },
        timeout=30,
    )
    assert response.status_code == 200
