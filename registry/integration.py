"""How the registry plugs into the service: its routes, its ingest checks, its workers.

``eventbus.app`` and the ``eventbus worker`` command build one ``Registry`` per process
and call only what is here, so the event bus knows nothing else about the registry.
"""

from __future__ import annotations

from fastapi import FastAPI

from eventbus.services import Services
from eventbus.workers import Worker


class Registry:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def start(self) -> None:
        """Prepare stored state (built-in registries...) once the store is open."""

    def mount(self, app: FastAPI) -> None:
        """Add the AWS Schemas REST routes (``/v1/...``) and our own to the app."""

    def workers(self) -> list[Worker]:
        """Background workers of the registry (schema discovery)."""
        return []
