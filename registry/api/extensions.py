"""Our REST endpoints beyond AWS's model: validation bindings, compatibility modes, diffs.

JSON in and out with AWS-style member names, errors rendered exactly as the Schemas API
renders them (``{"Code", "Message"}`` and ``x-amzn-ErrorType``), so boto3-style clients
and ``eventbus validation`` / ``eventbus schemas`` read them alike:

=======  ========================================================  ==========================
PUT      /v1/validation/bindings                                   bind (body: a binding)
GET      /v1/validation/bindings?eventBusName=&source=&detailType=  list (filters optional)
DELETE   /v1/validation/bindings?eventBusName=&source=&detailType=  unbind (all three needed)
GET|PUT  /v1/registries/name/{r}/compatibility                     a registry's mode
GET|PUT|DELETE  /v1/registries/name/{r}/schemas/name/{s}/compatibility  a schema's own mode
GET      /v1/registries/name/{r}/schemas/name/{s}/diff?from=1&to=3  changes between versions
=======  ========================================================  ==========================

They are mounted before the catch-all route of the Schemas API (``registry.api``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic.alias_generators import to_pascal
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from eventbus.errors import EventsError
from registry.api.protocol import RestJsonApi, iso_timestamp
from registry.compat.diff import Change
from registry.compat.modes import Mode as CompatibilityMode
from registry.compat.modes import breaks
from registry.compat.service import CompatibilityService, InForce, parse_mode
from registry.errors import BadRequestError, SchemasError
from registry.registries import ensure_writable
from registry.schemas import SchemaService
from registry.validation.bindings import Binding, BindingService, Mode
from registry.validation.validator import InvalidSchemaError, compile_content

_BINDINGS = "/v1/validation/bindings"
_REGISTRY = "/v1/registries/name/{registry}"
_SCHEMA = _REGISTRY + "/schemas/name/{schema}"


class _Wire(BaseModel):
    model_config = ConfigDict(alias_generator=to_pascal, extra="forbid", frozen=True)


class BindingIn(_Wire):
    event_bus_name: str = Field(min_length=1)
    source: str = Field(min_length=1)
    detail_type: str = Field(min_length=1)
    registry_name: str = Field(min_length=1)
    schema_name: str = Field(min_length=1)
    #: Absent or null: always the latest version.
    schema_version: str | None = None
    mode: Mode

    @field_validator("mode", mode="before")
    @classmethod
    def _any_case(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value


class CompatibilityIn(_Wire):
    compatibility: str


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def _parse(model: type[BaseModel], raw: bytes) -> Any:
    try:
        return model.model_validate_json(raw or b"{}")
    except PydanticValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise BadRequestError(f"Invalid request body at {where}: {first['msg']}.") from None


def _query(request: Request, name: str, *, required: bool = False) -> str | None:
    value = request.query_params.get(name)
    if required and not value:
        raise BadRequestError(f"The query parameter {name} is required.")
    return value or None


Endpoint = Callable[[Request], Awaitable[Response]]


def _guarded(endpoint: Endpoint) -> Endpoint:
    async def run(request: Request) -> Response:
        try:
            return await endpoint(request)
        except SchemasError as error:
            return RestJsonApi.error_response(error)
        except EventsError as error:
            # The shared document layer's errors (a concurrent change, a bad token).
            if error.status >= 500:
                raise
            return RestJsonApi.error_response(BadRequestError(error.message))

    return run


# -- validation bindings ----------------------------------------------------------------------


async def binding_wire(bindings: BindingService, binding: Binding) -> dict[str, Any]:
    warned, rejected = await bindings.counts(binding)
    return {
        "EventBusName": binding.bus,
        "Source": binding.source,
        "DetailType": binding.detail_type,
        "RegistryName": binding.registry,
        "SchemaName": binding.schema_name,
        "SchemaVersion": binding.version,
        "Mode": str(binding.mode),
        "LastModified": iso_timestamp(binding.modified),
        "WarnedCount": warned,
        "RejectedCount": rejected,
    }


def validation_routes(
    bindings: BindingService, schemas: SchemaService, clock: Callable[[], float]
) -> list[Route]:
    async def put_binding(request: Request) -> Response:
        body: BindingIn = _parse(BindingIn, await request.body())
        # The schema must exist and compile now, not fail every event later.
        found = await schemas.get_version(body.registry_name, body.schema_name, body.schema_version)
        try:
            compile_content(found.content)
        except InvalidSchemaError as error:
            raise BadRequestError(
                f"Schema {body.schema_name} version {found.version} cannot validate events: {error}"
            ) from None
        binding = await bindings.put(
            Binding(
                bus=bindings.bus(body.event_bus_name),
                source=body.source,
                detail_type=body.detail_type,
                registry=body.registry_name,
                schema_name=body.schema_name,
                version=body.schema_version,
                mode=body.mode,
                modified=clock(),
            )
        )
        return _json(await binding_wire(bindings, binding))

    async def list_bindings(request: Request) -> Response:
        bus = _query(request, "eventBusName")
        found = await bindings.list(
            bindings.bus(bus) if bus else None,
            _query(request, "source"),
            _query(request, "detailType"),
        )
        return _json({"Bindings": [await binding_wire(bindings, b) for b in found]})

    async def delete_binding(request: Request) -> Response:
        await bindings.delete(
            bindings.bus(_query(request, "eventBusName", required=True)),
            _query(request, "source", required=True) or "",
            _query(request, "detailType", required=True) or "",
        )
        return Response(status_code=204)

    return [
        Route(_BINDINGS, _guarded(put_binding), methods=["PUT"]),
        Route(_BINDINGS, _guarded(list_bindings), methods=["GET"]),
        Route(_BINDINGS, _guarded(delete_binding), methods=["DELETE"]),
    ]


# -- compatibility ------------------------------------------------------------------------------


def _in_force_wire(registry: str, schema: str | None, in_force: InForce) -> dict[str, Any]:
    wire: dict[str, Any] = {"RegistryName": registry}
    if schema is not None:
        wire["SchemaName"] = schema
    wire["Compatibility"] = str(in_force.mode)
    wire["Origin"] = in_force.origin
    return wire


def change_wire(change: Change) -> dict[str, Any]:
    return {
        "Path": change.path,
        "Kind": str(change.kind),
        "Detail": change.detail,
        "BreaksBackward": change.breaks_backward,
        "BreaksForward": change.breaks_forward,
    }


def compatibility_routes(compat: CompatibilityService, schemas: SchemaService) -> list[Route]:
    def names(request: Request) -> tuple[str, str | None]:
        params = request.path_params
        return params["registry"], params.get("schema")

    async def get_mode(request: Request) -> Response:
        registry, schema = names(request)
        if schema is not None:
            await schemas.get_schema(registry, schema)
        return _json(_in_force_wire(registry, schema, await compat.in_force(registry, schema)))

    async def put_mode(request: Request) -> Response:
        registry, schema = names(request)
        ensure_writable(registry)
        body: CompatibilityIn = _parse(CompatibilityIn, await request.body())
        in_force = await compat.set_mode(registry, schema, parse_mode(body.compatibility))
        return _json(_in_force_wire(registry, schema, in_force))

    async def delete_mode(request: Request) -> Response:
        registry, schema = names(request)
        assert schema is not None  # only routed for schemas
        ensure_writable(registry)
        in_force = await compat.clear_schema_mode(registry, schema)
        return _json(_in_force_wire(registry, schema, in_force))

    async def diff_versions(request: Request) -> Response:
        registry, schema = names(request)
        assert schema is not None
        from_version = _query(request, "from", required=True) or ""
        to_version = _query(request, "to")
        if to_version is None:
            to_version = (await schemas.get_version(registry, schema)).version
        changes = await compat.diff(registry, schema, from_version, to_version)
        return _json(
            {
                "RegistryName": registry,
                "SchemaName": schema,
                "FromVersion": from_version,
                "ToVersion": to_version,
                "Changes": [change_wire(change) for change in changes],
                "Compatible": {
                    str(mode): not any(breaks(mode, change) for change in changes)
                    for mode in (
                        CompatibilityMode.BACKWARD,
                        CompatibilityMode.FORWARD,
                        CompatibilityMode.FULL,
                    )
                },
            }
        )

    return [
        Route(_REGISTRY + "/compatibility", _guarded(get_mode), methods=["GET"]),
        Route(_REGISTRY + "/compatibility", _guarded(put_mode), methods=["PUT"]),
        Route(_SCHEMA + "/compatibility", _guarded(get_mode), methods=["GET"]),
        Route(_SCHEMA + "/compatibility", _guarded(put_mode), methods=["PUT"]),
        Route(_SCHEMA + "/compatibility", _guarded(delete_mode), methods=["DELETE"]),
        Route(_SCHEMA + "/diff", _guarded(diff_versions), methods=["GET"]),
    ]
