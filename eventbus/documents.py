"""Typed documents over the store: one ``Collection`` per resource kind.

Services work with pydantic models; this module is the only place that turns them into
bytes and back, pages through them, and retries read-modify-write updates with the
store's compare-and-set so that concurrent processes never lose each other's writes.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel

from eventbus.errors import ConcurrentModificationError, ValidationError
from eventbus.store import Store

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

_MAX_UPDATE_ATTEMPTS = 20
#: Documents read per scan while looking for those a filtered page keeps.
_SCAN_BATCH = 100


@dataclass(frozen=True, slots=True)
class Page(Generic[M]):
    items: list[M]
    next_token: str | None


def encode_token(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


def decode_token(token: str) -> str:
    try:
        key = base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        key = None
    # The decoder skips characters outside the alphabet; only our own tokens round-trip.
    if key is None or encode_token(key) != token:
        raise ValidationError("The NextToken is not valid.")
    return key


def _start_after(token: str | None, prefix: str) -> str | None:
    """The key a page starts after, from the previous page's token."""
    after = decode_token(token) if token else None
    if after is not None and not after.startswith(prefix):
        raise ValidationError("The NextToken does not belong to this request.")
    return after


class Collection(Generic[M]):
    """The documents of one kind, as instances of one pydantic model."""

    def __init__(self, store: Store, kind: str, model: type[M]) -> None:
        self.store = store
        self.kind = kind
        self.model = model

    def _load(self, raw: bytes) -> M:
        return self.model.model_validate_json(raw)

    async def get(self, key: str) -> M | None:
        raw = await self.store.get(self.kind, key)
        return None if raw is None else self._load(raw)

    async def create(self, key: str, item: M) -> bool:
        return await self.store.create(self.kind, key, item.model_dump_json().encode())

    async def put(self, key: str, item: M) -> None:
        await self.store.put(self.kind, key, item.model_dump_json().encode())

    async def delete(self, key: str) -> bool:
        return await self.store.delete(self.kind, key)

    async def update(self, key: str, change: Callable[[M], M]) -> M | None:
        """Apply ``change`` atomically; None when the document does not exist.

        ``change`` may raise to refuse the update; it may run more than once when another
        writer got there first, so it must not have side effects.
        """
        for _ in range(_MAX_UPDATE_ATTEMPTS):
            raw = await self.store.get(self.kind, key)
            if raw is None:
                return None
            updated = change(self._load(raw))
            if await self.store.replace(self.kind, key, raw, updated.model_dump_json().encode()):
                return updated
        raise ConcurrentModificationError(
            f"Too many concurrent changes to {self.kind} {key}; try again."
        )

    async def all(self, prefix: str = "") -> list[M]:
        return [self._load(raw) for _, raw in await self.store.scan(self.kind, prefix=prefix)]

    async def page(
        self, *, prefix: str = "", token: str | None = None, limit: int | None = None
    ) -> Page[M]:
        """One page of documents whose key starts with ``prefix``, in key order."""
        after = _start_after(token, prefix)
        size = limit or 100
        rows = await self.store.scan(self.kind, prefix=prefix, after=after, limit=size + 1)
        more = len(rows) > size
        rows = rows[:size]
        token_out = encode_token(rows[-1][0]) if more and rows else None
        return Page([self._load(raw) for _, raw in rows], token_out)

    async def page_matching(
        self,
        keep: Callable[[M], bool],
        *,
        prefix: str = "",
        token: str | None = None,
        limit: int | None = None,
    ) -> Page[M]:
        """Like ``page``, counting only the documents ``keep`` accepts.

        The token is the key of the last document returned, so pages stay stable while
        documents are added or removed.
        """
        after = _start_after(token, prefix)
        size = limit or 100
        items: list[M] = []
        last_key = ""
        while True:
            rows = await self.store.scan(self.kind, prefix=prefix, after=after, limit=_SCAN_BATCH)
            for key, raw in rows:
                item = self._load(raw)
                if not keep(item):
                    continue
                if len(items) == size:
                    return Page(items, encode_token(last_key))
                items.append(item)
                last_key = key
            if len(rows) < _SCAN_BATCH:
                return Page(items, None)
            after = rows[-1][0]


def page_list(
    items: Sequence[T], token: str | None, limit: int | None
) -> tuple[list[T], str | None]:
    """Page an in-memory list with the same kind of opaque tokens as collections."""
    start = 0
    if token:
        position = decode_token(token)
        if not position.isdigit():
            raise ValidationError("The NextToken is not valid.")
        start = int(position)
    end = start + (limit or 100)
    return list(items[start:end]), encode_token(str(end)) if end < len(items) else None
