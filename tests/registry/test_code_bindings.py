"""Code bindings through boto3's ``schemas`` client on a real server, per backend.

For a hand-written schema and for one found by schema discovery, every language goes
PutCodeBinding → DescribeCodeBinding (AWS's own ``CodeBindingExists`` waiter) →
GetCodeBindingSource, and the zip is then compiled and used: Python parses a sample event
into typed objects, Java compiles for Java 8 against Jackson and unmarshals it, TypeScript
passes ``tsc --strict`` with a usage file pinning field types, and a Go test unmarshals it.
Then the errors, the cache (per version, shared by processes), the service in process
(dead generations, concurrent requests) and the CLI.
"""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from eventbus.context import Context
from eventbus.services import Services
from eventbus.settings import Settings
from eventbus.store import Store
from registry.codebindings import (
    KIND,
    STALE_SECONDS,
    CodeBinding,
    CodeBindingService,
    Status,
    binding_key,
)
from registry.core import SchemaRegistry
from registry.models import SchemaType
from tests.api.conftest import client
from tests.registry.helpers import error_of
from tests.support import toolchains
from tests.support.server import ServerProcess

LANGUAGES = ["Python", "Java8", "TypeScript3", "Go1"]
DISCOVERED = "discovered-schemas"


def _envelope(source: str, detail: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Order Placed",
        "source": source,
        "account": "000000000000",
        "time": "2024-05-01T10:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": detail,
    }


@dataclass(frozen=True)
class Subject:
    """A schema to generate bindings from, an event it describes, and what each language
    must read from that event: (expression, printed value); for TypeScript (expression,
    its exact type)."""

    registry: str
    schema: str
    folder: str
    event: dict[str, Any]
    python: tuple[tuple[str, str], ...]
    java: tuple[tuple[str, str], ...]
    go: tuple[tuple[str, str], ...]
    typescript: tuple[tuple[str, str], ...]
    ts_types: tuple[str, ...] = ()


# -- the hand-written schema: nested objects, arrays of objects, an enum, dashed keys -----

ORDER_PLACED = {
    "openapi": "3.0.0",
    "info": {"title": "OrderPlaced", "version": "1.0.0"},
    "paths": {},
    "components": {
        "schemas": {
            "AWSEvent": {
                "type": "object",
                "required": ["detail", "detail-type", "source", "id", "time"],
                "x-amazon-events-source": "shop",
                "x-amazon-events-detail-type": "Order Placed",
                "properties": {
                    "detail": {"$ref": "#/components/schemas/OrderPlaced"},
                    "account": {"type": "string"},
                    "detail-type": {"type": "string"},
                    "id": {"type": "string"},
                    "region": {"type": "string"},
                    "resources": {"type": "array", "items": {"type": "string"}},
                    "source": {"type": "string"},
                    "time": {"type": "string", "format": "date-time"},
                    "version": {"type": "string"},
                },
            },
            "OrderPlaced": {
                "type": "object",
                "required": ["order-id", "status", "customer", "items"],
                "properties": {
                    "order-id": {"type": "string"},
                    "status": {"$ref": "#/components/schemas/OrderStatus"},
                    "customer": {"$ref": "#/components/schemas/Customer"},
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/LineItem"}},
                    "placed-at": {"type": "string", "format": "date-time"},
                },
            },
            "OrderStatus": {"type": "string", "enum": ["PENDING", "PAID", "in-progress"]},
            "Customer": {
                "type": "object",
                "required": ["customer-id"],
                "properties": {
                    "customer-id": {"type": "string"},
                    "address": {
                        "type": "object",
                        "properties": {
                            "city": {"type": "string"},
                            "post-code": {"type": "string"},
                        },
                    },
                },
            },
            "LineItem": {
                "type": "object",
                "required": ["sku", "quantity"],
                "properties": {
                    "sku": {"type": "string"},
                    "quantity": {"type": "integer"},
                    "unit-price": {"type": "number"},
                },
            },
        }
    },
}


