"""The registry's services in process, on both stores: concurrent writers of one schema."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from eventbus.context import Context
from eventbus.services import Services
from eventbus.settings import Settings
from eventbus.store import open_store
from registry.core import SchemaRegistry
from registry.errors import ConflictError
from registry.models import SchemaType
from tests.registry.helpers import openapi
from tests.support.logs import read_bus_log


@pytest.fixture(params=["sqlite", "redis"])
async def services(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Services]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'registry.db'}"
    else:
        url = f"{request.getfixturevalue('redis_url')}?prefix=reg-{uuid.uuid4().hex[:8]}"
    built = Services.build(Context(settings=Settings(), store=open_store(url)))
    await built.start()
    try:
        yield built
    finally:
        await built.ctx.store.close()


@pytest.fixture
async def core(services: Services) -> SchemaRegistry:
    registry = SchemaRegistry.build(services)
    await registry.start()
    await registry.registries.create("app")
    return registry


async def test_concurrent_new_contents_get_distinct_numbers(core: SchemaRegistry) -> None:
    await core.schemas.create("app", "s", openapi(), SchemaType.OPENAPI3)
    contents = [openapi({f"f{i}": {"type": "string"}}) for i in range(10)]
    results = await asyncio.gather(
        *(core.schemas.update("app", "s", content=content) for content in contents)
    )
    assert sorted(int(r.version) for r in results) == list(range(2, 12))
    head = await core.schemas.get_schema("app", "s")
    assert [ref.version for ref in head.versions] == list(range(1, 12))
    # Every number holds the content its writer sent.
    for result in results:
        stored = await core.schemas.get_version("app", "s", result.version)
        assert stored.content == result.content


async def test_concurrent_identical_contents_make_one_version(core: SchemaRegistry) -> None:
    content = openapi({"x": {"type": "integer"}})
    results = await asyncio.gather(
        *(core.schemas.put_version("app", "same", content, SchemaType.OPENAPI3) for _ in range(8))
    )
    assert {r.version.version for r in results} == {"1"}
    assert sum(r.created for r in results) == 1
    assert sum(r.new_schema for r in results) == 1
    assert len((await core.schemas.get_schema("app", "same")).versions) == 1


async def test_concurrent_creates_one_wins(core: SchemaRegistry) -> None:
    outcomes = await asyncio.gather(
        *(
            core.schemas.create("app", "c", openapi({f"v{i}": {}}), SchemaType.OPENAPI3)
            for i in range(5)
        ),
        return_exceptions=True,
    )
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 1
    assert all(isinstance(o, ConflictError) for o in outcomes if isinstance(o, BaseException))


async def test_put_version_announces_only_new_versions(
    core: SchemaRegistry, services: Services
) -> None:
    name = f"n{uuid.uuid4().hex[:8]}"
    content = openapi()
    await core.schemas.put_version("app", name, content, SchemaType.OPENAPI3)
    await core.schemas.put_version(
        "app", name, json.dumps(json.loads(content)), SchemaType.OPENAPI3
    )
    quiet = openapi({"q": {"type": "string"}})
    await core.schemas.put_version("app", name, quiet, SchemaType.OPENAPI3, announce=False)
    store_url = services.ctx.store.url
    kinds = [
        e["detail-type"]
        for e in await asyncio.to_thread(read_bus_log, store_url, "default")
        if e["source"] == "aws.schemas" and e["detail"]["SchemaName"] == name
    ]
    assert kinds == ["Schema Created", "Schema Version Created"]


async def test_version_checks_run_only_for_new_versions(core: SchemaRegistry) -> None:
    seen: list[tuple[str, str]] = []

    async def check(registry: str, schema: str, document: object) -> None:
        seen.append((registry, schema))
        if "forbidden" in json.dumps(document):
            raise ConflictError("refused by the check")

    core.schemas.checks.append(check)
    await core.schemas.create("app", "k", openapi(), SchemaType.OPENAPI3)
    await core.schemas.update("app", "k", content=openapi())  # unchanged: not checked
    with pytest.raises(ConflictError):
        await core.schemas.update("app", "k", content=openapi({"forbidden": {}}))
    assert seen == [("app", "k"), ("app", "k")]
    assert len((await core.schemas.get_schema("app", "k")).versions) == 1


async def test_start_is_idempotent(core: SchemaRegistry) -> None:
    before = await core.schemas.heads("aws.events")
    await asyncio.gather(core.start(), core.start())
    after = await core.schemas.heads("aws.events")
    assert [len(h.versions) for h in after] == [1] * len(before)
