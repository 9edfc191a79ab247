"""Fixtures shared by the whole test suite.

Redis
    ``redis_url``        a Redis server for the session: ``$EVENTBUS_TEST_REDIS_URL`` if set,
                         else a throwaway ``redis-server`` started here. Without either the
                         tests that need it are skipped, or fail when ``$CI`` is ``true``.
    ``redis_store_url``  a store URL on that server with a key prefix of the test's own.

Stores
    ``store_url``        a URL per backend (parametrized: ``sqlite``, ``redis``).
    ``store``            an opened store on ``store_url``, closed after the test.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import NoReturn

import pytest
import redis

from eventbus.store import Store, open_store, redis_keys

# -- Redis ---------------------------------------------------------------------------------


def _no_redis(reason: str) -> NoReturn:
    # In CI a missing Redis must fail loudly: a skip there would pass untested code.
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"{reason} (and CI is set, so this is an error, not a skip)", pytrace=False)
    pytest.skip(reason)


def _answers_ping(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False
    finally:
        client.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start_redis_server(binary: str, directory: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start a redis-server without persistence and wait until it answers."""
    port = _free_port()
    log_path = directory / "redis.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                *(binary, "--save", "", "--appendonly", "no"),
                *("--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory)),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while not _answers_ping(url):
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            _no_redis(f"redis-server did not start: {log_path.read_text(errors='replace')}")
        time.sleep(0.02)
    return process, url


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a Redis server for this session, without a query string."""
    configured = os.environ.get("EVENTBUS_TEST_REDIS_URL")
    if configured:
        if not _answers_ping(configured):
            pytest.fail(f"EVENTBUS_TEST_REDIS_URL={configured} does not answer PING")
        yield configured
        return
    binary = shutil.which("redis-server")
    if binary is None:
        _no_redis("no Redis: set EVENTBUS_TEST_REDIS_URL or install redis-server")
    process, url = _start_redis_server(binary, tmp_path_factory.mktemp("redis"))
    try:
        yield url
    finally:
        _stop(process)


@pytest.fixture
def redis_store_url(redis_url: str) -> Iterator[str]:
    """A store URL whose keys no other test sees; the keys are dropped afterwards."""
    prefix = f"t-{uuid.uuid4().hex}"
    separator = "&" if "?" in redis_url else "?"
    yield f"{redis_url}{separator}prefix={prefix}"
    client = redis.Redis.from_url(redis_url)
    try:
        stale = list(client.scan_iter(match=redis_keys.namespace_pattern(prefix)))
        if stale:
            client.unlink(*stale)
    finally:
        client.close()


# -- stores --------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of a fresh, empty store, once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url: str = request.getfixturevalue("redis_store_url")
    return url


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    """An opened store on ``store_url``; closed after the test (closing twice is fine)."""
    opened = open_store(store_url)
    try:
        await opened.open()
        yield opened
    finally:
        await opened.close()
