"""AWS's REST-JSON protocol for the Schemas service, driven by botocore's service model.

For each request this module finds the operation by method and path, gathers its input
from the URI labels, the query string, headers and the JSON body into one structure keyed
by the model's member names, validates it against the model, calls the operation's
handler, and renders the result with the model's wire names (``Tags`` travels as
``tags``) and ISO 8601 timestamps. Handlers see and return member names only.

Paths are matched on the *raw* path and each label is percent-decoded on its own, so a
name like ``shop@OrderPlaced`` (sent as ``shop%40OrderPlaced``) arrives intact and an
encoded ``/`` can never shift the segments.

Errors are ``registry.errors`` classes, rendered as AWS does: the status, a
``{"Code", "Message"}`` body and the ``x-amzn-ErrorType`` header, from which botocore
picks the exception class. Any other exception is logged and becomes a 500.
"""

from __future__ import annotations

import copy
import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import orjson
from starlette.requests import Request
from starlette.responses import Response

from eventbus.errors import ConcurrentModificationError, EventsError
from eventbus.protocol.awsjson import read_body
from eventbus.protocol.shapes import ShapeValidators, load_service_model
from registry.errors import (
    BadRequestError,
    InternalServerError,
    NotFoundError,
    NotImplementedOperationError,
    SchemasError,
    TooManyRequestsError,
)

log = logging.getLogger(__name__)

Wire = dict[str, Any]
Handler = Callable[[Wire], Awaitable[Wire | None]]

#: Page sizes we accept; the model gives Limit no range, so this one is ours.
MIN_LIMIT = 1
MAX_LIMIT = 100

_LABEL = re.compile(r"\{([^}]+)\}")


def schemas_model() -> dict[str, Any]:
    """botocore's ``schemas`` model with the page-size range added to every ``Limit``."""
    model = copy.deepcopy(load_service_model("schemas"))
    shapes: dict[str, Any] = model["shapes"]
    shapes["PageLimit"] = {"type": "integer", "min": MIN_LIMIT, "max": MAX_LIMIT}
    for shape in shapes.values():
        for name, member in shape.get("members", {}).items():
            if name == "Limit":
                member["shape"] = "PageLimit"
    return model


