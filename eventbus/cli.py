"""The ``eventbus`` command: serve the API (with workers), or run workers alone."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from eventbus.settings import Settings
from registry.cli import schemas_app, validation_app
from registry.codegen_cli import codegen

app = typer.Typer(help="A self-hostable, EventBridge-compatible event bus and schema registry.")
app.add_typer(validation_app, name="validation")
app.add_typer(schemas_app, name="schemas")
app.command("codegen")(codegen)
log = logging.getLogger("eventbus")

HostOption = Annotated[
    str | None, typer.Option(help="Address to listen on [env: EVENTBUS_HOST; default 127.0.0.1]")
]
PortOption = Annotated[
    int | None, typer.Option(help="Port to listen on [env: EVENTBUS_PORT; default 4010]")
]
StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="sqlite:///path or redis://host:port/db [env: EVENTBUS_STORE; default: a SQLite "
        "file in the data directory]",
    ),
]
DataDirOption = Annotated[
    Path | None, typer.Option(help="Data directory for the default SQLite store")
]


def _settings(**overrides: object) -> Settings:
    try:
        return Settings.from_env(overrides)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


def _configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


@app.command()
def serve(
    host: HostOption = None,
    port: PortOption = None,
    store: StoreOption = None,
    data_dir: DataDirOption = None,
    workers: Annotated[
        bool,
        typer.Option(
            help="Run the background workers in this process too; --no-workers serves the API "
            "only, for scaling API and `eventbus worker` processes apart on Redis",
        ),
    ] = True,
) -> None:
    """Run the API and, in the same process, the background workers."""
    _configure_logging()
    settings = _settings(
        host=host, port=port, store_url=store, data_dir=data_dir, run_workers=workers
    )
    if not settings.store_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        log.info("data directory: %s", settings.data_dir)
    from eventbus.app import create_app

    application = create_app(settings)
    config = uvicorn.Config(
        application,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
        lifespan="on",
    )
    server = uvicorn.Server(config)

    async def run() -> None:
        await server.serve()

    asyncio.run(run())


@app.command()
def worker(store: StoreOption = None) -> None:
    """Run only the background workers (scale them apart from the API on Redis)."""
    _configure_logging()
    settings = _settings(store_url=store)
    from eventbus.app import build_workers
    from eventbus.context import Context
    from eventbus.services import Services
    from eventbus.store import open_store
    from eventbus.workers import Supervisor
    from registry.integration import Registry

    async def run() -> None:
        services = Services.build(
            Context(settings=settings, store=open_store(settings.resolved_store_url))
        )
        await services.start()
        registry = Registry(services)
        await registry.start()
        supervisor = Supervisor(build_workers(services, registry))
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, supervisor.request_stop)
        supervisor.start()
        log.info("eventbus worker running (store: %s)", settings.resolved_store_url.split("?")[0])
        try:
            await supervisor.wait()
        finally:
            await services.ctx.store.close()

    asyncio.run(run())


if __name__ == "__main__":
    app()