@pytest.fixture(scope="module")
def hand_written(server: ServerProcess) -> Subject:
    schemas = client("schemas", server.url)
    registry = f"r{uuid.uuid4().hex[:12]}"
    schemas.create_registry(RegistryName=registry)
    schemas.create_schema(
        RegistryName=registry,
        SchemaName="shop@OrderPlaced",
        Type="OpenApi3",
        Content=json.dumps(ORDER_PLACED),
    )
    detail = {
        "order-id": "o-1",
        "status": "in-progress",
        "customer": {"customer-id": "c-7", "address": {"city": "Lyon", "post-code": "69001"}},
        "items": [{"sku": "A-1", "quantity": 2, "unit-price": 9.5}, {"sku": "B-2", "quantity": 1}],
    }
    return Subject(
        registry=registry,
        schema="shop@OrderPlaced",
        folder="shop_order_placed",
        event=_envelope("shop", detail),
        python=(
            ("event.detail.order_id", "o-1"),
            ("event.detail.customer.address.post_code", "69001"),
            ("event.detail.items[0].unit_price", "9.5"),
            ("event.detail.items[1].sku", "B-2"),
            ("type(event.detail.items[1]).__name__", "LineItem"),
            ("event.detail.status.name", "IN_PROGRESS"),
        ),
        java=(
            ("event.getDetail().getOrderId()", "o-1"),
            ("event.getDetail().getCustomer().getAddress().getPostCode()", "69001"),
            ("event.getDetail().getItems().get(0).getUnitPrice()", "9.5"),
            ("event.getDetail().getItems().get(1).getSku()", "B-2"),
            ("event.getDetail().getStatus().name()", "IN_PROGRESS"),
        ),
        go=(
            ("event.Detail.OrderID", "o-1"),
            ("*event.Detail.Customer.Address.PostCode", "69001"),
            ("*event.Detail.Items[0].UnitPrice", "9.5"),
            ("event.Detail.Items[1].Sku", "B-2"),
            ("event.Detail.Status == OrderStatusInProgress", "true"),
        ),
        typescript=(
            ('event.detail["order-id"]', "string"),
            ('event.detail.customer.address?.["post-code"]', "string | undefined"),
            ('event.detail.items.map((item) => item["unit-price"])', "(number | undefined)[]"),
            ("event.detail.status", "OrderStatus"),
        ),
        ts_types=("OrderStatus",),
    )


# -- a discovered schema -------------------------------------------------------------------


