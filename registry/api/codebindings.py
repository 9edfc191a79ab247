"""PutCodeBinding, DescribeCodeBinding and GetCodeBindingSource.

The first two are handlers of the REST-JSON protocol like any other operation. The third
answers with the zip itself: botocore's model makes its output a ``Body`` blob that is the
whole payload (``"payload": "Body"``), which botocore reads as a raw stream
(``StreamingBody``), not JSON. The protocol module renders JSON bodies only, so this
operation is a route of its own, mounted before the API's catch-all route, with errors
rendered exactly as the API renders them. The body is ``application/octet-stream``,
the content type AWS's protocols give a blob payload without a media type.

The archive's main file (the one to open first) travels percent-encoded in the
``x-eventbus-main-file`` header, which AWS clients ignore and ``eventbus codegen`` prints.
"""

from __future__ import annotations

import logging
import uuid
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from eventbus.errors import EventsError
from registry.api.protocol import Handler, RestJsonApi, Wire
from registry.codebindings import CodeBinding, CodeBindingService
from registry.errors import BadRequestError, InternalServerError, SchemasError

log = logging.getLogger(__name__)

SOURCE_PATH = "/v1/registries/name/{registry}/schemas/name/{schema}/language/{language}/source"
MAIN_FILE_HEADER = "x-eventbus-main-file"


def binding_wire(binding: CodeBinding) -> Wire:
    return {
        "CreationDate": binding.created,
        "LastModified": binding.last_modified,
        "SchemaVersion": binding.version,
        "Status": str(binding.status),
    }


def handlers(service: CodeBindingService) -> dict[str, Handler]:
    async def put_code_binding(req: Wire) -> Wire:
        binding = await service.put(
            req["RegistryName"], req["SchemaName"], req.get("SchemaVersion"), req["Language"]
        )
        return binding_wire(binding)

    async def describe_code_binding(req: Wire) -> Wire:
        binding = await service.describe(
            req["RegistryName"], req["SchemaName"], req.get("SchemaVersion"), req["Language"]
        )
        return binding_wire(binding)

    return {
        "PutCodeBinding": put_code_binding,
        "DescribeCodeBinding": describe_code_binding,
    }


def source_routes(service: CodeBindingService) -> list[Route]:
    async def get_code_binding_source(request: Request) -> Response:
        request_id = str(uuid.uuid4())
        params = request.path_params
        try:
            source = await service.source(
                params["registry"],
                params["schema"],
                request.query_params.get("schemaVersion"),
                params["language"],
            )
        except Exception as error:
            return RestJsonApi.error_response(_as_schemas_error(error, request), request_id)
        return Response(
            source.archive,
            media_type="application/octet-stream",
            headers={"x-amzn-RequestId": request_id, MAIN_FILE_HEADER: quote(source.main_file)},
        )

    return [Route(SOURCE_PATH, get_code_binding_source, methods=["GET"])]


def _as_schemas_error(error: Exception, request: Request) -> SchemasError:
    if isinstance(error, SchemasError):
        return error
    if isinstance(error, EventsError) and error.status < 500:
        return BadRequestError(error.message)
    log.exception("%s %s failed", request.method, request.url.path, exc_info=error)
    return InternalServerError("An internal error occurred.")
