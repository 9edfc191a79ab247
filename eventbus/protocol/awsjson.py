"""The AWS JSON 1.0/1.1 wire protocol: ``POST /`` with ``X-Amz-Target: Prefix.Operation``.

This module only parses requests, validates them against the service model, calls the
operation's handler and renders results and errors. Handlers take the validated request
body and return the response body; they hold no protocol knowledge.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

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

#: AWS rejects request bodies much smaller than this; the cap protects our memory.
MAX_BODY_BYTES = 5 * 1024 * 1024


class AwsJsonService:
    """One AWS service spoken over the JSON protocol (e.g. ``AWSEvents``)."""

    def __init__(
        self,
        *,
        target_prefix: str,
        validators: ShapeValidators,
        handlers: Mapping[str, Handler],
        content_type: str = "application/x-amz-json-1.1",
    ) -> None:
        unknown = set(handlers) - validators.operations
        if unknown:
            raise ValueError(f"handlers for operations the model lacks: {sorted(unknown)}")
        self.target_prefix = target_prefix
        self.content_type = content_type
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
        return Response(
            orjson.dumps({"__type": error.code, "message": error.message}),
            status_code=error.status,
            media_type=self.content_type,
            headers={"x-amzn-RequestId": request_id, "x-amzn-ErrorType": error.code},
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
        return await service.handle(operation, body)


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