def _poll(probe: Callable[[], Any], timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while (found := probe()) is None:
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing after {timeout}s")
        time.sleep(0.05)
    return found


@pytest.fixture(scope="module")
def discovered(server: ServerProcess) -> Subject:
    events, schemas = client("events", server.url), client("schemas", server.url)
    bus = f"b{uuid.uuid4().hex[:12]}"
    source = f"shop.{uuid.uuid4().hex[:8]}"
    events.create_event_bus(Name=bus)
    schemas.create_discoverer(SourceArn=events.describe_event_bus(Name=bus)["Arn"])
    detail = {
        "order_id": "o-1",
        "status": "PAID",
        "customer": {"name": "Ann", "address": {"city": "Lyon", "post-code": "69001"}},
        "lines": [{"sku": "a", "qty": 1, "price": 9.5}, {"sku": "b", "qty": 3, "price": 2}],
    }
    entry = {
        "EventBusName": bus,
        "Source": source,
        "DetailType": "Order Placed",
        "Detail": json.dumps(detail),
    }
    assert events.put_events(Entries=[entry])["FailedEntryCount"] == 0
    name = f"{source}@OrderPlaced"

    def found() -> bool | None:
        try:
            schemas.describe_schema(RegistryName=DISCOVERED, SchemaName=name)
        except schemas.exceptions.NotFoundException:
            return None
        return True

    _poll(found)
    return Subject(
        registry=DISCOVERED,
        schema=name,
        folder=f"shop_{source.split('.')[1]}_order_placed",
        event=_envelope(source, detail),
        python=(
            ("event.detail.customer.address.post_code", "69001"),
            ("event.detail.lines[1].qty", "3"),
            ("event.detail.lines[0].price", "9.5"),
            ("type(event.detail.lines[1]).__name__", "LinesItem"),
        ),
        java=(
            ("event.getDetail().getCustomer().getAddress().getPostCode()", "69001"),
            ("event.getDetail().getLines().get(1).getQty()", "3"),
            ("event.getDetail().getLines().get(0).getPrice()", "9.5"),
        ),
        go=(
            ("event.Detail.Customer.Address.PostCode", "69001"),
            ("event.Detail.Lines[1].Qty", "3"),
            ("event.Detail.Lines[0].Price", "9.5"),
        ),
        typescript=(
            ('event.detail.customer.address["post-code"]', "string"),
            ("event.detail.lines.map((line) => line.qty)", "number[]"),
        ),
    )


# -- downloading and checking bindings --------------------------------------------------------


def download(schemas: Any, subject: Subject, language: str, into: Path) -> str:
    """Put → wait for CREATE_COMPLETE → get; unzips into ``into``, returns the one folder."""
    names = {"RegistryName": subject.registry, "SchemaName": subject.schema}
    put = schemas.put_code_binding(Language=language, **names)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert put["Status"] in ("CREATE_IN_PROGRESS", "CREATE_COMPLETE")
    assert put["SchemaVersion"] == "1"
    waiter = schemas.get_waiter("code_binding_exists")
    waiter.wait(Language=language, WaiterConfig={"Delay": 0.05, "MaxAttempts": 400}, **names)
    described = schemas.describe_code_binding(Language=language, **names)
    assert (described["Status"], described["SchemaVersion"]) == ("CREATE_COMPLETE", "1")
    assert described["CreationDate"] <= described["LastModified"]

    source = schemas.get_code_binding_source(Language=language, **names)
    assert source["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "application/octet-stream"
    with zipfile.ZipFile(io.BytesIO(source["Body"].read())) as archive:
        entries = archive.namelist()
        archive.extractall(into)
    assert {entry.split("/")[0] for entry in entries} == {subject.folder}
    assert all("/" in entry for entry in entries), entries
    return subject.folder


def check_python(subject: Subject, folder: str, root: Path) -> None:
    (root / "event.json").write_text(json.dumps(subject.event), encoding="utf-8")
    prints = "\n".join(f"print({expression})" for expression, _ in subject.python)
    script = (
        "import pathlib\n"
        f"from {folder} import AWSEvent, Marshaller, OrderPlaced\n"
        "text = pathlib.Path('event.json').read_text(encoding='utf-8')\n"
        "event = Marshaller.unmarshall(text, AWSEvent[OrderPlaced])\n"
        "assert isinstance(event.detail, OrderPlaced), type(event.detail)\n"
        f"{prints}\n"
    )
    returncode, output = toolchains.run([sys.executable, "-c", script], root)
    assert returncode == 0, output
    assert output.splitlines() == [value for _, value in subject.python]


def check_java(subject: Subject, folder: str, root: Path) -> None:
    sources = sorted((root / folder).rglob("*.java"))
    marshaller = next(path for path in sources if path.name == "Marshaller.java")
    package = ".".join(marshaller.parent.parent.relative_to(root / folder).parts)
    prints = "\n".join(
        f"        System.out.println(String.valueOf({expression}));"
        for expression, _ in subject.java
    )
    main = root / "Main.java"
    main.write_text(
        f"""\
import java.nio.file.Files;
import java.nio.file.Paths;
import {package}.AWSEvent;
import {package}.OrderPlaced;
import {package}.marshaller.Marshaller;

public class Main {{
    public static void main(String[] args) throws Exception {{
        String json = new String(Files.readAllBytes(Paths.get("event.json")), "UTF-8");
        AWSEvent<OrderPlaced> event = Marshaller.unmarshalEvent(json, OrderPlaced.class);
{prints}
    }}
}}
""",
        encoding="utf-8",
    )
    (root / "event.json").write_text(json.dumps(subject.event), encoding="utf-8")
    returncode, output = toolchains.javac([*sources, main], root / "classes", root)
    assert returncode == 0, output
    returncode, output = toolchains.java("Main", root / "classes", root)
    assert returncode == 0, output
    assert output.splitlines() == [value for _, value in subject.java]


def check_typescript(subject: Subject, folder: str, root: Path) -> None:
    toolchains.tsc_project(root)
    types = ", ".join(f"type {name}" for name in ("AWSEvent", "OrderPlaced", *subject.ts_types))
    lines = [
        f'import {{ Marshaller, {types} }} from "./{folder}/index.js";',
        "",
        "type Equal<A, B> =",
        "  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;",
        "",
        f"const json = {json.dumps(json.dumps(subject.event))};",
        "const event: AWSEvent<OrderPlaced> = Marshaller.unmarshalEvent(json);",
    ]
    for index, (expression, type_) in enumerate(subject.typescript):
        lines += [
            f"const value{index} = {expression};",
            f"export const type{index}: Equal<typeof value{index}, {type_}> = true;",
        ]
    (root / "usage.ts").write_text("\n".join(lines) + "\n", encoding="utf-8")
    returncode, output = toolchains.tsc(root)
    assert returncode == 0, output


def check_go(subject: Subject, folder: str, root: Path, go_cache: Path) -> None:
    env = toolchains.go_module(root, cache=go_cache)
    (root / folder / "testdata").mkdir()
    (root / folder / "testdata" / "event.json").write_text(json.dumps(subject.event))
    checks = "\n".join(
        f"\tif got := fmt.Sprint({expression}); got != {json.dumps(value)} {{\n"
        f'\t\tt.Errorf("{expression} = %q, want %q", got, {json.dumps(value)})\n'
        "\t}"
        for expression, value in subject.go
    )
    (root / folder / "check_test.go").write_text(
        f"""\
package {folder}

import (
\t"fmt"
\t"os"
\t"testing"
)

func TestUnmarshalEvent(t *testing.T) {{
\tdata, err := os.ReadFile("testdata/event.json")
\tif err != nil {{
\t\tt.Fatal(err)
\t}}
\tevent, err := UnmarshalEvent(data)
\tif err != nil {{
\t\tt.Fatal(err)
\t}}
{checks}
}}
""",
        encoding="utf-8",
    )
    returncode, output = toolchains.run(["go", "test", "-count=1", "./..."], root, env)
    assert returncode == 0, output


@pytest.fixture(scope="session")
def go_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One Go build cache for the session: the standard library is built once."""
    return tmp_path_factory.mktemp("go-cache")


def compile_and_use(
    subject: Subject, language: str, schemas: Any, root: Path, request: pytest.FixtureRequest
) -> None:
    # Each toolchain is looked for first, so a skip costs no generation.
    if language == "Python":
        check_python(subject, download(schemas, subject, language, root), root)
    elif language == "Java8":
        toolchains.require_java()
        check_java(subject, download(schemas, subject, language, root), root)
    elif language == "TypeScript3":
        toolchains.require_tsc()
        check_typescript(subject, download(schemas, subject, language, root), root)
    else:
        toolchains.require_go()
        folder = download(schemas, subject, language, root)
        check_go(subject, folder, root, request.getfixturevalue("go_cache"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_bindings_of_a_hand_written_schema(
    hand_written: Subject,
    language: str,
    schemas: Any,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    compile_and_use(hand_written, language, schemas, tmp_path, request)


@pytest.mark.parametrize("language", LANGUAGES)
def test_bindings_of_a_discovered_schema(
    discovered: Subject,
    language: str,
    schemas: Any,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    compile_and_use(discovered, language, schemas, tmp_path, request)


# -- errors ------------------------------------------------------------------------------------


def _operations(schemas: Any) -> list[Callable[..., Any]]:
    return [
        schemas.put_code_binding,
        schemas.describe_code_binding,
        schemas.get_code_binding_source,
    ]


def test_an_unknown_language_is_a_bad_request_naming_the_supported_ones(
    schemas: Any, hand_written: Subject
) -> None:
    for operation in _operations(schemas):
        with pytest.raises(schemas.exceptions.BadRequestException) as info:
            operation(
                RegistryName=hand_written.registry, SchemaName=hand_written.schema, Language="Rust"
            )
        status, _, message = error_of(info)
        assert status == 400
        assert "'Rust'" in message
        assert "Python, Python36, Java8, TypeScript3, Go1" in message


@pytest.mark.parametrize(
    ("registry", "schema", "version", "missing"),
    [
        (None, "nope@Nothing", None, "Schema nope@Nothing does not exist"),
        (None, "shop@OrderPlaced", "7", "Version 7 of schema shop@OrderPlaced"),
        ("no-such-registry", "shop@OrderPlaced", None, "no-such-registry"),
    ],
)
def test_a_missing_registry_schema_or_version_is_not_found(
    schemas: Any,
    hand_written: Subject,
    registry: str | None,
    schema: str,
    version: str | None,
    missing: str,
) -> None:
    names = {"RegistryName": registry or hand_written.registry, "SchemaName": schema}
    if version is not None:
        names["SchemaVersion"] = version
    for operation in _operations(schemas):
        with pytest.raises(schemas.exceptions.NotFoundException) as info:
            operation(Language="Go1", **names)
        assert error_of(info)[0] == 404
        assert missing in error_of(info)[2]


def _new_schema(schemas: Any, registry: str) -> str:
    name = f"shop@Order{uuid.uuid4().hex[:8]}"
    schemas.create_schema(
        RegistryName=registry, SchemaName=name, Type="OpenApi3", Content=json.dumps(ORDER_PLACED)
    )
    return name


def test_a_binding_never_requested_is_not_found(schemas: Any, registry: str) -> None:
    name = _new_schema(schemas, registry)
    for operation in (schemas.describe_code_binding, schemas.get_code_binding_source):
        with pytest.raises(schemas.exceptions.NotFoundException) as info:
            operation(RegistryName=registry, SchemaName=name, Language="TypeScript3")
        assert "create it with PutCodeBinding" in error_of(info)[2]


def _settled(schemas: Any, **names: str) -> dict[str, Any]:
    """DescribeCodeBinding once the generation has ended, whichever way."""

    def done() -> dict[str, Any] | None:
        described: dict[str, Any] = schemas.describe_code_binding(**names)
        return None if described["Status"] == "CREATE_IN_PROGRESS" else described

    found: dict[str, Any] = _poll(done)
    return found


def test_a_schema_codegen_cannot_read_fails_with_the_reason(schemas: Any, registry: str) -> None:
    # Valid JSON Schema Draft 4 whose references only lead to each other: no type to emit.
    looping = {
        "$ref": "#/definitions/A",
        "definitions": {"A": {"$ref": "#/definitions/B"}, "B": {"$ref": "#/definitions/A"}},
    }
    name = f"loop@Event{uuid.uuid4().hex[:8]}"
    schemas.create_schema(
        RegistryName=registry, SchemaName=name, Type="JSONSchemaDraft4", Content=json.dumps(looping)
    )
    names = {"RegistryName": registry, "SchemaName": name, "Language": "Java8"}
    schemas.put_code_binding(**names)

    assert _settled(schemas, **names)["Status"] == "CREATE_FAILED"
    with pytest.raises(schemas.exceptions.BadRequestException) as info:
        schemas.get_code_binding_source(**names)
    assert "could not be generated" in error_of(info)[2]
    assert "$ref cycle" in error_of(info)[2]
    # Asked again, it tries again (a failure may have been transient), and fails again.
    assert schemas.put_code_binding(**names)["Status"] == "CREATE_IN_PROGRESS"
    assert _settled(schemas, **names)["Status"] == "CREATE_FAILED"


# -- caching ------------------------------------------------------------------------------------


def test_bindings_are_kept_per_version(schemas: Any, registry: str) -> None:
    name = _new_schema(schemas, registry)
    names = {"RegistryName": registry, "SchemaName": name, "Language": "Go1"}
    schemas.put_code_binding(**names)
    assert _settled(schemas, **names)["Status"] == "CREATE_COMPLETE"
    first = schemas.get_code_binding_source(**names)["Body"].read()
    assert schemas.put_code_binding(**names)["Status"] == "CREATE_COMPLETE"

    changed = json.loads(json.dumps(ORDER_PLACED))
    changed["components"]["schemas"]["OrderPlaced"]["properties"]["gift"] = {"type": "boolean"}
    schemas.update_schema(
        RegistryName=registry, SchemaName=name, Type="OpenApi3", Content=json.dumps(changed)
    )
    # The latest version is 2 now, which has no binding yet; version 1 keeps its own.
    with pytest.raises(schemas.exceptions.NotFoundException):
        schemas.describe_code_binding(**names)
    assert schemas.describe_code_binding(SchemaVersion="1", **names)["Status"] == "CREATE_COMPLETE"
    assert schemas.get_code_binding_source(SchemaVersion="1", **names)["Body"].read() == first

    assert schemas.put_code_binding(**names)["SchemaVersion"] == "2"
    assert _settled(schemas, **names)["SchemaVersion"] == "2"
    second = schemas.get_code_binding_source(**names)["Body"].read()
    assert "Gift" in _file(second, "/models.go")


def _file(archive: bytes, suffix: str) -> str:
    """The text of the one entry of a zip whose name ends with ``suffix``."""
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        [name] = [entry for entry in opened.namelist() if entry.endswith(suffix)]
        return opened.read(name).decode()


def test_a_schema_created_again_never_serves_the_old_bindings(schemas: Any, registry: str) -> None:
    name = _new_schema(schemas, registry)
    names = {"RegistryName": registry, "SchemaName": name, "Language": "TypeScript3"}
    schemas.put_code_binding(**names)
    assert _settled(schemas, **names)["Status"] == "CREATE_COMPLETE"

    schemas.delete_schema(RegistryName=registry, SchemaName=name)
    other = json.loads(json.dumps(ORDER_PLACED))
    other["components"]["schemas"]["OrderPlaced"]["properties"]["note"] = {"type": "string"}
    schemas.create_schema(
        RegistryName=registry, SchemaName=name, Type="OpenApi3", Content=json.dumps(other)
    )

    # Version 1 again, but other content: the old binding is not its binding.
    with pytest.raises(schemas.exceptions.NotFoundException):
        schemas.describe_code_binding(**names)
    assert schemas.put_code_binding(**names)["Status"] == "CREATE_IN_PROGRESS"
    assert _settled(schemas, **names)["Status"] == "CREATE_COMPLETE"
    archive = schemas.get_code_binding_source(**names)["Body"].read()
    assert "note?: string;" in _file(archive, "/models.ts")


@pytest.fixture
def second_process(server: ServerProcess, tmp_path: Path) -> Iterator[ServerProcess]:
    """Another ``eventbus serve`` on the same store."""
    other = ServerProcess(server.store_url, log_path=tmp_path / "second.log").start()
    yield other
    other.stop()


def test_another_process_sees_the_bindings(
    schemas: Any, registry: str, second_process: ServerProcess
) -> None:
    name = _new_schema(schemas, registry)
    names = {"RegistryName": registry, "SchemaName": name, "Language": "Python"}
    schemas.put_code_binding(**names)
    assert _settled(schemas, **names)["Status"] == "CREATE_COMPLETE"
    archive = schemas.get_code_binding_source(**names)["Body"].read()

    other = client("schemas", second_process.url)
    assert other.describe_code_binding(**names)["Status"] == "CREATE_COMPLETE"
    assert other.put_code_binding(**names)["Status"] == "CREATE_COMPLETE"
    assert other.get_code_binding_source(**names)["Body"].read() == archive


# -- the service in process: dead generations, concurrent requests ---------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def in_process(store: Store) -> AsyncIterator[tuple[CodeBindingService, Clock]]:
    """The code-binding service over the registry, on each store, with a clock of our own;
    the registry ``app`` holds ``shop@OrderPlaced``."""
    clock = Clock()
    services = Services.build(Context(settings=Settings(), store=store, clock=clock))
    await services.start()
    core = SchemaRegistry.build(services)
    await core.registries.create("app")
    await core.schemas.create(
        "app", "shop@OrderPlaced", json.dumps(ORDER_PLACED), SchemaType.OPENAPI3
    )
    yield CodeBindingService(services.ctx, core.schemas), clock


async def _finished(service: CodeBindingService, language: str) -> CodeBinding:
    for _ in range(3000):
        binding = await service.describe("app", "shop@OrderPlaced", None, language)
        if binding.status is not Status.IN_PROGRESS:
            return binding
        await asyncio.sleep(0.01)
    raise AssertionError("the generation never ended")


async def test_a_generation_whose_process_died_is_started_again(
    in_process: tuple[CodeBindingService, Clock], store: Store
) -> None:
    service, clock = in_process
    first = await service.put("app", "shop@OrderPlaced", None, "Go1")
    await _finished(service, "Go1")
    # What a process that died while generating leaves behind.
    stuck = first.model_copy(update={"attempt": "dead", "last_modified": clock.now})
    key = binding_key("app", "shop@OrderPlaced", "1", "Go1")
    await store.put(KIND, key, stuck.model_dump_json().encode())

    assert (await service.describe("app", "shop@OrderPlaced", None, "Go1")).status == (
        Status.IN_PROGRESS
    )
    assert (await service.put("app", "shop@OrderPlaced", None, "Go1")).attempt == "dead"

    clock.now += STALE_SECONDS + 1
    described = await service.describe("app", "shop@OrderPlaced", None, "Go1")
    assert described.status is Status.FAILED
    assert described.failure is not None and "interrupted" in described.failure
    restarted = await service.put("app", "shop@OrderPlaced", None, "Go1")
    assert (restarted.status, restarted.attempt != "dead") == (Status.IN_PROGRESS, True)
    assert (await _finished(service, "Go1")).status is Status.COMPLETE
    source = await service.source("app", "shop@OrderPlaced", None, "Go1")
    assert source.main_file == "shop_order_placed/models.go"


async def test_concurrent_requests_start_one_generation(
    in_process: tuple[CodeBindingService, Clock],
) -> None:
    service, _ = in_process
    answers = await asyncio.gather(
        *(service.put("app", "shop@OrderPlaced", "1", "Java8") for _ in range(8))
    )
    assert len({answer.attempt for answer in answers}) == 1
    finished = await _finished(service, "Java8")
    assert (finished.status, finished.attempt) == (Status.COMPLETE, answers[0].attempt)


# -- the command line ------------------------------------------------------------------------


def eventbus(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "eventbus.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("language", "main_file"),
    [
        ("Python", "shop_order_placed/models.py"),
        ("Java8", "shop_order_placed/schema/shop/order_placed/OrderPlaced.java"),
    ],
)
def test_codegen_command_unpacks_the_bindings_and_prints_the_main_file(
    server: ServerProcess, hand_written: Subject, tmp_path: Path, language: str, main_file: str
) -> None:
    out = tmp_path / "generated"
    done = eventbus(
        *("codegen", "--registry", hand_written.registry, "--schema", hand_written.schema),
        *("--version", "1", "--language", language, "--out", str(out)),
        *("--endpoint", server.url),
        cwd=tmp_path,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out / main_file)
    assert (out / main_file).is_file()
    assert {path.name for path in out.iterdir()} == {"shop_order_placed"}


def test_codegen_command_reports_what_the_server_refused(
    server: ServerProcess, hand_written: Subject, tmp_path: Path
) -> None:
    done = eventbus(
        *("codegen", "--registry", hand_written.registry, "--schema", "nope@Nothing"),
        *("--language", "Go1", "--out", str(tmp_path / "out"), "--endpoint", server.url),
        cwd=tmp_path,
    )

    assert done.returncode == 1
    assert done.stderr.startswith("error (404): Schema nope@Nothing does not exist")
    assert not (tmp_path / "out").exists()


def test_schemas_commands_find_schemas_and_versions(
    server: ServerProcess, schemas: Any, registry: str, tmp_path: Path
) -> None:
    name = _new_schema(schemas, registry)
    _new_schema(schemas, registry)
    changed = json.loads(json.dumps(ORDER_PLACED))
    changed["components"]["schemas"]["OrderPlaced"]["properties"]["gift"] = {"type": "boolean"}
    schemas.update_schema(
        RegistryName=registry, SchemaName=name, Type="OpenApi3", Content=json.dumps(changed)
    )
    endpoint = ("--endpoint", server.url)

    listed = eventbus("schemas", "list", "--registry", registry, *endpoint, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)["Schemas"]) == 2
    only = eventbus(
        *("schemas", "list", "--registry", registry, "--prefix", name), *endpoint, cwd=tmp_path
    )
    assert [s["SchemaName"] for s in json.loads(only.stdout)["Schemas"]] == [name]

    versions = eventbus(
        *("schemas", "versions", "--registry", registry, "--schema", name), *endpoint, cwd=tmp_path
    )
    assert versions.returncode == 0, versions.stderr
    found = json.loads(versions.stdout)["SchemaVersions"]
    assert [v["SchemaVersion"] for v in found] == ["1", "2"]

    shown = eventbus(
        *("schemas", "show", "--registry", registry, "--schema", name, "--version", "1"),
        *endpoint,
        cwd=tmp_path,
    )
    assert shown.returncode == 0, shown.stderr
    answer = json.loads(shown.stdout)
    assert (answer["SchemaName"], answer["SchemaVersion"], answer["Type"]) == (
        name,
        "1",
        "OpenApi3",
    )
    assert answer["Content"] == ORDER_PLACED

    missing = eventbus(
        *("schemas", "show", "--registry", registry, "--schema", "nope@Nothing"),
        *endpoint,
        cwd=tmp_path,
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith("error (404):")
