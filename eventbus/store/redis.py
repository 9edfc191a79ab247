"""The shared store: Redis (6.2 or later), so any number of processes can share one state.

URL: anything redis-py's ``from_url`` takes (``redis://``, ``rediss://``, ``unix://``) plus
an optional ``prefix`` query parameter, the namespace of every key this store touches
(default ``eventbus``): ``redis://127.0.0.1:6379/0?prefix=tenant-a``. Key names are built
in ``redis_keys``.

Appends are group-committed: the batches of all appends that arrive while one script call
is running go out together in the next one, each batch in order and in one piece. (One
script call per batch, or a MULTI pipeline, measured two to four times slower on two cores.)

Documents of one kind are a hash (key -> value) and a sorted set with every score 0, which
Redis orders by bytes, for ``scan``; Lua scripts keep the two in step atomically. A log is a
stream; consumer groups, pending entries and delivery counts are Redis's own, so entry ids
are stream ids (``"1700000000000-0"``), increasing when compared as (milliseconds,
sequence) integer pairs, not as strings.

How durable an append is depends on the server's persistence settings (AOF, fsync).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, Literal, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from eventbus.store import redis_keys as keys
from eventbus.store.base import LogEntry, Store

__all__ = ["RedisStore"]

# Every script gets KEYS = [values hash, index sorted set] and ARGV[1] = document key.
_PUT = """
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
"""

_CREATE = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
    return 0
end
redis.call('ZADD', KEYS[2], 0, ARGV[1])
return 1
"""

_REPLACE = """
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then
    return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
"""

_DELETE = """
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then
    return 0
end
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
"""

# ARGV: ZRANGEBYLEX min, max, limit (-1: none). Returns key1, value1, key2, value2...
# One script, so that a page never pairs a listed key with a value already deleted.
_SCAN = """
local names = redis.call('ZRANGEBYLEX', KEYS[2], ARGV[1], ARGV[2], 'LIMIT', 0, ARGV[3])
local out = {}
for _, name in ipairs(names) do
    out[#out + 1] = name
    out[#out + 1] = redis.call('HGET', KEYS[1], name)
end
return out
"""

# KEYS: streams. ARGV[1]: data field, then per batch: its stream's index in KEYS, the
# number of entries, the entries. Returns every new id, batch after batch.
_APPEND = """
local ids = {}
local i = 2
while i <= #ARGV do
    local stream, n = KEYS[tonumber(ARGV[i])], tonumber(ARGV[i + 1])
    for j = i + 2, i + 1 + n do
        ids[#ids + 1] = redis.call('XADD', stream, '*', ARGV[1], ARGV[j])
    end
    i = i + 2 + n
end
return ids
"""

# KEYS: stream. ARGV: group, consumer, min idle ms, start id, count, data field.
# Returns the next start id, then id, data, deliveries for each claimed entry: XAUTOCLAIM
# does not say how often an entry was delivered, XPENDING does.
_CLAIM = """
local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4],
                           'COUNT', ARGV[5])
local out = {claimed[1]}
for _, entry in ipairs(claimed[2]) do
    -- Redis 6.2 reports an entry deleted from the stream as nil (false in Lua).
    if entry then
        local id, fields, data = entry[1], entry[2], false
        for i = 1, #fields, 2 do
            if fields[i] == ARGV[6] then
                data = fields[i + 1]
            end
        end
        local pending = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)
        out[#out + 1] = id
        out[#out + 1] = data
        out[#out + 1] = pending[1][4]
    end
end
return out
"""


#: Redis serves nobody else while a script runs, so one call takes this many batches at most.
_MAX_BATCHES_PER_CALL = 256

#: One caller's append waiting for the group commit: log, entries, and the ids' future.
_Append = tuple[str, list[bytes], asyncio.Future[list[str]]]


