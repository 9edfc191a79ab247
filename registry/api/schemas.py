"""CreateSchema, UpdateSchema, DescribeSchema, ListSchemas, ListSchemaVersions,
DeleteSchema, DeleteSchemaVersion, SearchSchemas, ExportSchema, GetDiscoveredSchema."""

from __future__ import annotations

from registry.api.protocol import Handler, Wire
from registry.core import SchemaRegistry
from registry.models import SchemaType, SchemaVersion


def version_wire(version: SchemaVersion, *, content: bool = False) -> Wire:
    wire: Wire = {
        "Description": version.description,
        "LastModified": version.last_modified,
        "SchemaArn": version.arn,
        "SchemaName": version.schema,
        "SchemaVersion": version.version,
        "Tags": version.tags,
        "Type": str(version.type),
        "VersionCreatedDate": version.version_created,
    }
    if content:
        wire["Content"] = version.content
    return wire


def _type(value: str | None) -> SchemaType | None:
    # The model's enum check has already refused other values.
    return SchemaType(value) if value is not None else None


def handlers(r: SchemaRegistry) -> dict[str, Handler]:
    async def create_schema(req: Wire) -> Wire:
        version = await r.schemas.create(
            req["RegistryName"],
            req["SchemaName"],
            req["Content"],
            SchemaType(req["Type"]),
            description=req.get("Description"),
            tags=req.get("Tags"),
        )
        return version_wire(version)

    async def update_schema(req: Wire) -> Wire:
        version = await r.schemas.update(
            req["RegistryName"],
            req["SchemaName"],
            content=req.get("Content"),
            schema_type=_type(req.get("Type")),
            description=req.get("Description"),
        )
        return version_wire(version)

    async def describe_schema(req: Wire) -> Wire:
        version = await r.schemas.get_version(
            req["RegistryName"], req["SchemaName"], req.get("SchemaVersion")
        )
        return version_wire(version, content=True)

    async def list_schemas(req: Wire) -> Wire:
        items, token = await r.schemas.list_schemas(
            req["RegistryName"], req.get("SchemaNamePrefix"), req.get("NextToken"), req.get("Limit")
        )
        return {
            "Schemas": [
                {
                    "LastModified": s.last_modified,
                    "SchemaArn": s.arn,
                    "SchemaName": s.schema,
                    "Tags": s.tags,
                    "VersionCount": s.version_count,
                }
                for s in items
            ],
            "NextToken": token,
        }

    async def list_schema_versions(req: Wire) -> Wire:
        registry, name = req["RegistryName"], req["SchemaName"]
        items, token = await r.schemas.list_versions(
            registry, name, req.get("NextToken"), req.get("Limit")
        )
        arn = (await r.schemas.get_schema(registry, name)).arn
        return {
            "SchemaVersions": [
                {
                    "SchemaArn": arn,
                    "SchemaName": name,
                    "SchemaVersion": v.version,
                    "Type": str(v.type),
                }
                for v in items
            ],
            "NextToken": token,
        }

    async def delete_schema(req: Wire) -> None:
        await r.schemas.delete(req["RegistryName"], req["SchemaName"])

    async def delete_schema_version(req: Wire) -> None:
        await r.schemas.delete_version(req["RegistryName"], req["SchemaName"], req["SchemaVersion"])

    async def search_schemas(req: Wire) -> Wire:
        results, token = await r.search(
            req["RegistryName"], req["Keywords"], req.get("NextToken"), req.get("Limit")
        )
        return {
            "Schemas": [
                {
                    "RegistryName": found.registry,
                    "SchemaArn": found.arn,
                    "SchemaName": found.schema,
                    "SchemaVersions": [
                        {
                            "CreatedDate": v.created,
                            "SchemaVersion": v.version,
                            "Type": str(v.type),
                        }
                        for v in found.versions
                    ],
                }
                for found in results
            ],
            "NextToken": token,
        }

    async def export_schema(req: Wire) -> Wire:
        exported = await r.export(
            req["RegistryName"], req["SchemaName"], req.get("SchemaVersion"), req["Type"]
        )
        return {
            "Content": exported.content,
            "SchemaArn": exported.arn,
            "SchemaName": exported.schema,
            "SchemaVersion": exported.version,
            "Type": str(exported.type),
        }

    async def get_discovered_schema(req: Wire) -> Wire:
        return {"Content": r.discover(req["Events"], SchemaType(req["Type"]))}

    return {
        "CreateSchema": create_schema,
        "UpdateSchema": update_schema,
        "DescribeSchema": describe_schema,
        "ListSchemas": list_schemas,
        "ListSchemaVersions": list_schema_versions,
        "DeleteSchema": delete_schema,
        "DeleteSchemaVersion": delete_schema_version,
        "SearchSchemas": search_schemas,
        "ExportSchema": export_schema,
        "GetDiscoveredSchema": get_discovered_schema,
    }
