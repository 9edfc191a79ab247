"""``eventbus codegen``: fetch a schema version's code bindings from a running server.

It goes through the server's code-binding API as any AWS client would: PutCodeBinding,
DescribeCodeBinding until ``CREATE_COMPLETE``, then GetCodeBindingSource. The zip is
unpacked into ``--out`` (one folder named after the schema) and the path of its main file,
the one to open first, is printed. Like the other registry commands it talks to
``--endpoint`` (``$EVENTBUS_ENDPOINT``, default ``http://127.0.0.1:4010``) and exits with
status 1 and the server's message when the server refuses.
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, unquote

import httpx
import typer

from registry.cli import DEFAULT_ENDPOINT, EndpointOption

_TIMEOUT_SECONDS = 30.0
#: How long to wait for CREATE_COMPLETE; typical schemas take milliseconds.
_WAIT_SECONDS = 60.0
_FIRST_POLL_SECONDS = 0.05
_MAX_POLL_SECONDS = 1.0


class _Failed(Exception):
    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def __str__(self) -> str:
        where = f" ({self.status})" if self.status is not None else ""
        return f"error{where}: {self.message}"


def codegen(
    registry: Annotated[str, typer.Option("--registry", help="Registry of the schema")],
    schema: Annotated[str, typer.Option("--schema", help="Schema name")],
    language: Annotated[
        str, typer.Option("--language", help="Python, Python36, Java8, TypeScript3 or Go1")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Folder to unpack the bindings into (created if needed)")
    ],
    version: Annotated[
        str | None, typer.Option("--version", help="Schema version (default: the latest)")
    ] = None,
    endpoint: EndpointOption = None,
) -> None:
    """Generate a schema's code bindings on the server and unpack them into a folder."""
    base = (endpoint or os.environ.get("EVENTBUS_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
    path = (
        f"/v1/registries/name/{quote(registry, safe='')}/schemas/name/{quote(schema, safe='')}"
        f"/language/{quote(language, safe='')}"
    )
    query = {"schemaVersion": version} if version is not None else {}
    try:
        with httpx.Client(base_url=base, timeout=_TIMEOUT_SECONDS) as client:
            _wait_until_complete(client, path, query)
            response = _send(client, "GET", path + "/source", query)
    except _Failed as failed:
        typer.echo(str(failed), err=True)
        raise typer.Exit(1) from None
    except httpx.HTTPError as error:
        typer.echo(f"error: cannot reach {base}: {error}", err=True)
        raise typer.Exit(1) from None
    out.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        # extractall keeps every entry inside `out`, whatever its name says.
        archive.extractall(out)
        names = archive.namelist()
    main_file = unquote(response.headers.get("x-eventbus-main-file", "")) or names[0]
    typer.echo(str(out / main_file))


def _wait_until_complete(client: httpx.Client, path: str, query: dict[str, str]) -> None:
    status = _send(client, "POST", path, query).json()["Status"]
    delay = _FIRST_POLL_SECONDS
    deadline = time.monotonic() + _WAIT_SECONDS
    while status == "CREATE_IN_PROGRESS":
        if time.monotonic() > deadline:
            raise _Failed(f"the bindings were not ready after {_WAIT_SECONDS:.0f} s")
        time.sleep(delay)
        delay = min(delay * 2, _MAX_POLL_SECONDS)
        status = _send(client, "GET", path, query).json()["Status"]
    if status != "CREATE_COMPLETE":
        # GetCodeBindingSource says why the generation failed.
        _send(client, "GET", path + "/source", query)
        raise _Failed(f"code generation ended with {status}")


def _send(client: httpx.Client, method: str, path: str, query: dict[str, str]) -> httpx.Response:
    response = client.request(method, path, params=query)
    if response.is_success:
        return response
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    message = body.get("Message") if isinstance(body, dict) else None
    raise _Failed(message or response.text, response.status_code)