def _split_url(url: str) -> tuple[str, str]:
    """The URL for redis-py (without ``prefix``) and the key prefix."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    prefixes = [value for name, value in query if name == "prefix"]
    rest = [(name, value) for name, value in query if name != "prefix"]
    if any(name == "protocol" for name, _ in rest):
        # Stream replies are shaped differently under RESP3; this module reads RESP2.
        raise ValueError("the Redis store chooses the protocol itself: remove it from the URL")
    prefix = prefixes[-1] if prefixes else keys.DEFAULT_PREFIX
    if not prefix:
        raise ValueError("the prefix in the Redis URL is empty")
    return urlunsplit(parts._replace(query=urlencode(rest))), prefix


def _lex_range(prefix: str, after: str | None) -> tuple[bytes, bytes]:
    """ZRANGEBYLEX bounds for keys starting with ``prefix`` and greater than ``after``."""
    low = prefix.encode()
    if after is not None and after.encode() >= low:
        start = b"(" + after.encode()
    else:
        start = b"[" + low if low else b"-"
    # Strings starting with the prefix sort below the prefix with its last byte raised
    # (UTF-8 has no 0xFF byte, so there is always one to raise).
    end = b"(" + low[:-1] + bytes([low[-1] + 1]) if low else b"+"
    return start, end


def _log_entries(entries: Any) -> list[LogEntry]:
    """Stream entries as redis-py hands them over: ``[(id, {field: value}), ...]``."""
    return [
        LogEntry(entry_id.decode(), fields[keys.LOG_DATA_FIELD]) for entry_id, fields in entries
    ]


def _is_no_group(exc: ResponseError) -> bool:
    return "NOGROUP" in str(exc)


class RedisStore(Store):
    """The store on a Redis server; see the module docstring."""

    def __init__(self, url: str) -> None:
        self.url = url
        client_url, self.prefix = _split_url(url)
        # RESP2 pinned: the reply parsing below expects its shapes.
        self._redis: Redis = Redis.from_url(client_url, protocol=2)
        self._put = self._redis.register_script(_PUT)
        self._create = self._redis.register_script(_CREATE)
        self._replace = self._redis.register_script(_REPLACE)
        self._delete = self._redis.register_script(_DELETE)
        self._scan = self._redis.register_script(_SCAN)
        self._claim = self._redis.register_script(_CLAIM)
        self._append = self._redis.register_script(_APPEND)
        self._appends: list[_Append] = []  # waiting for the next group commit
        self._committer: asyncio.Task[None] | None = None
        self._closed = False

    async def open(self) -> None:
        info = await self._redis.info("server")
        version = str(info.get("redis_version", "0"))
        if tuple(int(part) for part in version.split(".")[:2]) < (6, 2):
            # XAUTOCLAIM and exclusive XRANGE bounds arrived in 6.2; fail here, not mid-claim.
            raise RuntimeError(f"the Redis store needs Redis 6.2 or later, not {version}")

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        while self._committer is not None:
            # asyncio.wait, unlike awaiting the task, does not cancel it if we are cancelled.
            await asyncio.wait({self._committer})
        await self._redis.aclose()

    # -- documents -----------------------------------------------------------------------

    def _document_keys(self, kind: str) -> list[str]:
        return [keys.documents(self.prefix, kind), keys.document_index(self.prefix, kind)]

    async def get(self, kind: str, key: str) -> bytes | None:
        value = await self._redis.hget(keys.documents(self.prefix, kind), key)
        return cast("bytes | None", value)  # the client does not decode responses

    async def put(self, kind: str, key: str, value: bytes) -> None:
        await self._put(keys=self._document_keys(kind), args=[key, value])

    async def create(self, kind: str, key: str, value: bytes) -> bool:
        return bool(await self._create(keys=self._document_keys(kind), args=[key, value]))

    async def replace(self, kind: str, key: str, expected: bytes, value: bytes) -> bool:
        return bool(
            await self._replace(keys=self._document_keys(kind), args=[key, expected, value])
        )

    async def delete(self, kind: str, key: str) -> bool:
        return bool(await self._delete(keys=self._document_keys(kind), args=[key]))

    async def scan(
        self, kind: str, *, prefix: str = "", after: str | None = None, limit: int | None = None
    ) -> list[tuple[str, bytes]]:
        if limit is not None and limit <= 0:
            return []
        start, end = _lex_range(prefix, after)
        reply: list[bytes] = await self._scan(
            keys=self._document_keys(kind), args=[start, end, -1 if limit is None else limit]
        )
        return [(reply[i].decode(), reply[i + 1]) for i in range(0, len(reply), 2)]

    # -- counters ------------------------------------------------------------------------

    async def incr(self, name: str) -> int:
        return int(await self._redis.incr(keys.counter(self.prefix, name)))

    async def counter(self, name: str) -> int:
        value = await self._redis.get(keys.counter(self.prefix, name))
        return 0 if value is None else int(value)

    # -- logs ----------------------------------------------------------------------------

    async def append(self, log: str, entries: Sequence[bytes]) -> list[str]:
        if self._closed:
            raise RuntimeError("the Redis store is closed")
        # Converted here so that a bad entry fails its own caller, not the group commit.
        batch = [bytes(data) for data in entries]
        if not batch:
            return []
        loop = asyncio.get_running_loop()
        done: asyncio.Future[list[str]] = loop.create_future()
        self._appends.append((log, batch, done))
        if self._committer is None:
            self._committer = loop.create_task(self._commit_appends())
        return await done

    async def _commit_appends(self) -> None:
        """Send queued appends, all that queued up meanwhile in each script call."""
        try:
            while self._appends:
                group = self._appends[:_MAX_BATCHES_PER_CALL]
                del self._appends[:_MAX_BATCHES_PER_CALL]
                streams = list(dict.fromkeys(keys.log(self.prefix, log) for log, _, _ in group))
                position = {stream: i for i, stream in enumerate(streams, start=1)}
                args: list[bytes | int] = [keys.LOG_DATA_FIELD]
                for log, batch, _ in group:
                    args += [position[keys.log(self.prefix, log)], len(batch), *batch]
                try:
                    ids: list[bytes] = await self._append(keys=streams, args=args)
                except asyncio.CancelledError:
                    for *_, done in group + self._appends:
                        done.cancel()
                    self._appends = []
                    raise
                except Exception as exc:
                    for *_, done in group:
                        if not done.done():
                            done.set_exception(exc)
                    continue
                start = 0
                for _, batch, done in group:
                    if not done.done():
                        done.set_result([i.decode() for i in ids[start : start + len(batch)]])
                    start += len(batch)
        finally:
            self._committer = None

    async def create_group(
        self, log: str, group: str, start: Literal["begin", "end"] = "begin"
    ) -> None:
        if start not in ("begin", "end"):
            raise ValueError(f"start must be 'begin' or 'end', not {start!r}")
        try:
            await self._redis.xgroup_create(
                keys.log(self.prefix, log),
                group,
                id="0" if start == "begin" else "$",
                mkstream=True,
            )
        except ResponseError as exc:
            if not str(exc).startswith("BUSYGROUP"):
                raise

    async def read_group(
        self, log: str, group: str, consumer: str, *, count: int = 100, block_ms: int = 0
    ) -> list[LogEntry]:
        """See ``Store.read_group``; raises LookupError when the group does not exist."""
        try:
            reply: Any = await self._redis.xreadgroup(
                group,
                consumer,
                {keys.log(self.prefix, log): ">"},
                count=count,
                # No BLOCK at all when not waiting: BLOCK 0 would wait forever.
                block=block_ms if block_ms > 0 else None,
            )
        except ResponseError as exc:
            if _is_no_group(exc):
                raise LookupError(f"no consumer group {group!r} on log {log!r}") from None
            raise
        return [entry for _stream, entries in reply or [] for entry in _log_entries(entries)]

    async def ack(self, log: str, group: str, ids: Sequence[str]) -> int:
        if not ids:
            return 0
        return int(await self._redis.xack(keys.log(self.prefix, log), group, *ids))

    async def claim_stale(
        self, log: str, group: str, consumer: str, *, min_idle_ms: int, count: int = 100
    ) -> list[LogEntry]:
        stream = keys.log(self.prefix, log)
        claimed: list[LogEntry] = []
        start: Any = b"0-0"
        # XAUTOCLAIM looks at a bounded stretch of the pending list per call; go on until
        # enough entries are claimed or the whole list was looked at.
        while len(claimed) < count:
            try:
                reply: list[Any] = await self._claim(
                    keys=[stream],
                    args=[
                        group,
                        consumer,
                        min_idle_ms,
                        start,
                        count - len(claimed),
                        keys.LOG_DATA_FIELD,
                    ],
                )
            except ResponseError as exc:
                if _is_no_group(exc):
                    return []
                raise
            start = reply[0]
            claimed.extend(
                LogEntry(reply[i].decode(), reply[i + 1], int(reply[i + 2]))
                for i in range(1, len(reply), 3)
            )
            if start == b"0-0":
                break
        return claimed

    async def pending_count(self, log: str, group: str) -> int:
        try:
            summary = await self._redis.xpending(keys.log(self.prefix, log), group)
        except ResponseError as exc:
            if _is_no_group(exc):
                return 0
            raise
        return int(summary["pending"])

    async def log_length(self, log: str) -> int:
        return int(await self._redis.xlen(keys.log(self.prefix, log)))

    async def read_range(
        self, log: str, *, after: str | None = None, count: int = 100
    ) -> list[LogEntry]:
        entries = await self._redis.xrange(
            keys.log(self.prefix, log), min="-" if after is None else f"({after}", count=count
        )
        return _log_entries(entries)