def iso_timestamp(value: float) -> str:
    return (
        datetime.fromtimestamp(value, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


@dataclass(frozen=True, slots=True)
class _Member:
    name: str
    location: str | None  # uri, querystring, header, or None for the body
    wire: str  # the name on the wire (URI label, query key, header, or body key)
    shape: dict[str, Any]
    json_value: bool


@dataclass(frozen=True, slots=True)
class _Operation:
    name: str
    method: str
    path: re.Pattern[str]
    labels: dict[str, str]  # regex group -> URI label
    status: int
    members: tuple[_Member, ...]
    output: str | None


class RestJsonApi:
    """The Schemas REST API as one ASGI endpoint for ``/v1/...`` and ``/tags/...``."""

    def __init__(self, model: dict[str, Any], handlers: Mapping[str, Handler]) -> None:
        self._shapes: dict[str, dict[str, Any]] = model["shapes"]
        self._validators = ShapeValidators(model)
        self._operations = [
            self._compile(name, spec) for name, spec in sorted(model["operations"].items())
        ]
        self._handlers: dict[str, Handler] = {}
        for name, handler in handlers.items():
            self.add_handler(name, handler)

    def add_handler(self, operation: str, handler: Handler) -> None:
        """Serve one operation of the model (e.g. code bindings, from other packages)."""
        if operation not in self._validators.operations:
            raise ValueError(f"the schemas model has no operation {operation}")
        self._handlers[operation] = handler

    # -- compiling the model -------------------------------------------------------------

    def _compile(self, name: str, spec: dict[str, Any]) -> _Operation:
        http = spec["http"]
        template = http["requestUri"].split("?")[0]
        labels: dict[str, str] = {}
        regex = ""
        position = 0
        for index, match in enumerate(_LABEL.finditer(template)):
            regex += re.escape(template[position : match.start()])
            label = match.group(1)
            greedy = label.endswith("+") or label == "resource-arn"
            # Some SDKs leave the '/' of an ARN unencoded: let that label take the rest.
            group = f"g{index}"
            labels[group] = label.rstrip("+")
            regex += f"(?P<{group}>.+)" if greedy else f"(?P<{group}>[^/]+)"
            position = match.end()
        regex += re.escape(template[position:])
        shape_name = spec.get("input", {}).get("shape")
        members: list[_Member] = []
        if shape_name is not None:
            for member, member_spec in self._shapes[shape_name].get("members", {}).items():
                members.append(
                    _Member(
                        name=member,
                        location=member_spec.get("location"),
                        wire=member_spec.get("locationName", member),
                        shape=self._shapes[member_spec["shape"]],
                        json_value=bool(member_spec.get("jsonvalue")),
                    )
                )
        return _Operation(
            name=name,
            method=http["method"],
            path=re.compile(regex),
            labels=labels,
            status=http.get("responseCode", 200),
            members=tuple(members),
            output=spec.get("output", {}).get("shape"),
        )

    # -- serving -------------------------------------------------------------------------

    async def handle(self, request: Request) -> Response:
        request_id = str(uuid.uuid4())
        try:
            operation, labels = self._route(request)
            handler = self._handlers.get(operation.name)
            if handler is None:
                raise NotImplementedOperationError(
                    f"Operation {operation.name} is not supported by this server."
                )
            params = await self._input(operation, labels, request)
            self._validators.validate_input(operation.name, params)
            result = await handler(params)
        except Exception as error:
            return self.error_response(_as_schemas_error(error, request), request_id)
        if operation.status == 204 or operation.output is None:
            return Response(status_code=operation.status, headers={"x-amzn-RequestId": request_id})
        body = self._serialize(operation.output, result or {})
        return Response(
            orjson.dumps(body),
            status_code=operation.status,
            media_type="application/json",
            headers={"x-amzn-RequestId": request_id},
        )

    @staticmethod
    def error_response(error: SchemasError, request_id: str | None = None) -> Response:
        return Response(
            orjson.dumps({"Code": error.code, "Message": error.message}),
            status_code=error.status,
            media_type="application/json",
            headers={
                "x-amzn-RequestId": request_id or str(uuid.uuid4()),
                "x-amzn-ErrorType": error.code,
            },
        )

    def _route(self, request: Request) -> tuple[_Operation, dict[str, str]]:
        raw = request.scope.get("raw_path") or request.url.path.encode()
        path = raw.split(b"?", 1)[0].decode("latin-1")
        allowed: list[str] = []
        for operation in self._operations:
            match = operation.path.fullmatch(path)
            if match is None:
                continue
            if operation.method != request.method:
                allowed.append(operation.method)
                continue
            labels = {
                operation.labels[group]: unquote(value, errors="strict")
                for group, value in match.groupdict().items()
            }
            return operation, labels
        if allowed:
            raise NotFoundError(
                f"No operation serves {request.method} {path}; this path takes "
                + ", ".join(sorted(set(allowed)))
                + "."
            )
        raise NotFoundError(f"No operation serves {request.method} {path}.")

    async def _input(self, operation: _Operation, labels: dict[str, str], request: Request) -> Wire:
        params: Wire = {}
        body_members = [m for m in operation.members if m.location is None]
        body: Wire = {}
        if body_members:
            raw = await read_body(request)
            if raw.strip():
                try:
                    parsed = orjson.loads(raw)
                except orjson.JSONDecodeError as error:
                    raise BadRequestError(f"Request body is not valid JSON: {error}.") from None
                if not isinstance(parsed, dict):
                    raise BadRequestError("Request body must be a JSON object.")
                body = parsed
        for member in operation.members:
            if member.location == "uri":
                params[member.name] = labels[member.wire]
            elif member.location == "querystring":
                value = _query_value(member, request)
                if value is not None:
                    params[member.name] = value
            elif member.location == "header":
                header = request.headers.get(member.wire)
                if header is not None:
                    params[member.name] = header
            elif member.wire in body:
                value = body[member.wire]
                if member.json_value and value is not None and not isinstance(value, str):
                    # The model sends JSON documents as text; accept them inline as well.
                    value = orjson.dumps(value).decode()
                params[member.name] = value
        return params

    def _serialize(self, shape_name: str, value: Any) -> Any:
        shape = self._shapes[shape_name]
        kind = shape["type"]
        if value is None:
            return None
        if kind == "structure":
            out: Wire = {}
            for member, spec in shape.get("members", {}).items():
                item = value.get(member)
                if item is not None:
                    out[spec.get("locationName", member)] = self._serialize(spec["shape"], item)
            return out
        if kind == "list":
            return [self._serialize(shape["member"]["shape"], item) for item in value]
        if kind == "map":
            return {
                key: self._serialize(shape["value"]["shape"], item) for key, item in value.items()
            }
        if kind == "timestamp" and isinstance(value, int | float):
            return iso_timestamp(value)
        return value


def _query_value(member: _Member, request: Request) -> Any:
    values = request.query_params.getlist(member.wire)
    if not values:
        return None
    kind = member.shape["type"]
    if kind == "list":
        return values
    value = values[0]
    if kind in ("integer", "long"):
        try:
            return int(value)
        except ValueError:
            raise BadRequestError(
                f"Invalid value {value!r} for the query parameter {member.wire}: "
                "expected an integer."
            ) from None
    if kind == "boolean":
        if value.lower() not in ("true", "false"):
            raise BadRequestError(
                f"Invalid value {value!r} for the query parameter {member.wire}: "
                "expected true or false."
            )
        return value.lower() == "true"
    return value


def _as_schemas_error(error: Exception, request: Request) -> SchemasError:
    """Errors from the layers below, in the Schemas service's own classes."""
    if isinstance(error, SchemasError):
        return error
    if isinstance(error, ConcurrentModificationError):
        return TooManyRequestsError(error.message)
    if isinstance(error, EventsError) and error.status < 500:
        # Request validation and the shared document layer (e.g. a bad NextToken).
        return BadRequestError(error.message)
    if isinstance(error, UnicodeDecodeError):
        return BadRequestError("The request path is not valid percent-encoded UTF-8.")
    log.exception("%s %s failed", request.method, request.url.path, exc_info=error)
    return InternalServerError("An internal error occurred.")
