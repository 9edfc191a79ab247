"""CreateRegistry, DescribeRegistry, UpdateRegistry, DeleteRegistry, ListRegistries."""

from __future__ import annotations

from registry.api.protocol import Handler, Wire
from registry.core import SchemaRegistry
from registry.models import RegistryRecord
from registry.registries import Scope


def registry_wire(record: RegistryRecord) -> Wire:
    return {
        "Description": record.description,
        "RegistryArn": record.arn,
        "RegistryName": record.name,
        "Tags": record.tags,
    }


def handlers(r: SchemaRegistry) -> dict[str, Handler]:
    async def create_registry(req: Wire) -> Wire:
        record = await r.registries.create(
            req["RegistryName"], req.get("Description"), req.get("Tags")
        )
        return registry_wire(record)

    async def describe_registry(req: Wire) -> Wire:
        return registry_wire(await r.registries.get(req["RegistryName"]))

    async def update_registry(req: Wire) -> Wire:
        record = await r.registries.update(req["RegistryName"], req.get("Description"))
        return registry_wire(record)

    async def delete_registry(req: Wire) -> None:
        await r.delete_registry(req["RegistryName"])

    async def list_registries(req: Wire) -> Wire:
        page = await r.registries.page(
            req.get("RegistryNamePrefix"),
            Scope.parse(req.get("Scope")),
            req.get("NextToken"),
            req.get("Limit"),
        )
        return {
            "Registries": [
                {"RegistryArn": x.arn, "RegistryName": x.name, "Tags": x.tags} for x in page.items
            ],
            "NextToken": page.next_token,
        }

    return {
        "CreateRegistry": create_registry,
        "DescribeRegistry": describe_registry,
        "UpdateRegistry": update_registry,
        "DeleteRegistry": delete_registry,
        "ListRegistries": list_registries,
    }
