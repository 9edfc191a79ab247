"""CreateDiscoverer, DescribeDiscoverer, ListDiscoverers, UpdateDiscoverer, DeleteDiscoverer,
StartDiscoverer, StopDiscoverer; and tagging by a discoverer's ARN.

The tagging operations are served for every ARN by ``registry.api.access``; the versions
here take discoverer ARNs and hand every other ARN to those.
"""

from __future__ import annotations

from registry.api import access
from registry.api.protocol import Handler, Wire
from registry.core import SchemaRegistry
from registry.discovery.discoverers import Discoverer, DiscovererService
from registry.tags import check_tags, merged, without


def summary_wire(discoverer: Discoverer) -> Wire:
    return {
        "DiscovererArn": discoverer.arn,
        "DiscovererId": discoverer.id,
        "SourceArn": discoverer.source_arn,
        "State": str(discoverer.state),
        "CrossAccount": discoverer.cross_account,
        "Tags": discoverer.tags,
    }


def discoverer_wire(discoverer: Discoverer) -> Wire:
    return {**summary_wire(discoverer), "Description": discoverer.description}


def handlers(d: DiscovererService, r: SchemaRegistry) -> dict[str, Handler]:
    async def create_discoverer(req: Wire) -> Wire:
        discoverer = await d.create(
            req["SourceArn"],
            description=req.get("Description"),
            cross_account=req.get("CrossAccount"),
            tags=check_tags(req.get("Tags") or {}),
        )
        return discoverer_wire(discoverer)

    async def describe_discoverer(req: Wire) -> Wire:
        return discoverer_wire(await d.get(req["DiscovererId"]))

    async def list_discoverers(req: Wire) -> Wire:
        items, token = await d.page(
            id_prefix=req.get("DiscovererIdPrefix"),
            source_arn_prefix=req.get("SourceArnPrefix"),
            token=req.get("NextToken"),
            limit=req.get("Limit"),
        )
        return {"Discoverers": [summary_wire(item) for item in items], "NextToken": token}

    async def update_discoverer(req: Wire) -> Wire:
        discoverer = await d.update(
            req["DiscovererId"],
            description=req.get("Description"),
            cross_account=req.get("CrossAccount"),
        )
        return discoverer_wire(discoverer)

    async def delete_discoverer(req: Wire) -> None:
        await d.delete(req["DiscovererId"])

    async def start_discoverer(req: Wire) -> Wire:
        discoverer = await d.start(req["DiscovererId"])
        return {"DiscovererId": discoverer.id, "State": str(discoverer.state)}

    async def stop_discoverer(req: Wire) -> Wire:
        discoverer = await d.stop(req["DiscovererId"])
        return {"DiscovererId": discoverer.id, "State": str(discoverer.state)}

    others = access.handlers(r)

    async def tag_resource(req: Wire) -> Wire | None:
        found = await d.find_by_arn(req["ResourceArn"])
        if found is None:
            return await others["TagResource"](req)
        check_tags(req["Tags"])
        await d.update_tags(found.id, merged(req["Tags"]))
        return None

    async def untag_resource(req: Wire) -> Wire | None:
        found = await d.find_by_arn(req["ResourceArn"])
        if found is None:
            return await others["UntagResource"](req)
        await d.update_tags(found.id, without(req["TagKeys"]))
        return None

    async def list_tags_for_resource(req: Wire) -> Wire | None:
        found = await d.find_by_arn(req["ResourceArn"])
        if found is None:
            return await others["ListTagsForResource"](req)
        return {"Tags": found.tags}

    return {
        "CreateDiscoverer": create_discoverer,
        "DescribeDiscoverer": describe_discoverer,
        "ListDiscoverers": list_discoverers,
        "UpdateDiscoverer": update_discoverer,
        "DeleteDiscoverer": delete_discoverer,
        "StartDiscoverer": start_discoverer,
        "StopDiscoverer": stop_discoverer,
        "TagResource": tag_resource,
        "UntagResource": untag_resource,
        "ListTagsForResource": list_tags_for_resource,
    }
