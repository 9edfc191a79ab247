"""TagResource, UntagResource, ListTagsForResource."""

from __future__ import annotations

from eventbus.handlers.wire import Wire, tag_dict, tag_list
from eventbus.protocol.awsjson import Handler
from eventbus.services import Services


def handlers(s: Services) -> dict[str, Handler]:
    async def tag_resource(req: Wire) -> None:
        await s.tags.tag(req["ResourceARN"], tag_dict(req["Tags"]))

    async def untag_resource(req: Wire) -> None:
        await s.tags.untag(req["ResourceARN"], req["TagKeys"])

    async def list_tags_for_resource(req: Wire) -> Wire:
        return {"Tags": tag_list(await s.tags.get(req["ResourceARN"]))}

    return {
        "TagResource": tag_resource,
        "UntagResource": untag_resource,
        "ListTagsForResource": list_tags_for_resource,
    }
