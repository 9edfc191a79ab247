"""CreateApiDestination, DescribeApiDestination, ListApiDestinations,
UpdateApiDestination, DeleteApiDestination."""

from __future__ import annotations

from eventbus.api_destinations import DestinationStatus
from eventbus.handlers.wire import Wire, compact
from eventbus.protocol.awsjson import Handler
from eventbus.services import Services


def destination_wire(status: DestinationStatus, *, description: bool = True) -> Wire:
    """DescribeApiDestination's answer; ListApiDestinations leaves the description out."""
    d = status.destination
    return compact(
        ApiDestinationArn=d.arn,
        Name=d.name,
        Description=d.description if description else None,
        ApiDestinationState=status.state,
        ConnectionArn=d.connection_arn,
        InvocationEndpoint=d.endpoint,
        HttpMethod=d.method,
        InvocationRateLimitPerSecond=d.invocation_rate_limit,
        CreationTime=d.created,
        LastModifiedTime=d.modified,
    )


def change_wire(status: DestinationStatus) -> Wire:
    return {
        "ApiDestinationArn": status.destination.arn,
        "ApiDestinationState": status.state,
        "CreationTime": status.destination.created,
        "LastModifiedTime": status.destination.modified,
    }


def handlers(s: Services) -> dict[str, Handler]:
    async def create_api_destination(req: Wire) -> Wire:
        status = await s.api_destinations.create(
            req["Name"],
            connection_arn=req["ConnectionArn"],
            endpoint=req["InvocationEndpoint"],
            method=req["HttpMethod"],
            rate_limit=req.get("InvocationRateLimitPerSecond"),
            description=req.get("Description"),
        )
        return change_wire(status)

    async def describe_api_destination(req: Wire) -> Wire:
        return destination_wire(await s.api_destinations.get(req["Name"]))

    async def list_api_destinations(req: Wire) -> Wire:
        items, token = await s.api_destinations.page(
            req.get("NamePrefix"), req.get("ConnectionArn"), req.get("NextToken"), req.get("Limit")
        )
        return compact(
            ApiDestinations=[destination_wire(d, description=False) for d in items],
            NextToken=token,
        )

    async def update_api_destination(req: Wire) -> Wire:
        status = await s.api_destinations.update(
            req["Name"],
            connection_arn=req.get("ConnectionArn"),
            endpoint=req.get("InvocationEndpoint"),
            method=req.get("HttpMethod"),
            rate_limit=req.get("InvocationRateLimitPerSecond"),
            description=req.get("Description"),
        )
        return change_wire(status)

    async def delete_api_destination(req: Wire) -> None:
        await s.delete_api_destination(req["Name"])

    return {
        "CreateApiDestination": create_api_destination,
        "DescribeApiDestination": describe_api_destination,
        "ListApiDestinations": list_api_destinations,
        "UpdateApiDestination": update_api_destination,
        "DeleteApiDestination": delete_api_destination,
    }
