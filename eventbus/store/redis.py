"""The shared store: Redis (6.2 or later), so any number of processes can share one state.

URL: anything redis-py's ``from_url`` takes (``redis://``, ``rediss://``, ``unix://``) plus
an optional ``prefix`` query parameter, the namespace of every key this store touches
(default ``eventbus``): ``redis://127.0.0.1:6379/0?prefix=tenant-a``. Key names are built
in ``redis_keys``.

Appends are group-committed (``batching``): the batches of all appends that arrive while
one script call is running go out together in the next one, each batch in order and in one
piece. (One script call per batch, or a MULTI pipeline, measured two to four times slower
on two cores.)

Documents of one kind are a hash (key -> value) and a sorted set with every score 0, which
Redis orders by bytes, for ``scan``; Lua scripts keep the two in step atomically. A log is a
stream; consumer groups, pending entries and delivery counts are Redis's own, so entry ids
are stream ids (``"1700000000000-0"``), increasing when compared as (milliseconds,
sequence) integer pairs, not as strings.

A queue is a sorted set of message ids scored by when each becomes visible, beside hashes
of their data and of what receiving changes (count, first receive, latest receipt); every
operation is one Lua script, so a receive hides the messages it takes before anyone else can
look. Ids come from one counter, zero-padded so that messages visible at the same moment sort
in enqueue order; a receipt is ``<id>.<random token>``. Times are the client's wall clock,
written as decimal strings: Lua would round numbers to 14 digits. Receivers waiting for a
message are woken by a pub/sub channel that enqueues publish to (one subscription per
store), and look again at least every ``poll_interval`` in case a notice was lost.

Deletes of messages are group-committed like appends, since a worker deletes each message
it handled, concurrently.

How durable an append or an enqueue is depends on the server's persistence settings (AOF,
fsync).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Sequence
from typing import Any, Literal, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from eventbus.store import redis_keys as keys
from eventbus.store.base import LogEntry, QueueMessage, QueueStats, Store
from eventbus.store.batching import GroupCommit
from eventbus.store.waiting import receive_waiting

__all__ = ["RedisStore"]

log = logging.getLogger(__name__)

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

# Queue scripts get KEYS = [queue, data, meta, received] (see redis_keys), except where said.
# A meta value is "<receive count> <sent at> <first received at or -> <latest receipt or ->".

# KEYS[4] is the id counter. ARGV: wake-up channel, wake-up notice, sent at, then data and
# visible-at for each message. Returns the new ids.
_ENQUEUE = """
local n = (#ARGV - 3) / 2
local last = redis.call('INCRBY', KEYS[4], n) - n
local ids = {}
for i = 4, #ARGV, 2 do
    last = last + 1
    local id = string.format('%016x', last)
    redis.call('HSET', KEYS[2], id, ARGV[i])
    redis.call('HSET', KEYS[3], id, '0 ' .. ARGV[3] .. ' - -')
    redis.call('ZADD', KEYS[1], ARGV[i + 1], id)
    ids[#ids + 1] = id
end
redis.call('PUBLISH', ARGV[1], ARGV[2])
return ids
"""

# ARGV: now, hidden until, how many at most, receipt token. Returns '' then id, receipt,
# data, receive count, sent at, first received at for each message taken; when none is
# visible, only when the next one will be ('' when the queue is empty).
_RECEIVE = """
local ids = redis.call('ZRANGE', KEYS[1], '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, ARGV[3])
if #ids == 0 then
    local next = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    return {next[2] or ''}
end
local out = {''}
for _, id in ipairs(ids) do
    local meta = redis.call('HGET', KEYS[3], id)
    local count, sent, first = string.match(meta, '^(%d+) (%S+) (%S+)')
    count = tonumber(count) + 1
    if first == '-' then
        first = ARGV[1]
    end
    local receipt = id .. '.' .. ARGV[4]
    redis.call('HSET', KEYS[3], id, count .. ' ' .. sent .. ' ' .. first .. ' ' .. receipt)
    redis.call('ZADD', KEYS[1], ARGV[2], id)
    redis.call('ZADD', KEYS[4], ARGV[2], id)
    local data = redis.call('HGET', KEYS[2], id)
    for _, value in ipairs({id, receipt, data, count, sent, first}) do
        out[#out + 1] = value
    end
end
return out
"""

# Deletes are group-committed, so KEYS are those of every queue involved, four by four.
# ARGV: for each message, the position of its queue's first key, its id and the receipt.
# Returns 1 (deleted) or 0 (not the latest receipt) for each.
_DELETE_MESSAGES = """
local out = {}
for i = 1, #ARGV, 3 do
    local k, id = tonumber(ARGV[i]), ARGV[i + 1]
    local meta = redis.call('HGET', KEYS[k + 2], id)
    if meta and string.match(meta, '(%S+)$') == ARGV[i + 2] then
        redis.call('ZREM', KEYS[k], id)
        redis.call('ZREM', KEYS[k + 3], id)
        redis.call('HDEL', KEYS[k + 1], id)
        redis.call('HDEL', KEYS[k + 2], id)
        out[#out + 1] = 1
    else
        out[#out + 1] = 0
    end
end
return out
"""

# ARGV: id, receipt, visible at, wake-up channel, wake-up notice.
_CHANGE_VISIBILITY = """
local meta = redis.call('HGET', KEYS[3], ARGV[1])
if not meta or string.match(meta, '(%S+)$') ~= ARGV[2] then
    return 0
end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
"""

_PURGE = """
local count = redis.call('ZCARD', KEYS[1])
redis.call('DEL', unpack(KEYS))
return count
"""

# ARGV: now. Returns visible, in flight, delayed.
_QUEUE_STATS = """
local visible = redis.call('ZCOUNT', KEYS[1], '-inf', ARGV[1])
local hidden = redis.call('ZCARD', KEYS[1]) - visible
local in_flight = redis.call('ZCOUNT', KEYS[4], '(' .. ARGV[1], '+inf')
return {visible, in_flight, hidden - in_flight}
"""

#: How long the wake-up listener waits before subscribing again after losing Redis.
_RESUBSCRIBE_DELAY = 0.5


#: Redis serves nobody else while a script runs, so one call takes this many callers at most.
_MAX_BATCHES_PER_CALL = 256

#: One caller's append, as the group commit takes it: the log and the entries.
_Append = tuple[str, list[bytes]]

#: One caller's delete, as the group commit takes it: queue, message id and receipt.
_Delete = tuple[str, str, str]


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


def _receipt_id(receipt: str) -> str | None:
    """The message a receipt names (it still has to match the stored one), or None."""
    message_id, dot, token = receipt.partition(".")
    if not (dot and token and len(message_id) == 16):
        return None
    try:
        int(message_id, 16)
    except ValueError:
        return None
    return message_id


def _seconds(value: float) -> str:
    """A time as Redis and the scripts take it: exact, never rounded by Lua."""
    return repr(float(value))


class RedisStore(Store):
    """The store on a Redis server; see the module docstring."""

    #: Seconds a waiting receive sleeps at most without a wake-up notice: the safety net
    #: for notices lost while the subscription was being restored.
    poll_interval: float = 1.0

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
        self._enqueue = self._redis.register_script(_ENQUEUE)
        self._receive = self._redis.register_script(_RECEIVE)
        self._delete_messages = self._redis.register_script(_DELETE_MESSAGES)
        self._change_visibility = self._redis.register_script(_CHANGE_VISIBILITY)
        self._purge = self._redis.register_script(_PURGE)
        self._queue_stats = self._redis.register_script(_QUEUE_STATS)
        self._appends = GroupCommit(self._commit_appends, max_group=_MAX_BATCHES_PER_CALL)
        self._deletes = GroupCommit(self._commit_deletes, max_group=_MAX_BATCHES_PER_CALL)
        self._queue_wakeups: dict[str, asyncio.Event] = {}
        self._listener: asyncio.Task[None] | None = None  # started by the first waiting receive
        self._subscribed = asyncio.Event()  # set while wake-up notices arrive
        # Signs this store's notices: it wakes its own receivers without waiting for them.
        self._sender = secrets.token_hex(8)
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
        await self._appends.drain()
        await self._deletes.drain()
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.wait({self._listener})
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
        return await self._appends.submit((log, batch))

    async def _commit_appends(self, group: list[_Append]) -> list[list[str]]:
        """Append a group of batches in one script call; the ids, batch by batch."""
        streams = list(dict.fromkeys(keys.log(self.prefix, log) for log, _ in group))
        position = {stream: i for i, stream in enumerate(streams, start=1)}
        args: list[bytes | int] = [keys.LOG_DATA_FIELD]
        for log, batch in group:
            args += [position[keys.log(self.prefix, log)], len(batch), *batch]
        ids: list[bytes] = await self._append(keys=streams, args=args)
        results: list[list[str]] = []
        start = 0
        for _, batch in group:
            results.append([i.decode() for i in ids[start : start + len(batch)]])
            start += len(batch)
        return results

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

    # -- queues --------------------------------------------------------------------------

    def _queue_keys(self, queue: str) -> list[str]:
        return [
            keys.queue(self.prefix, queue),
            keys.queue_data(self.prefix, queue),
            keys.queue_meta(self.prefix, queue),
            keys.queue_received(self.prefix, queue),
        ]

    def _notice(self, queue: str) -> str:
        """What this store publishes when ``queue`` has a message for waiting receivers."""
        return f"{self._sender} {queue}"

    def _notify_queue(self, queue: str) -> None:
        event = self._queue_wakeups.pop(queue, None)
        if event is not None:
            event.set()

    def _notify_all_queues(self) -> None:
        events, self._queue_wakeups = self._queue_wakeups, {}
        for event in events.values():
            event.set()

    async def _listen(self) -> None:
        """Turn wake-up notices into local events, for as long as the store is open."""
        pubsub = self._redis.pubsub()
        try:
            while True:
                try:
                    if not pubsub.subscribed:
                        await pubsub.subscribe(keys.queue_wakeups(self.prefix))
                    message: Any = await pubsub.get_message(timeout=None)
                except (RedisError, OSError) as exc:
                    self._subscribed.clear()
                    log.warning("queue wake-up channel lost, receivers poll meanwhile: %s", exc)
                    self._notify_all_queues()
                    await asyncio.sleep(_RESUBSCRIBE_DELAY)
                    continue
                if message is None:
                    continue
                if message["type"] == "subscribe":
                    # Also after redis-py reconnected on its own: notices published while
                    # nobody listened are lost, so every waiting receiver looks again.
                    self._subscribed.set()
                    self._notify_all_queues()
                elif message["type"] == "message":
                    sender, _, queue = message["data"].decode().partition(" ")
                    if sender != self._sender:
                        self._notify_queue(queue)
        finally:
            self._subscribed.clear()
            await pubsub.aclose()  # type: ignore[no-untyped-call]  # untyped in redis-py

    async def enqueue(self, queue: str, items: Sequence[tuple[bytes, float]]) -> list[str]:
        # Converted here so that a bad item fails before anything is written.
        batch = [(bytes(data), float(delay)) for data, delay in items]
        if not batch:
            return []
        now = time.time()
        args: list[bytes | str] = [keys.queue_wakeups(self.prefix), self._notice(queue)]
        args.append(_seconds(now))
        for data, delay in batch:
            args += [data, _seconds(now + delay)]
        ids: list[bytes] = await self._enqueue(
            keys=[*self._queue_keys(queue)[:3], keys.queue_ids(self.prefix)], args=args
        )
        # Receivers of this process need not wait for the notice to come back from Redis.
        self._notify_queue(queue)
        return [message_id.decode() for message_id in ids]

    async def receive(
        self, queue: str, *, max_messages: int, visibility: float, wait: float = 0.0
    ) -> list[QueueMessage]:
        if max_messages < 1:
            raise ValueError(f"max_messages must be at least 1, not {max_messages}")

        async def take() -> tuple[list[QueueMessage], float | None]:
            now = time.time()
            reply: list[Any] = await self._receive(
                keys=self._queue_keys(queue),
                args=[
                    _seconds(now),
                    _seconds(now + visibility),
                    max_messages,
                    secrets.token_urlsafe(12),
                ],
            )
            messages = [
                QueueMessage(
                    id=reply[i].decode(),
                    receipt=reply[i + 1].decode(),
                    data=reply[i + 2],
                    receive_count=int(reply[i + 3]),
                    sent_at=float(reply[i + 4]),
                    first_received_at=float(reply[i + 5]),
                )
                for i in range(1, len(reply), 6)
            ]
            return messages, float(reply[0]) if reply[0] else None

        return await receive_waiting(
            take, lambda: self._wakeup_for(queue), wait=wait, poll_interval=self.poll_interval
        )

    def _wakeup_for(self, queue: str) -> asyncio.Event:
        """What a waiting receive sleeps on: the queue's wake-ups once notices are heard;
        until then the subscription itself, after which it looks again, as a message may
        have arrived before the subscription."""
        if self._subscribed.is_set():
            return self._queue_wakeups.setdefault(queue, asyncio.Event())
        if self._closed:
            raise RuntimeError("the Redis store is closed")
        if self._listener is None or self._listener.done():
            self._listener = asyncio.get_running_loop().create_task(self._listen())
        # Registered now too, so a notice heard while looking is not lost.
        self._queue_wakeups.setdefault(queue, asyncio.Event())
        return self._subscribed

    async def delete_message(self, queue: str, receipt: str) -> bool:
        message_id = _receipt_id(receipt)
        if message_id is None:
            return False
        if self._closed:
            raise RuntimeError("the Redis store is closed")
        return await self._deletes.submit((queue, message_id, receipt))

    async def _commit_deletes(self, group: list[_Delete]) -> list[bool]:
        """Delete a group of messages in one script call; whether each was deleted."""
        queues = list(dict.fromkeys(queue for queue, _, _ in group))
        first_key = {queue: 1 + 4 * i for i, queue in enumerate(queues)}
        args: list[str | int] = []
        for queue, message_id, receipt in group:
            args += [first_key[queue], message_id, receipt]
        deleted: list[int] = await self._delete_messages(
            keys=[key for queue in queues for key in self._queue_keys(queue)], args=args
        )
        return [bool(result) for result in deleted]

    # The interface's parameter name: not an asyncio-style deadline for this call.
    async def change_visibility(
        self,
        queue: str,
        receipt: str,
        timeout: float,  # noqa: ASYNC109
    ) -> bool:
        message_id = _receipt_id(receipt)
        if message_id is None:
            return False
        changed = bool(
            await self._change_visibility(
                keys=self._queue_keys(queue),
                args=[
                    message_id,
                    receipt,
                    _seconds(time.time() + timeout),
                    keys.queue_wakeups(self.prefix),
                    self._notice(queue),
                ],
            )
        )
        if changed:
            self._notify_queue(queue)
        return changed

    async def purge(self, queue: str) -> int:
        return int(await self._purge(keys=self._queue_keys(queue)))

    async def queue_stats(self, queue: str) -> QueueStats:
        visible, in_flight, delayed = await self._queue_stats(
            keys=self._queue_keys(queue), args=[_seconds(time.time())]
        )
        return QueueStats(visible=int(visible), in_flight=int(in_flight), delayed=int(delayed))
