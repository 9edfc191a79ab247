"""Every error class reaches boto3 as its own exception class, with AWS's code and status.

Some errors (Unauthorized, TooManyRequests, InternalServerError) cannot be provoked through
the real service on demand, so this test serves the REST protocol in process with a
handler that raises the error asked for, and routes boto3's requests to it through
botocore's ``before-send`` hook: botocore's own parser decides which class it raises.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from starlette.applications import Starlette
from starlette.routing import Route

from registry import errors
from registry.api.protocol import RestJsonApi, Wire, schemas_model
from tests.api.conftest import client

RAISED: dict[str, Exception] = {
    "BadRequestException": errors.BadRequestError("bad"),
    "UnauthorizedException": errors.UnauthorizedError("who are you"),
    "ForbiddenException": errors.ForbiddenError("no"),
    "NotFoundException": errors.NotFoundError("gone"),
    "ConflictException": errors.ConflictError("taken"),
    "PreconditionFailedException": errors.PreconditionFailedError("stale"),
    "TooManyRequestsException": errors.TooManyRequestsError("slow down"),
    "InternalServerErrorException": errors.InternalServerError("oops"),
    "unexpected": RuntimeError("a bug"),
}


async def raising(request: Wire) -> Wire:
    raise RAISED[request["RegistryNamePrefix"]]


class _Body:
    def __init__(self, content: bytes) -> None:
        self._content = content

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._content


@pytest.fixture(scope="module")
def in_process() -> Any:
    api = RestJsonApi(schemas_model(), {"ListRegistries": raising})
    app = Starlette(routes=[Route("/v1/{path:path}", api.handle, methods=["GET"])])

    async def forward(request: AWSPreparedRequest) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport) as http:
            return await http.request(
                request.method, request.url, headers=dict(request.headers), content=request.body
            )

    def send(request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        response = asyncio.run(forward(request))
        return AWSResponse(
            request.url, response.status_code, dict(response.headers), _Body(response.content)
        )

    schemas = client("schemas", "http://testserver")
    schemas.meta.events.register("before-send.schemas", send)
    return schemas


@pytest.mark.parametrize(
    ("trigger", "status", "code", "message"),
    [
        ("BadRequestException", 400, "BadRequestException", "bad"),
        ("UnauthorizedException", 401, "UnauthorizedException", "who are you"),
        ("ForbiddenException", 403, "ForbiddenException", "no"),
        ("NotFoundException", 404, "NotFoundException", "gone"),
        ("ConflictException", 409, "ConflictException", "taken"),
        ("PreconditionFailedException", 412, "PreconditionFailedException", "stale"),
        ("TooManyRequestsException", 429, "TooManyRequestsException", "slow down"),
        ("InternalServerErrorException", 500, "InternalServerErrorException", "oops"),
        ("unexpected", 500, "InternalServerErrorException", "An internal error occurred."),
    ],
)
def test_error_class(in_process: Any, trigger: str, status: int, code: str, message: str) -> None:
    exception_class = getattr(in_process.exceptions, code)
    with pytest.raises(exception_class) as info:
        in_process.list_registries(RegistryNamePrefix=trigger)
    error = info.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == status
    assert error["Error"] == {"Code": code, "Message": message}
