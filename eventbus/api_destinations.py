"""API destinations: HTTP endpoints that rules deliver events to, through a connection.

An API destination names an endpoint (``*`` in its path is replaced by the target's
``PathParameterValues``), an HTTP method, a rate limit and the connection that authorizes
its requests. Its state is not stored: like EventBridge, a destination is ``ACTIVE`` while
its connection is authorized and ``INACTIVE`` otherwise (deauthorized, or deleted: AWS
documents no error for deleting a connection that destinations use, so the deletion
succeeds and the destinations that use it become inactive).

Unlike EventBridge, which requires HTTPS, ``http://`` endpoints are accepted too, so that
services on a laptop or a private network can be targets.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from pydantic import BaseModel

from eventbus.connections import AUTHORIZED, ConnectionService, page_by_name
from eventbus.context import Context
from eventbus.documents import Collection
from eventbus.errors import (
    LimitExceededError,
    ResourceAlreadyExistsError,
    ResourceNotFoundError,
    ValidationError,
)

KIND = "api-destination"
#: AWS's default quota of API destinations per account and Region.
MAX_API_DESTINATIONS = 3000
#: What EventBridge uses, and shows, when InvocationRateLimitPerSecond is not set.
DEFAULT_RATE_LIMIT = 300

ACTIVE = "ACTIVE"
INACTIVE = "INACTIVE"

_ARN = re.compile(
    r"arn:aws[\w-]*:events:[a-z0-9-]+:\d{12}:api-destination/"
    r"(?P<name>[\.\-_A-Za-z0-9]+)/[\-A-Za-z0-9]+"
)


class ApiDestination(BaseModel):
    name: str
    arn: str
    description: str | None = None
    connection_arn: str
    endpoint: str
    method: str
    #: As set by the client; None means the default.
    rate_limit: int | None = None
    created: float
    modified: float

    @property
    def invocation_rate_limit(self) -> int:
        return self.rate_limit or DEFAULT_RATE_LIMIT


@dataclass(frozen=True, slots=True)
class DestinationStatus:
    destination: ApiDestination
    #: ACTIVE or INACTIVE, from the state of the destination's connection.
    state: str


def parse_api_destination_arn(arn: str) -> str | None:
    """The name of an API destination ARN, or None when it is not one."""
    match = _ARN.fullmatch(arn)
    return match["name"] if match else None


def _not_found(name: str, action: str) -> ResourceNotFoundError:
    return ResourceNotFoundError(
        f"Failed to {action} the api-destination(s). An api-destination '{name}' does not exist."
    )


class ApiDestinationService:
    def __init__(
        self,
        ctx: Context,
        connections: ConnectionService,
        *,
        max_destinations: int = MAX_API_DESTINATIONS,
    ) -> None:
        self._ctx = ctx
        self._connections = connections
        self._destinations = Collection(ctx.store, KIND, ApiDestination)
        self._max = max_destinations

    async def _require_connection(self, arn: str) -> None:
        if await self._connections.find_by_arn(arn) is None:
            raise ResourceNotFoundError(f"Connection '{arn}' does not exist.")

    async def _status(self, destination: ApiDestination) -> DestinationStatus:
        connection = await self._connections.find_by_arn(destination.connection_arn)
        active = connection is not None and connection.state == AUTHORIZED
        return DestinationStatus(destination, ACTIVE if active else INACTIVE)

    async def create(
        self,
        name: str,
        *,
        connection_arn: str,
        endpoint: str,
        method: str,
        rate_limit: int | None = None,
        description: str | None = None,
    ) -> DestinationStatus:
        check_endpoint(endpoint)
        await self._require_connection(connection_arn)
        if len(await self._ctx.store.scan(KIND, limit=self._max + 1)) >= self._max:
            raise LimitExceededError(
                "The requested resource exceeds the maximum number allowed "
                f"({self._max} API destinations)."
            )
        now = self._ctx.clock()
        arns = self._ctx.arns
        destination = ApiDestination(
            name=name,
            arn=(
                f"arn:aws:events:{arns.region}:{arns.account_id}:api-destination/"
                f"{name}/{uuid.uuid4()}"
            ),
            description=description or None,
            connection_arn=connection_arn,
            endpoint=endpoint,
            method=method,
            rate_limit=rate_limit,
            created=now,
            modified=now,
        )
        if not await self._destinations.create(name, destination):
            raise ResourceAlreadyExistsError(f"An api-destination '{name}' already exists.")
        return await self._status(destination)

    async def get(self, name: str) -> DestinationStatus:
        destination = await self._destinations.get(name)
        if destination is None:
            raise _not_found(name, "describe")
        return await self._status(destination)

    async def find_by_arn(self, arn: str) -> ApiDestination | None:
        """The destination an ARN names; None for a deleted one, even if recreated since."""
        name = parse_api_destination_arn(arn)
        if name is None:
            return None
        destination = await self._destinations.get(name)
        return destination if destination is not None and destination.arn == arn else None

    async def arn_exists(self, arn: str) -> bool:
        return await self.find_by_arn(arn) is not None

    async def page(
        self,
        prefix: str | None,
        connection_arn: str | None,
        token: str | None,
        limit: int | None,
    ) -> tuple[list[DestinationStatus], str | None]:
        items = [
            destination
            for destination in await self._destinations.all(prefix=prefix or "")
            if connection_arn is None or destination.connection_arn == connection_arn
        ]
        page, next_token = page_by_name(items, token, limit)
        authorized = {
            connection.arn
            for connection in await self._connections.all()
            if connection.state == AUTHORIZED
        }
        statuses = [
            DestinationStatus(d, ACTIVE if d.connection_arn in authorized else INACTIVE)
            for d in page
        ]
        return statuses, next_token

    async def update(
        self,
        name: str,
        *,
        connection_arn: str | None = None,
        endpoint: str | None = None,
        method: str | None = None,
        rate_limit: int | None = None,
        description: str | None = None,
    ) -> DestinationStatus:
        if endpoint is not None:
            check_endpoint(endpoint)
        if connection_arn is not None:
            await self._require_connection(connection_arn)
        now = self._ctx.clock()

        def change(current: ApiDestination) -> ApiDestination:
            fields: dict[str, object] = {"modified": now}
            if connection_arn is not None:
                fields["connection_arn"] = connection_arn
            if endpoint is not None:
                fields["endpoint"] = endpoint
            if method is not None:
                fields["method"] = method
            if rate_limit is not None:
                fields["rate_limit"] = rate_limit
            if description is not None:
                fields["description"] = description or None
            return current.model_copy(update=fields)

        destination = await self._destinations.update(name, change)
        if destination is None:
            raise _not_found(name, "update")
        return await self._status(destination)

    async def delete(self, name: str) -> ApiDestination:
        destination = await self._destinations.get(name)
        if destination is None or not await self._destinations.delete(name):
            raise _not_found(name, "delete")
        return destination


def check_endpoint(endpoint: str) -> None:
    """An InvocationEndpoint must be an absolute http(s) URL with a host."""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname or "*" in parts.netloc:
        raise ValidationError(
            f"InvocationEndpoint must be an http:// or https:// URL with a host: {endpoint}"
        )
