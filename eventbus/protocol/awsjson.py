"""The AWS JSON 1.0/1.1 wire protocol: ``POST /`` with ``X-Amz-Target: Prefix.Operation``.

This module only parses requests, validates them against the service model, calls the
operation's handler and renders results and errors. Handlers take the validated request
body and return the response body; they hold no protocol knowledge.

Services differ in how an error is written (SQS, for one, adds a header for the error codes
of its older protocol), so each service may bring its own ``render_error``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from eventbus.errors import (
    EventsError,
    InternalError,
    SerializationError,
    UnknownOperationError,
    ValidationError,
)
from eventbus.protocol.shapes import ShapeValidators

log = logging.getLogger(__name__)

Wire = dict[str, Any]
Handler = Callable[[Wire], Awaitable[Wire | None]]

#: How a service writes an error: the JSON body, and headers beyond the request id and type.
ErrorRenderer = Callable[[EventsError], tuple[Wire, dict[str, str]]]

#: AWS rejects request bodies much smaller than this; the cap protects our memory.
MAX_BODY_BYTES = 5 * 1024 * 1024

#: The HTTP request being answered, for the rare handler whose answer depends on it (SQS
#: queue URLs name the host the client called). Set by ``AwsJsonRouter``.
current_request: ContextVar[Request | None] = ContextVar("current_request", default=None)


def aws_json_error(error: EventsError) -> tuple[Wire, dict[str, str]]:
    """The error body of the AWS JSON protocols: ``{"__type": code, "message": ...}``."""
    return {"__type": error.code, "message": error.message}, {}


class AwsJsonService:
    """One AWS service spoken over the JSON protocol (e.g. ``AWSEvents``)."""

    def __init__(
        self,
        *,
        target_prefix: str,
        validators: ShapeValidators,
        handlers: Mapping[str, Handler],
        content_type: str = "application/x-amz-json-1.1",
        render_error: ErrorRenderer = aws_json_error,
    ) -> None:
        unknown = set(handlers) - validators.operations
        if unknown:
            raise ValueError(f"handlers for operations the model lacks: {sorted(unknown)}")
        self.target_prefix = target_prefix
        self.content_type = content_type
        self._render_error = render_error
        self._validators = validators
        self._handlers = dict(handlers)

    async def handle(self, operation: str, body: bytes) -> Response:
        request_id = str(uuid.uuid4())
        try:
            result = await self._dispatch(operation, body)
        except EventsError as error:
            return self.error_response(error, request_id)
        except Exception:
            log.exception("operation %s failed", operation)
            return self.error_response(InternalError("An internal error occurred."), request_id)
        return Response(
            orjson.dumps(result or {}),
            media_type=self.content_type,
            headers={"x-amzn-RequestId": request_id},
        )

    async def _dispatch(self, operation: str, body: bytes) -> Wire | None:
        handler = self._handlers.get(operation)
        if handler is None:
            raise UnknownOperationError(f"Operation {operation} is not supported.")
        try:
            payload = orjson.loads(body) if body.strip() else {}
        except orjson.JSONDecodeError as error:
            raise SerializationError(f"Request body is not valid JSON: {error}") from None
        self._validators.validate_input(operation, payload)
        return await handler(payload)

    def error_response(self, error: EventsError, request_id: str | None = None) -> Response:
        request_id = request_id or str(uuid.uuid4())
        body, headers = self._render_error(error)
        return Response(
            orjson.dumps(body),
            status_code=error.status,
            media_type=self.content_type,
            headers={"x-amzn-RequestId": request_id, "x-amzn-ErrorType": error.code, **headers},
        )


class AwsJsonRouter:
    """Routes ``POST /`` to the service named by the X-Amz-Target prefix."""

    def __init__(self, services: list[AwsJsonService]) -> None:
        self._services = {service.target_prefix: service for service in services}
        self._fallback = services[0]

    async def __call__(self, request: Request) -> Response:
        target = request.headers.get("x-amz-target", "")
        prefix, _, operation = target.partition(".")
        service = self._services.get(prefix)
        if service is None:
            return self._fallback.error_response(
                UnknownOperationError(
                    f"Unknown X-Amz-Target {target!r}: expected one of "
                    + ", ".join(f"{p}.<Operation>" for p in sorted(self._services))
                )
            )
        try:
            body = await read_body(request)
        except EventsError as error:
            return service.error_response(error)
        token = current_request.set(request)
        try:
            return await service.handle(operation, body)
        finally:
            current_request.reset(token)


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, refusing to buffer more than ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ValidationError(f"Request body is larger than the maximum of {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ValidationError(f"Request body is larger than the maximum of {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


class AwsJsonEndpoint:
    """ASGI middleware that serves ``POST /`` (the AWS JSON protocols) itself.

    Every SDK call arrives there; answering before FastAPI's exception middleware, routing
    and request handling saves about a fifth of each call's cost. Everything else (health,
    metrics, the Schemas REST API) goes on to the app.
    """

    def __init__(self, app: ASGIApp, router: AwsJsonRouter) -> None:
        self.app = app
        self.router = router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == "/":
            response = await self.router(Request(scope, receive))
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
