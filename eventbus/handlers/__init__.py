"""The AWSEvents operations: wire shapes in, service calls, wire shapes out.

Each module maps one area's operations to handlers; no logic lives here beyond
renaming members between AWS's wire names and the services' typed values.
"""

from __future__ import annotations

from eventbus.handlers import (
    api_destinations,
    archives,
    buses,
    connections,
    events,
    partners,
    replays,
    rules,
    tags,
)
from eventbus.protocol.awsjson import Handler
from eventbus.services import Services


def events_handlers(services: Services) -> dict[str, Handler]:
    handlers: dict[str, Handler] = {}
    for module in (
        buses,
        rules,
        partners,
        tags,
        events,
        connections,
        api_destinations,
        archives,
        replays,
    ):
        handlers.update(module.handlers(services))
    return handlers
