"""Fixtures of the registry tests: the API tests' real server per backend, and clients."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.api.conftest import client, server
from tests.support.server import ServerProcess

__all__ = ["server"]  # re-exported so pytest finds the fixture here too


@pytest.fixture
def schemas(server: ServerProcess) -> Any:
    return client("schemas", server.url)


@pytest.fixture
def registry(schemas: Any) -> str:
    """A fresh custom registry no other test uses."""
    name = f"r{uuid.uuid4().hex[:12]}"
    schemas.create_registry(RegistryName=name)
    return name
