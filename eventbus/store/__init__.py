"""Storage behind one small interface, chosen by URL (``sqlite:///path`` or ``redis://``)."""

from __future__ import annotations

from eventbus.store.base import LogEntry, QueueMessage, QueueStats, Store

__all__ = ["LogEntry", "QueueMessage", "QueueStats", "Store", "open_store"]


def open_store(url: str) -> Store:
    """The store for a URL; backends are imported lazily so neither is a hard import."""
    if url.startswith("sqlite://"):
        from eventbus.store.sqlite import SqliteStore

        return SqliteStore(url)
    if url.startswith(("redis://", "rediss://", "unix://")):
        from eventbus.store.redis import RedisStore

        return RedisStore(url)
    raise ValueError(f"unsupported store URL {url!r}: use sqlite:///path or redis://host:port/db")
