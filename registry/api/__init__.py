"""The AWS Schemas REST API (``/v1/...``, ``/tags/...``) over the registry's services.

Routes are thin: ``protocol`` parses and validates, the handler modules call a service and
name the result's members, ``protocol`` serializes. Other packages serve more operations of
the model (code bindings, discoverers) with ``RestJsonApi.add_handler``.
"""

from __future__ import annotations

from fastapi import FastAPI

from registry.api import access, registries, schemas
from registry.api.protocol import Handler, RestJsonApi, schemas_model
from registry.core import SchemaRegistry

__all__ = ["RestJsonApi", "build_api", "mount_api"]

_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"]


def build_api(registry: SchemaRegistry) -> RestJsonApi:
    handlers: dict[str, Handler] = {}
    for module in (registries, schemas, access):
        handlers.update(module.handlers(registry))
    return RestJsonApi(schemas_model(), handlers)


def mount_api(app: FastAPI, api: RestJsonApi) -> None:
    """Send every ``/v1/...`` and ``/tags/...`` request to the API, which routes on its own."""
    for prefix in ("/v1/{path:path}", "/tags/{path:path}"):
        app.add_route(prefix, api.handle, methods=_METHODS, include_in_schema=False)
