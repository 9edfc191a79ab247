"""TagResource, UntagResource, ListTagsForResource, and the resource policy operations."""

from __future__ import annotations

from registry.api.protocol import Handler, Wire
from registry.core import SchemaRegistry
from registry.models import PolicyRecord


def policy_wire(record: PolicyRecord) -> Wire:
    return {"Policy": record.policy, "RevisionId": record.revision_id}


def handlers(r: SchemaRegistry) -> dict[str, Handler]:
    async def tag_resource(req: Wire) -> None:
        await r.tags.tag(req["ResourceArn"], req["Tags"])

    async def untag_resource(req: Wire) -> None:
        await r.tags.untag(req["ResourceArn"], req["TagKeys"])

    async def list_tags_for_resource(req: Wire) -> Wire:
        return {"Tags": await r.tags.get(req["ResourceArn"])}

    async def put_resource_policy(req: Wire) -> Wire:
        record = await r.policies.put(req.get("RegistryName"), req["Policy"], req.get("RevisionId"))
        return policy_wire(record)

    async def get_resource_policy(req: Wire) -> Wire:
        return policy_wire(await r.policies.get(req.get("RegistryName")))

    async def delete_resource_policy(req: Wire) -> None:
        await r.policies.delete(req.get("RegistryName"))

    return {
        "TagResource": tag_resource,
        "UntagResource": untag_resource,
        "ListTagsForResource": list_tags_for_resource,
        "PutResourcePolicy": put_resource_policy,
        "GetResourcePolicy": get_resource_policy,
        "DeleteResourcePolicy": delete_resource_policy,
    }
