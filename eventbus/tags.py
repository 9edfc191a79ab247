"""Tags on any taggable resource, keyed by the resource's ARN."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from pydantic import BaseModel

from eventbus.context import Context
from eventbus.documents import Collection
from eventbus.errors import ResourceNotFoundError, ValidationError

KIND = "tags"
#: AWS's limit on tags per resource.
MAX_TAGS = 50

#: Tells whether the resource an ARN names exists.
ResourceExists = Callable[[str], Awaitable[bool]]


class TagSet(BaseModel):
    tags: dict[str, str]


class TagService:
    def __init__(self, ctx: Context, exists: ResourceExists) -> None:
        self._tags = Collection(ctx.store, KIND, TagSet)
        self._exists = exists

    async def _require(self, arn: str) -> None:
        if not await self._exists(arn):
            raise ResourceNotFoundError(f"Resource {arn} does not exist.")

    async def tag(self, arn: str, tags: Mapping[str, str]) -> None:
        await self._require(arn)
        for key in tags:
            if key.startswith("aws:"):
                raise ValidationError(f"Tag keys starting with 'aws:' are reserved: {key}.")

        def change(current: TagSet) -> TagSet:
            merged = {**current.tags, **tags}
            if len(merged) > MAX_TAGS:
                raise ValidationError(f"A resource can have at most {MAX_TAGS} tags.")
            return TagSet(tags=merged)

        if await self._tags.update(arn, change) is None:
            if len(tags) > MAX_TAGS:
                raise ValidationError(f"A resource can have at most {MAX_TAGS} tags.")
            if not await self._tags.create(arn, TagSet(tags=dict(tags))):
                await self.tag(arn, tags)

    async def untag(self, arn: str, keys: list[str]) -> None:
        await self._require(arn)
        drop = set(keys)
        await self._tags.update(
            arn,
            lambda current: TagSet(tags={k: v for k, v in current.tags.items() if k not in drop}),
        )

    async def get(self, arn: str) -> dict[str, str]:
        await self._require(arn)
        found = await self._tags.get(arn)
        return found.tags if found else {}

    async def forget(self, arn: str) -> None:
        """Drop the tags of a deleted resource."""
        await self._tags.delete(arn)
