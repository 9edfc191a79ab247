"""Tags on registries and schemas: AWS's tag rules, and TagResource by ARN.

Tags live inside the registry's or schema's own document, so listing returns them without
another read and deleting the resource deletes them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from registry.errors import BadRequestError, ForbiddenError, NotFoundError
from registry.names import AWS_EVENTS_REGISTRY, SchemaArns

#: AWS's tagging limits, the same for every service.
MAX_TAGS = 50
MAX_KEY = 128
MAX_VALUE = 256

TagChange = Callable[[dict[str, str]], dict[str, str]]


def check_tags(tags: Mapping[str, str]) -> dict[str, str]:
    for key, value in tags.items():
        if not 1 <= len(key) <= MAX_KEY:
            raise BadRequestError(f"Tag key {key!r} must have 1 to {MAX_KEY} characters.")
        if key.lower().startswith("aws:"):
            raise BadRequestError(f"Tag keys starting with 'aws:' are reserved: {key!r}.")
        if len(value) > MAX_VALUE:
            raise BadRequestError(f"The value of tag {key!r} is longer than {MAX_VALUE}.")
    if len(tags) > MAX_TAGS:
        raise BadRequestError(f"A resource can have at most {MAX_TAGS} tags.")
    return dict(tags)


def merged(tags: Mapping[str, str]) -> TagChange:
    def change(current: dict[str, str]) -> dict[str, str]:
        return check_tags({**current, **tags})

    return change


def without(keys: list[str]) -> TagChange:
    drop = set(keys)

    def change(current: dict[str, str]) -> dict[str, str]:
        return {key: value for key, value in current.items() if key not in drop}

    return change


#: Applies a change (or none) to one resource's tags and returns the tags after it.
RegistryTags = Callable[[str, TagChange | None], Awaitable[dict[str, str]]]
SchemaTags = Callable[[str, str, TagChange | None], Awaitable[dict[str, str]]]


class TagService:
    def __init__(
        self, arns: SchemaArns, registry_tags: RegistryTags, schema_tags: SchemaTags
    ) -> None:
        self._arns = arns
        self._registry_tags = registry_tags
        self._schema_tags = schema_tags

    async def _apply(self, arn: str, change: TagChange | None) -> dict[str, str]:
        target = self._arns.parse(arn)
        if target is None:
            raise NotFoundError(f"Resource {arn} does not exist.")
        registry, schema = target
        if change is not None and registry == AWS_EVENTS_REGISTRY:
            raise ForbiddenError(f"Resources of the registry {AWS_EVENTS_REGISTRY} are read-only.")
        if schema is None:
            return await self._registry_tags(registry, change)
        return await self._schema_tags(registry, schema, change)

    async def tag(self, arn: str, tags: Mapping[str, str]) -> None:
        check_tags(tags)
        await self._apply(arn, merged(tags))

    async def untag(self, arn: str, keys: list[str]) -> None:
        await self._apply(arn, without(keys))

    async def get(self, arn: str) -> dict[str, str]:
        return await self._apply(arn, None)
