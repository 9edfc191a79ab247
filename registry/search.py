"""SearchSchemas: the schemas of a registry whose name or content holds every keyword.

Keywords are split on whitespace and matched case-insensitively as substrings. A schema
matches with the versions that match: all of them when its name holds every keyword,
otherwise those whose content holds each keyword the name does not.
"""

from __future__ import annotations

from dataclasses import dataclass

from eventbus.documents import page_list
from registry.errors import BadRequestError, NotFoundError
from registry.models import VersionSummary
from registry.schemas import SchemaService, summary


@dataclass(frozen=True, slots=True)
class SearchResult:
    registry: str
    schema: str
    arn: str
    versions: list[VersionSummary]


def keywords(text: str) -> list[str]:
    words = text.lower().split()
    if not words:
        raise BadRequestError("Keywords must contain at least one word.")
    return words


async def search(
    schemas: SchemaService, registry: str, text: str, token: str | None, limit: int | None
) -> tuple[list[SearchResult], str | None]:
    words = keywords(text)
    results: list[SearchResult] = []
    for head in await schemas.heads(registry):
        name = head.name.lower()
        missing = [word for word in words if word not in name]
        matched = []
        for ref in head.versions:
            if missing:
                try:
                    content = (await schemas.content(head, ref)).lower()
                except NotFoundError:
                    continue  # deleted while we searched
                if not all(word in content for word in missing):
                    continue
            matched.append(summary(ref))
        if matched:
            results.append(SearchResult(head.registry, head.name, head.arn, matched))
    return page_list(results, token, limit)
