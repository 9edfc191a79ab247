"""How the registry plugs into the service: its routes, its ingest checks, its workers.

``eventbus.app`` and the ``eventbus worker`` command build one ``Registry`` per process
and call only what is here, so the event bus knows nothing else about the registry.
"""

from __future__ import annotations

from fastapi import FastAPI

from eventbus.services import Services
from eventbus.workers import Worker
from registry.api import build_api, codebindings, discoverers, extensions, mount_api
from registry.codebindings import CodeBindingService
from registry.compat.service import CompatibilityService
from registry.core import SchemaRegistry
from registry.discovery.discoverers import DiscovererService
from registry.discovery.engine import DiscoveryEngine
from registry.discovery.sink import RegistrySink
from registry.discovery.worker import DiscoveryWorker
from registry.validation.bindings import BindingService
from registry.validation.check import ValidationCheck


class Registry:
    def __init__(self, services: Services) -> None:
        self.services = services
        #: The registry's services, for discovery, code generation and the UI.
        self.core = SchemaRegistry.build(services)
        #: The Schemas REST API; more operations plug in with ``api.add_handler``.
        self.api = build_api(self.core)
        ctx, core = services.ctx, self.core
        self.discoverers = DiscovererService(ctx, services.buses)
        for operation, handler in discoverers.handlers(self.discoverers, core).items():
            self.api.add_handler(operation, handler)
        self.compatibility = CompatibilityService(ctx, core.registries, core.schemas)
        core.schemas.checks.append(self.compatibility.check_version)
        self.bindings = BindingService(ctx, services.buses)
        services.ingest.checks.append(ValidationCheck(self.bindings, core.schemas))
        self.code_bindings = CodeBindingService(ctx, core.schemas)
        for operation, handler in codebindings.handlers(self.code_bindings).items():
            self.api.add_handler(operation, handler)
        # Only a process that serves the API generates code; `eventbus worker` does not.
        self._serves_api = False

    async def start(self) -> None:
        """Prepare stored state (built-in registries...) once the store is open."""
        await self.core.start()
        if self._serves_api:
            # In the background: the first PutCodeBinding must not pay the generator's start.
            self.code_bindings.warm_up()

    def mount(self, app: FastAPI) -> None:
        """Add the AWS Schemas REST routes (``/v1/...``) and our own to the app."""
        # Ours first: the Schemas API's catch-all route would answer their paths.
        app.router.routes.extend(
            extensions.validation_routes(self.bindings, self.core.schemas, self.services.ctx.clock)
            + extensions.compatibility_routes(self.compatibility, self.core.schemas)
            + codebindings.source_routes(self.code_bindings)
        )
        self._serves_api = True
        mount_api(app, self.api)

    def workers(self) -> list[Worker]:
        """Background workers of the registry (schema discovery)."""
        engine = DiscoveryEngine(RegistrySink(self.core.schemas))
        ctx = self.services.ctx
        return [
            DiscoveryWorker(ctx.store, self.discoverers, engine, account_id=ctx.settings.account_id)
        ]
