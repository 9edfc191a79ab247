"""Command-line clients of the registry's REST endpoints on a running server (AWS's
Schemas API and our own).

Two typer sub-apps, added to the ``eventbus`` command by ``eventbus.cli``:

    eventbus validation bind|list|unbind ...     validation at ingest (/v1/validation/...)
    eventbus schemas list|versions|show ...      find schemas, read versions (Schemas API)
    eventbus schemas diff|compatibility ...      compatibility modes and version diffs

Every command talks to ``--endpoint`` (``$EVENTBUS_ENDPOINT``, default
``http://127.0.0.1:4010``), prints the JSON answer, and exits with status 1 and the
server's message when the server refuses the request.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Annotated, Any

import typer

DEFAULT_ENDPOINT = "http://127.0.0.1:4010"
_TIMEOUT_SECONDS = 30

validation_app = typer.Typer(help="Validate events at ingest against registry schemas.")
schemas_app = typer.Typer(
    help="Find schemas and read their versions; compatibility modes and version diffs."
)

EndpointOption = Annotated[
    str | None,
    typer.Option(
        "--endpoint",
        help=f"URL of the eventbus server [env: EVENTBUS_ENDPOINT; default {DEFAULT_ENDPOINT}]",
    ),
]
BusOption = Annotated[str, typer.Option("--bus", help="Event bus name or ARN")]
SourceOption = Annotated[str, typer.Option("--source", help="The events' source")]
DetailTypeOption = Annotated[str, typer.Option("--detail-type", help="The events' detail-type")]
RegistryOption = Annotated[str, typer.Option("--registry", help="Registry name")]
SchemaOption = Annotated[str, typer.Option("--schema", help="Schema name")]


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _call(
    endpoint: str | None,
    method: str,
    path: str,
    *,
    query: dict[str, str | None] | None = None,
    body: dict[str, Any] | None = None,
) -> Any:
    base = (endpoint or os.environ.get("EVENTBUS_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
    params = {key: value for key, value in (query or {}).items() if value is not None}
    url = base + path + (f"?{urllib.parse.urlencode(params)}" if params else "")
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:
            raw = response.read()
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            message = json.loads(raw).get("Message") or raw.decode()
        except (ValueError, AttributeError):
            message = raw.decode(errors="replace")
        raise _Refused(error.code, message) from None
    except urllib.error.URLError as error:
        raise _Refused(0, f"cannot reach {base}: {error.reason}") from None
    return json.loads(raw) if raw else None


def _answer(endpoint: str | None, method: str, path: str, **kwargs: Any) -> Any:
    """The server's answer; on a refusal, its message and exit status 1."""
    try:
        return _call(endpoint, method, path, **kwargs)
    except _Refused as refused:
        typer.echo(f"error ({refused.status}): {refused.message}", err=True)
        raise typer.Exit(1) from None


def _all_pages(
    endpoint: str | None, path: str, member: str, query: dict[str, str | None] | None = None
) -> list[Any]:
    """Every item of a paged Schemas API list, following NextToken."""
    items: list[Any] = []
    token: str | None = None
    while True:
        answer = _answer(endpoint, "GET", path, query={**(query or {}), "nextToken": token})
        items += answer.get(member, [])
        token = answer.get("NextToken")
        if not token:
            return items


def _run(endpoint: str | None, method: str, path: str, **kwargs: Any) -> None:
    answer = _answer(endpoint, method, path, **kwargs)
    if answer is not None:
        typer.echo(json.dumps(answer, indent=2))


def _quote(name: str) -> str:
    return urllib.parse.quote(name, safe="")


# -- validation ----------------------------------------------------------------------------


@validation_app.command("bind")
def bind(
    bus: BusOption,
    source: SourceOption,
    detail_type: DetailTypeOption,
    registry: Annotated[str, typer.Option("--registry", help="Registry of the schema")],
    schema: Annotated[str, typer.Option("--schema", help="Schema name")],
    mode: Annotated[str, typer.Option("--mode", help="off, warn or reject")] = "reject",
    version: Annotated[
        str | None, typer.Option("--version", help="A fixed version (default: the latest)")
    ] = None,
    endpoint: EndpointOption = None,
) -> None:
    """Bind (bus, source, detail-type) to a schema; replaces an existing binding."""
    body: dict[str, Any] = {
        "EventBusName": bus,
        "Source": source,
        "DetailType": detail_type,
        "RegistryName": registry,
        "SchemaName": schema,
        "Mode": mode,
    }
    if version is not None:
        body["SchemaVersion"] = version
    _run(endpoint, "PUT", "/v1/validation/bindings", body=body)


