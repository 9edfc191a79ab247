"""The ASGI application: one app and one port for every protocol the service speaks."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import ORJSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from eventbus.context import Context
from eventbus.delivery.wiring import delivery_workers
from eventbus.handlers import events_handlers
from eventbus.metrics import REGISTRY
from eventbus.protocol.awsjson import AwsJsonEndpoint, AwsJsonRouter, AwsJsonService
from eventbus.protocol.shapes import validators_for
from eventbus.services import Services
from eventbus.settings import Settings
from eventbus.sqs.handlers import sqs_json_service
from eventbus.store import Store, open_store
from eventbus.workers import Supervisor, Worker
from registry.integration import Registry

log = logging.getLogger(__name__)


def build_workers(services: Services, registry: Registry) -> list[Worker]:
    """The background workers a process runs (routing, delivery, discovery...)."""
    return [*delivery_workers(services), *registry.workers()]


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    store = store or open_store(settings.resolved_store_url)
    services = Services.build(Context(settings=settings, store=store))
    registry = Registry(services)
    supervisor = Supervisor(build_workers(services, registry) if settings.run_workers else [])

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await services.start()
        await registry.start()
        supervisor.start()
        # Said once the store is open and the workers run; uvicorn binds right after.
        log.info(
            "eventbus listening on http://%s:%d (store: %s, region %s, account %s)",
            settings.host,
            settings.port,
            store.url.split("?")[0],
            settings.region,
            settings.account_id,
        )
        try:
            yield
        finally:
            await supervisor.stop()
            await store.close()

    app = FastAPI(
        title="eventbus",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.services = services
    router = AwsJsonRouter(
        [
            AwsJsonService(
                target_prefix="AWSEvents",
                validators=validators_for("events"),
                handlers=events_handlers(services),
            ),
            sqs_json_service(services.sqs, f"{settings.host}:{settings.port}"),
        ]
    )
    app.add_middleware(AwsJsonEndpoint, router=router)
    registry.mount(app)

    @app.get("/health", include_in_schema=False)
    async def health() -> ORJSONResponse:
        return ORJSONResponse({"status": "ok", "store": store.url.split("?")[0]})

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return app
