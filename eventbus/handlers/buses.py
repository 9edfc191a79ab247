"""CreateEventBus, DescribeEventBus, ListEventBuses, UpdateEventBus, DeleteEventBus."""

from __future__ import annotations

from eventbus.arns import bus_name
from eventbus.buses import EventBus
from eventbus.handlers.wire import Wire, compact, tag_dict
from eventbus.protocol.awsjson import Handler
from eventbus.services import Services


def bus_wire(bus: EventBus) -> Wire:
    return compact(
        Name=bus.name,
        Arn=bus.arn,
        Description=bus.description,
        KmsKeyIdentifier=bus.kms_key_identifier,
        DeadLetterConfig=bus.dead_letter_config,
        LogConfig=bus.log_config,
        Policy=bus.policy,
        CreationTime=bus.created,
        LastModifiedTime=bus.modified,
    )


def handlers(s: Services) -> dict[str, Handler]:
    async def create_event_bus(req: Wire) -> Wire:
        bus = await s.create_bus(
            req["Name"],
            event_source_name=req.get("EventSourceName"),
            tags=tag_dict(req.get("Tags")),
            description=req.get("Description"),
            kms_key_identifier=req.get("KmsKeyIdentifier"),
            dead_letter_config=req.get("DeadLetterConfig"),
            log_config=req.get("LogConfig"),
        )
        return compact(
            EventBusArn=bus.arn,
            Description=bus.description,
            KmsKeyIdentifier=bus.kms_key_identifier,
            DeadLetterConfig=bus.dead_letter_config,
            LogConfig=bus.log_config,
        )

    async def describe_event_bus(req: Wire) -> Wire:
        return bus_wire(await s.buses.get(req.get("Name")))

    async def list_event_buses(req: Wire) -> Wire:
        page = await s.buses.page(req.get("NamePrefix"), req.get("NextToken"), req.get("Limit"))
        return compact(EventBuses=[bus_wire(bus) for bus in page.items], NextToken=page.next_token)

    async def update_event_bus(req: Wire) -> Wire:
        bus = await s.buses.update(
            req.get("Name"),
            description=req.get("Description"),
            kms_key_identifier=req.get("KmsKeyIdentifier"),
            dead_letter_config=req.get("DeadLetterConfig"),
            log_config=req.get("LogConfig"),
        )
        return compact(
            Arn=bus.arn,
            Name=bus.name,
            Description=bus.description,
            KmsKeyIdentifier=bus.kms_key_identifier,
            DeadLetterConfig=bus.dead_letter_config,
            LogConfig=bus.log_config,
        )

    async def delete_event_bus(req: Wire) -> None:
        await s.delete_bus(bus_name(req["Name"]))

    return {
        "CreateEventBus": create_event_bus,
        "DescribeEventBus": describe_event_bus,
        "ListEventBuses": list_event_buses,
        "UpdateEventBus": update_event_bus,
        "DeleteEventBus": delete_event_bus,
    }
