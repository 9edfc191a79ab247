"""A real server per storage backend, and boto3 clients pointed at it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from tests.support.server import ServerProcess

BACKENDS = ["sqlite", "redis"]


@pytest.fixture(scope="session", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """One running ``eventbus serve`` per backend, shared by the API tests."""
    tmp = tmp_path_factory.mktemp(f"server-{request.param}")
    if request.param == "sqlite":
        store_url = f"sqlite:///{tmp / 'events.db'}"
    else:
        redis_url = request.getfixturevalue("redis_url")
        store_url = f"{redis_url}?prefix=api-{uuid.uuid4().hex[:8]}"
    process = ServerProcess(
        store_url,
        log_path=tmp / "server.log",
        # Low quotas so the tests can reach them; the defaults are AWS's.
        env={
            "EVENTBUS_MAX_RULES_PER_BUS": "20",
            "EVENTBUS_MAX_EVENT_BUSES": "1000",
            # Retries a few milliseconds apart, so retry tests take no time.
            "EVENTBUS_RETRY_BASE_SECONDS": "0.02",
            "EVENTBUS_RETRY_MAX_DELAY_SECONDS": "0.1",
        },
    ).start()
    yield process
    process.stop()


def fresh_store_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A store of its own for a test that starts and kills its own servers."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'events.db'}"
    return f"{request.getfixturevalue('redis_url')}?prefix=own-{uuid.uuid4().hex[:8]}"


def client(service: str, url: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}),
    )


@pytest.fixture
def events(server: ServerProcess) -> Any:
    return client("events", server.url)


@pytest.fixture
def name() -> str:
    """A name no other test uses, so tests can share one server."""
    return f"t{uuid.uuid4().hex[:12]}"