@validation_app.command("list")
def list_bindings(
    bus: Annotated[str | None, typer.Option("--bus", help="Only this bus")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Only this source")] = None,
    detail_type: Annotated[
        str | None, typer.Option("--detail-type", help="Only this detail-type")
    ] = None,
    endpoint: EndpointOption = None,
) -> None:
    """List bindings, with how many events each warned about or rejected."""
    query = {"eventBusName": bus, "source": source, "detailType": detail_type}
    _run(endpoint, "GET", "/v1/validation/bindings", query=query)


@validation_app.command("unbind")
def unbind(
    bus: BusOption,
    source: SourceOption,
    detail_type: DetailTypeOption,
    endpoint: EndpointOption = None,
) -> None:
    """Remove the binding of (bus, source, detail-type)."""
    query: dict[str, str | None] = {
        "eventBusName": bus,
        "source": source,
        "detailType": detail_type,
    }
    _run(endpoint, "DELETE", "/v1/validation/bindings", query=query)


# -- finding schemas ------------------------------------------------------------------------


def _schema_path(registry: str, schema: str) -> str:
    return f"/v1/registries/name/{_quote(registry)}/schemas/name/{_quote(schema)}"


@schemas_app.command("list")
def list_schemas(
    registry: RegistryOption,
    prefix: Annotated[
        str | None, typer.Option("--prefix", help="Only schemas whose name starts with this")
    ] = None,
    endpoint: EndpointOption = None,
) -> None:
    """List a registry's schemas (e.g. --registry discovered-schemas), every page."""
    path = f"/v1/registries/name/{_quote(registry)}/schemas"
    found = _all_pages(endpoint, path, "Schemas", {"schemaNamePrefix": prefix})
    typer.echo(json.dumps({"Schemas": found}, indent=2))


@schemas_app.command("versions")
def list_versions(
    registry: RegistryOption, schema: SchemaOption, endpoint: EndpointOption = None
) -> None:
    """List the versions of a schema."""
    path = _schema_path(registry, schema) + "/versions"
    found = _all_pages(endpoint, path, "SchemaVersions")
    typer.echo(json.dumps({"SchemaVersions": found}, indent=2))


@schemas_app.command("show")
def show(
    registry: RegistryOption,
    schema: SchemaOption,
    version: Annotated[
        str | None, typer.Option("--version", help="The version (default: the latest)")
    ] = None,
    endpoint: EndpointOption = None,
) -> None:
    """Describe a schema version, its Content shown as the JSON document it holds."""
    path = _schema_path(registry, schema)
    answer = _answer(endpoint, "GET", path, query={"schemaVersion": version})
    # The registry accepts only valid JSON content, so this always parses.
    answer["Content"] = json.loads(answer["Content"])
    typer.echo(json.dumps(answer, indent=2))


# -- compatibility and diffs ----------------------------------------------------------------


@schemas_app.command("compatibility")
def compatibility(
    registry: Annotated[str, typer.Argument(help="Registry name")],
    schema: Annotated[
        str | None, typer.Argument(help="Schema name (omit for the registry's own mode)")
    ] = None,
    set_mode: Annotated[
        str | None,
        typer.Option(
            "--set",
            help="NONE, BACKWARD, FORWARD, FULL, or one of those with _TRANSITIVE",
        ),
    ] = None,
    clear: Annotated[
        bool, typer.Option("--clear", help="Drop the schema's own mode (the registry's applies)")
    ] = False,
    endpoint: EndpointOption = None,
) -> None:
    """Show the compatibility mode in force, or set it (--set) or clear it (--clear)."""
    path = f"/v1/registries/name/{_quote(registry)}"
    if schema is not None:
        path += f"/schemas/name/{_quote(schema)}"
    path += "/compatibility"
    if set_mode is not None and clear:
        typer.echo("error: --set and --clear exclude each other", err=True)
        raise typer.Exit(2)
    if clear:
        if schema is None:
            typer.echo("error: --clear applies to a schema's own mode", err=True)
            raise typer.Exit(2)
        _run(endpoint, "DELETE", path)
    elif set_mode is not None:
        _run(endpoint, "PUT", path, body={"Compatibility": set_mode})
    else:
        _run(endpoint, "GET", path)


@schemas_app.command("diff")
def diff(
    registry: Annotated[str, typer.Argument(help="Registry name")],
    schema: Annotated[str, typer.Argument(help="Schema name")],
    from_version: Annotated[str, typer.Option("--from", help="The older version")],
    to_version: Annotated[
        str | None, typer.Option("--to", help="The newer version (default: the latest)")
    ] = None,
    endpoint: EndpointOption = None,
) -> None:
    """The changes between two versions, and which compatibility each one breaks."""
    path = f"/v1/registries/name/{_quote(registry)}/schemas/name/{_quote(schema)}/diff"
    _run(endpoint, "GET", path, query={"from": from_version, "to": to_version})
