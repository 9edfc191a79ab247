"""The embedded store: one SQLite file, no other process needed.

URLs: ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db`` (the path is whatever
follows ``sqlite:///``) and ``sqlite:///:memory:`` (private to the store, for tests).

The file is in WAL mode with ``synchronous=NORMAL``: a committed transaction survives the
process being killed, though not necessarily the machine losing power. Several processes may
open the same file; writers wait for each other (``busy_timeout``).

One connection, owned by one worker thread, runs every statement; the async methods hand
their work to that thread and await it, so the event loop never blocks on disk. Appends
are group-committed (``batching``): appends that arrive while a commit is running are
written together by the next transaction, which is what makes many small appends cheap.
Queue writes (enqueue, delete, change of visibility) are group-committed the same way,
among themselves.

Logs: every entry gets the next value of one store-wide sequence (``AUTOINCREMENT``, so a
value is never reused). An entry id is that integer in decimal, e.g. ``"42"``; ids of one
log increase when read as integers (not as strings: ``"10" < "9"``). Consumer groups keep
the last sequence handed out; entries handed out and not yet acknowledged are rows of
``log_pending``, moved there in the same transaction that advances the group.

Queues: a message is a row of ``queue_messages`` with the wall-clock time it becomes visible
(``visible_at``); receiving one moves that time ``visibility`` seconds ahead and stores a new
receipt in the same transaction, so two receivers never get the same message while it is
hidden. A message id is its row's sequence number in decimal; a receipt is
``<id>.<random token>``, so deleting or changing visibility finds the row by primary key and
then compares the whole receipt. Receivers waiting for messages are woken at once by enqueues
through this store, and poll for those of other processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Concatenate, Literal, ParamSpec, TypeVar, cast

from eventbus.store.base import LogEntry, QueueMessage, QueueStats, Store
from eventbus.store.batching import GroupCommit
from eventbus.store.waiting import receive_waiting

__all__ = ["SqliteStore"]

P = ParamSpec("P")
T = TypeVar("T")

_URL_SCHEME = "sqlite:///"
_MEMORY = ":memory:"
# 2: queues. Older files upgrade by running _SCHEMA again, which only adds what is missing.
_SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    kind  TEXT NOT NULL,
    key   TEXT NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE TABLE IF NOT EXISTS counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS log_entries (
    seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    log  TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS log_entries_by_log ON log_entries (log, seq);
-- Kept so that log_length does not count a whole log.
CREATE TABLE IF NOT EXISTS logs (
    name   TEXT PRIMARY KEY,
    length INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS log_groups (
    log      TEXT NOT NULL,
    grp      TEXT NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (log, grp)
);
CREATE TABLE IF NOT EXISTS log_pending (
    log          TEXT NOT NULL,
    grp          TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    consumer     TEXT NOT NULL,
    delivered_at INTEGER NOT NULL,
    deliveries   INTEGER NOT NULL,
    PRIMARY KEY (log, grp, seq)
);
-- Times are epoch seconds. receipt is NULL (and receive_count 0) until the first receive.
CREATE TABLE IF NOT EXISTS queue_messages (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,
    queue             TEXT NOT NULL,
    data              BLOB NOT NULL,
    sent_at           REAL NOT NULL,
    visible_at        REAL NOT NULL,
    receive_count     INTEGER NOT NULL DEFAULT 0,
    first_received_at REAL,
    receipt           TEXT
);
-- Receivers take the messages visible longest first, seq breaking ties (one batch).
CREATE INDEX IF NOT EXISTS queue_messages_by_visibility ON queue_messages (queue, visible_at);
"""


def _path_from_url(url: str) -> str:
    if not url.startswith(_URL_SCHEME) or len(url) == len(_URL_SCHEME):
        raise ValueError(
            f"invalid SQLite store URL {url!r}: use sqlite:///relative/path.db, "
            "sqlite:////absolute/path.db or sqlite:///:memory:"
        )
    return url[len(_URL_SCHEME) :]


def _now_ms() -> int:
    # Wall-clock time, because other processes compare it with theirs.
    return time.time_ns() // 1_000_000


def _receipt_seq(receipt: str) -> int | None:
    """The message a receipt names (it still has to match the stored one), or None."""
    seq, dot, token = receipt.partition(".")
    if not (dot and token and seq.isdecimal()):
        return None
    return int(seq)


def _prefix_end(prefix: str) -> str | None:
    """The smallest string above every string that starts with ``prefix`` (None: no bound).

    SQLite compares text byte by byte in UTF-8, which is code point order.
    """
    while prefix:
        last = ord(prefix[-1]) + 1
        if last <= 0x10FFFF:
            if 0xD800 <= last <= 0xDFFF:
                # Surrogates cannot be encoded; the next code point that can is U+E000.
                last = 0xE000
            return prefix[:-1] + chr(last)
        prefix = prefix[:-1]
    return None


class _Database:
    """The SQL side of the store; created, used and closed on the worker thread only."""

    def __init__(self, path: str) -> None:
        if path != _MEMORY:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: every transaction below is opened and closed explicitly.
        self.conn = sqlite3.connect(path, isolation_level=None)
        try:
            self.conn.execute("PRAGMA busy_timeout = 10000")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            with self.transaction():
                (version,) = self.conn.execute("PRAGMA user_version").fetchone()
                if version > _SCHEMA_VERSION:
                    raise RuntimeError(f"{path} was written by a newer version (schema {version})")
                # Not executescript: it would commit the transaction first.
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
        except BaseException:
            self.conn.close()
            raise

    def close(self) -> None:
        self.conn.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction; IMMEDIATE takes the write lock up front, so it cannot fail
        half-way on a lock upgrade when another process writes."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    def ready(self) -> None:
        """Nothing: running it proves the connection is open and the schema exists."""

    # -- documents -----------------------------------------------------------------------

    def get(self, kind: str, key: str) -> bytes | None:
        row = self.conn.execute(
            "SELECT value FROM documents WHERE kind = ? AND key = ?", (kind, key)
        ).fetchone()
        return None if row is None else bytes(row[0])

    def put(self, kind: str, key: str, value: bytes) -> None:
        self.conn.execute(
            "INSERT INTO documents (kind, key, value) VALUES (?, ?, ?)"
            " ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value",
            (kind, key, value),
        )

    def create(self, kind: str, key: str, value: bytes) -> bool:
        cursor = self.conn.execute(
            "INSERT INTO documents (kind, key, value) VALUES (?, ?, ?)"
            " ON CONFLICT (kind, key) DO NOTHING",
            (kind, key, value),
        )
        return cursor.rowcount == 1

    def replace(self, kind: str, key: str, expected: bytes, value: bytes) -> bool:
        cursor = self.conn.execute(
            "UPDATE documents SET value = ? WHERE kind = ? AND key = ? AND value = ?",
            (value, kind, key, expected),
        )
        return cursor.rowcount == 1

    def delete(self, kind: str, key: str) -> bool:
        cursor = self.conn.execute("DELETE FROM documents WHERE kind = ? AND key = ?", (kind, key))
        return cursor.rowcount == 1

    def scan(
        self, kind: str, prefix: str, after: str | None, limit: int | None
    ) -> list[tuple[str, bytes]]:
        sql = "SELECT key, value FROM documents WHERE kind = ? AND key >= ?"
        params: list[object] = [kind, prefix]
        end = _prefix_end(prefix)
        if end is not None:
            sql += " AND key < ?"
            params.append(end)
        if after is not None:
            sql += " AND key > ?"
            params.append(after)
        sql += " ORDER BY key"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [(key, bytes(value)) for key, value in self.conn.execute(sql, params)]

    # -- counters ------------------------------------------------------------------------

    def incr(self, name: str) -> int:
        # fetchall: the statement must run to completion for autocommit to commit it.
        [(value,)] = self.conn.execute(
            "INSERT INTO counters (name, value) VALUES (?, 1)"
            " ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
            (name,),
        ).fetchall()
        return int(value)

    def counter(self, name: str) -> int:
        row = self.conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
        return 0 if row is None else int(row[0])

    # -- logs ----------------------------------------------------------------------------

    def append(self, batches: Sequence[tuple[str, Sequence[bytes]]]) -> list[list[str]]:
        """Append several callers' batches in one transaction; their ids, batch by batch."""
        rows: list[tuple[int, str, bytes]] = []
        ids: list[list[str]] = []
        lengths: dict[str, int] = {}
        with self.transaction():
            row = self.conn.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = 'log_entries'"
            ).fetchone()
            seq = 0 if row is None else int(row[0])
            for log, entries in batches:
                batch_ids = []
                for data in entries:
                    seq += 1
                    rows.append((seq, log, data))
                    batch_ids.append(str(seq))
                ids.append(batch_ids)
                lengths[log] = lengths.get(log, 0) + len(entries)
            self.conn.executemany("INSERT INTO log_entries (seq, log, data) VALUES (?, ?, ?)", rows)
            self.conn.executemany(
                "INSERT INTO logs (name, length) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET length = length + excluded.length",
                lengths.items(),
            )
        return ids

    def create_group(self, log: str, group: str, start: Literal["begin", "end"]) -> None:
        if start == "begin":
            position = "0"
        else:
            position = "(SELECT coalesce(max(seq), 0) FROM log_entries WHERE log = ?1)"
        self.conn.execute(
            f"INSERT INTO log_groups (log, grp, last_seq) VALUES (?1, ?2, {position})"
            " ON CONFLICT (log, grp) DO NOTHING",
            (log, group),
        )

    def _group_position(self, log: str, group: str) -> int:
        row = self.conn.execute(
            "SELECT last_seq FROM log_groups WHERE log = ? AND grp = ?", (log, group)
        ).fetchone()
        if row is None:
            raise LookupError(f"no consumer group {group!r} on log {log!r}")
        return int(row[0])

    def read_group(self, log: str, group: str, consumer: str, count: int) -> list[LogEntry]:
        # Look before taking the write lock: a blocked reader polls, usually finds
        # nothing, and must not hold up appenders (of this or another process) meanwhile.
        position = self._group_position(log, group)
        if not self.conn.execute(
            "SELECT 1 FROM log_entries WHERE log = ? AND seq > ? LIMIT 1", (log, position)
        ).fetchone():
            return []
        with self.transaction():
            position = self._group_position(log, group)
            rows = self.conn.execute(
                "SELECT seq, data FROM log_entries WHERE log = ? AND seq > ? ORDER BY seq LIMIT ?",
                (log, position, count),
            ).fetchall()
            if not rows:
                return []
            now = _now_ms()
            self.conn.executemany(
                "INSERT INTO log_pending (log, grp, seq, consumer, delivered_at, deliveries)"
                " VALUES (?, ?, ?, ?, ?, 1)",
                [(log, group, seq, consumer, now) for seq, _ in rows],
            )
            self.conn.execute(
                "UPDATE log_groups SET last_seq = ? WHERE log = ? AND grp = ?",
                (rows[-1][0], log, group),
            )
        return [LogEntry(str(seq), bytes(data)) for seq, data in rows]

    def ack(self, log: str, group: str, ids: Sequence[str]) -> int:
        # One transaction for the batch: in autocommit mode each DELETE would commit alone.
        with self.transaction():
            cursor = self.conn.executemany(
                "DELETE FROM log_pending WHERE log = ? AND grp = ? AND seq = ?",
                [(log, group, int(entry_id)) for entry_id in ids],
            )
        return cursor.rowcount

    def claim_stale(
        self, log: str, group: str, consumer: str, min_idle_ms: int, count: int
    ) -> list[LogEntry]:
        now = _now_ms()
        stale = (log, group, now - min_idle_ms)
        if not self.conn.execute(
            "SELECT 1 FROM log_pending WHERE log = ? AND grp = ? AND delivered_at <= ? LIMIT 1",
            stale,
        ).fetchone():
            return []
        with self.transaction():
            rows = self.conn.execute(
                "SELECT p.seq, e.data, p.deliveries + 1 FROM log_pending AS p"
                " JOIN log_entries AS e ON e.seq = p.seq"
                " WHERE p.log = ? AND p.grp = ? AND p.delivered_at <= ?"
                " ORDER BY p.seq LIMIT ?",
                (*stale, count),
            ).fetchall()
            self.conn.executemany(
                "UPDATE log_pending SET consumer = ?, delivered_at = ?, deliveries = ?"
                " WHERE log = ? AND grp = ? AND seq = ?",
                [(consumer, now, deliveries, log, group, seq) for seq, _, deliveries in rows],
            )
        return [LogEntry(str(seq), bytes(data), int(deliveries)) for seq, data, deliveries in rows]

    def pending_count(self, log: str, group: str) -> int:
        (count,) = self.conn.execute(
            "SELECT count(*) FROM log_pending WHERE log = ? AND grp = ?", (log, group)
        ).fetchone()
        return int(count)

    def log_length(self, log: str) -> int:
        row = self.conn.execute("SELECT length FROM logs WHERE name = ?", (log,)).fetchone()
        return 0 if row is None else int(row[0])

    def read_range(self, log: str, after: str | None, count: int) -> list[LogEntry]:
        rows = self.conn.execute(
            "SELECT seq, data FROM log_entries WHERE log = ? AND seq > ? ORDER BY seq LIMIT ?",
            (log, 0 if after is None else int(after), count),
        )
        return [LogEntry(str(seq), bytes(data)) for seq, data in rows]

    # -- queues --------------------------------------------------------------------------

    def queue_writes(self, writes: Sequence[Callable[[_Database], object]]) -> list[object]:
        """Run several callers' queue writes in one transaction; their results, in order."""
        with self.transaction():
            return [write(self) for write in writes]

    def enqueue(self, queue: str, items: Sequence[tuple[bytes, float]]) -> list[str]:
        """Insert messages; the caller provides the transaction (see ``queue_writes``)."""
        now = time.time()
        return [
            str(
                self.conn.execute(
                    "INSERT INTO queue_messages (queue, data, sent_at, visible_at)"
                    " VALUES (?, ?, ?, ?)",
                    (queue, data, now, now + delay),
                ).lastrowid
            )
            for data, delay in items
        ]

    def receive(
        self, queue: str, max_messages: int, visibility: float
    ) -> tuple[list[QueueMessage], float | None]:
        """Messages taken, or when there are none, when the next one becomes visible."""
        now = time.time()
        # Look before taking the write lock, as read_group does: a waiting receiver polls.
        (next_visible,) = self.conn.execute(
            "SELECT min(visible_at) FROM queue_messages WHERE queue = ?", (queue,)
        ).fetchone()
        if next_visible is None or next_visible > now:
            return [], next_visible
        hidden_until = now + visibility
        with self.transaction():
            rows = self.conn.execute(
                "SELECT seq, data, sent_at, receive_count + 1, coalesce(first_received_at, ?)"
                " FROM queue_messages WHERE queue = ? AND visible_at <= ?"
                " ORDER BY visible_at, seq LIMIT ?",
                (now, queue, now, max_messages),
            ).fetchall()
            messages = [
                QueueMessage(
                    id=str(seq),
                    receipt=f"{seq}.{secrets.token_urlsafe(12)}",
                    data=bytes(data),
                    receive_count=int(count),
                    sent_at=float(sent_at),
                    first_received_at=float(first),
                )
                for seq, data, sent_at, count, first in rows
            ]
            self.conn.executemany(
                "UPDATE queue_messages SET visible_at = ?, receipt = ?, receive_count = ?,"
                " first_received_at = ? WHERE seq = ?",
                [
                    (hidden_until, m.receipt, m.receive_count, m.first_received_at, int(m.id))
                    for m in messages
                ],
            )
        return messages, None

    def delete_message(self, queue: str, seq: int, receipt: str) -> bool:
        cursor = self.conn.execute(
            "DELETE FROM queue_messages WHERE seq = ? AND queue = ? AND receipt = ?",
            (seq, queue, receipt),
        )
        return cursor.rowcount == 1

    def change_visibility(self, queue: str, seq: int, receipt: str, timeout: float) -> bool:
        cursor = self.conn.execute(
            "UPDATE queue_messages SET visible_at = ? WHERE seq = ? AND queue = ? AND receipt = ?",
            (time.time() + timeout, seq, queue, receipt),
        )
        return cursor.rowcount == 1

    def purge(self, queue: str) -> int:
        return self.conn.execute("DELETE FROM queue_messages WHERE queue = ?", (queue,)).rowcount

    def queue_stats(self, queue: str) -> QueueStats:
        visible, in_flight, delayed = self.conn.execute(
            "SELECT coalesce(sum(visible_at <= ?1), 0),"
            " coalesce(sum(visible_at > ?1 AND receive_count > 0), 0),"
            " coalesce(sum(visible_at > ?1 AND receive_count = 0), 0)"
            " FROM queue_messages WHERE queue = ?2",
            (time.time(), queue),
        ).fetchone()
        return QueueStats(visible=int(visible), in_flight=int(in_flight), delayed=int(delayed))


#: One caller's append, as the group commit takes it: the log and the entries.
_Append = tuple[str, list[bytes]]

#: One caller's queue write, as the group commit takes it: the write, and the queue whose
#: receivers to wake once it is committed (None: nobody).
_QueueWrite = tuple[Callable[[_Database], object], str | None]


class SqliteStore(Store):
    """The store on one SQLite file; see the module docstring."""

    #: Seconds between looks for entries appended by other processes while a read_group
    #: blocks; appends through this store wake it at once.
    poll_interval: float = 0.05

    def __init__(self, url: str) -> None:
        self.url = url
        self._path = _path_from_url(url)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="eventbus-sqlite")
        self._db: _Database | None = None  # touched on the worker thread only
        self._appends = GroupCommit(self._commit_appends, committed=self._appended)
        self._queue_writes = GroupCommit(self._commit_queue_writes, committed=self._written)
        self._wakeups: dict[str, asyncio.Event] = {}
        self._queue_wakeups: dict[str, asyncio.Event] = {}  # apart: a queue may share a log's name
        self._closed = False

    # -- plumbing ------------------------------------------------------------------------

    def _call(
        self, fn: Callable[Concatenate[_Database, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        if self._db is None:
            self._db = _Database(self._path)
        return fn(self._db, *args, **kwargs)

    def _close_db(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    async def _in_worker(self, job: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        try:
            future = loop.run_in_executor(self._executor, job)
        except RuntimeError:  # the executor is shut down
            raise RuntimeError(f"the store {self.url} is closed") from None
        return await future

    async def _run(
        self, fn: Callable[Concatenate[_Database, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run ``fn(database, *args, **kwargs)`` on the worker thread."""
        return await self._in_worker(functools.partial(self._call, fn, *args, **kwargs))

    def _wakeup(self, log: str) -> asyncio.Event:
        """The event the next append to ``log`` through this store sets."""
        return self._wakeups.setdefault(log, asyncio.Event())

    def _notify(self, log: str) -> None:
        event = self._wakeups.pop(log, None)
        if event is not None:
            event.set()

    # -- lifecycle -----------------------------------------------------------------------

    async def open(self) -> None:
        await self._run(_Database.ready)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._appends.drain()
        await self._queue_writes.drain()
        try:
            await self._in_worker(self._close_db)
        finally:
            self._executor.shutdown(wait=True)

    # -- documents -----------------------------------------------------------------------

    async def get(self, kind: str, key: str) -> bytes | None:
        return await self._run(_Database.get, kind, key)

    async def put(self, kind: str, key: str, value: bytes) -> None:
        await self._run(_Database.put, kind, key, bytes(value))

    async def create(self, kind: str, key: str, value: bytes) -> bool:
        return await self._run(_Database.create, kind, key, bytes(value))

    async def replace(self, kind: str, key: str, expected: bytes, value: bytes) -> bool:
        return await self._run(_Database.replace, kind, key, bytes(expected), bytes(value))

    async def delete(self, kind: str, key: str) -> bool:
        return await self._run(_Database.delete, kind, key)

    async def scan(
        self, kind: str, *, prefix: str = "", after: str | None = None, limit: int | None = None
    ) -> list[tuple[str, bytes]]:
        return await self._run(_Database.scan, kind, prefix, after, limit)

    # -- counters ------------------------------------------------------------------------

    async def incr(self, name: str) -> int:
        return await self._run(_Database.incr, name)

    async def counter(self, name: str) -> int:
        return await self._run(_Database.counter, name)

    # -- logs ----------------------------------------------------------------------------

    async def append(self, log: str, entries: Sequence[bytes]) -> list[str]:
        if self._closed:
            raise RuntimeError(f"the store {self.url} is closed")
        # Converted here so that a bad entry fails its own caller, not the group commit.
        batch = [bytes(data) for data in entries]
        if not batch:
            return []
        return await self._appends.submit((log, batch))

    async def _commit_appends(self, group: list[_Append]) -> list[list[str]]:
        """Append a group of batches in one transaction; the ids, batch by batch."""
        return await self._run(_Database.append, group)

    def _appended(self, group: list[_Append]) -> None:
        """Wake the blocked readers of the logs a group commit wrote to."""
        for log in {log for log, _ in group}:
            self._notify(log)

    async def create_group(
        self, log: str, group: str, start: Literal["begin", "end"] = "begin"
    ) -> None:
        if start not in ("begin", "end"):
            raise ValueError(f"start must be 'begin' or 'end', not {start!r}")
        await self._run(_Database.create_group, log, group, start)

    async def read_group(
        self, log: str, group: str, consumer: str, *, count: int = 100, block_ms: int = 0
    ) -> list[LogEntry]:
        """See ``Store.read_group``; raises LookupError when the group does not exist."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + block_ms / 1000
        while True:
            # Taken before reading, so an append landing between the read and the wait
            # still wakes us.
            wakeup = self._wakeup(log)
            entries = await self._run(_Database.read_group, log, group, consumer, count)
            remaining = deadline - loop.time()
            if entries or remaining <= 0:
                return entries
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(remaining, self.poll_interval)):
                    await wakeup.wait()

    async def ack(self, log: str, group: str, ids: Sequence[str]) -> int:
        if not ids:
            return 0
        return await self._run(_Database.ack, log, group, list(ids))

    async def claim_stale(
        self, log: str, group: str, consumer: str, *, min_idle_ms: int, count: int = 100
    ) -> list[LogEntry]:
        return await self._run(_Database.claim_stale, log, group, consumer, min_idle_ms, count)

    async def pending_count(self, log: str, group: str) -> int:
        return await self._run(_Database.pending_count, log, group)

    async def log_length(self, log: str) -> int:
        return await self._run(_Database.log_length, log)

    async def read_range(
        self, log: str, *, after: str | None = None, count: int = 100
    ) -> list[LogEntry]:
        return await self._run(_Database.read_range, log, after, count)

    # -- queues --------------------------------------------------------------------------

    def _notify_queue(self, queue: str) -> None:
        event = self._queue_wakeups.pop(queue, None)
        if event is not None:
            event.set()

    async def _write_queue(self, write: Callable[[_Database], T], wakes: str | None) -> T:
        """Run ``write`` in the next group commit of queue writes; wake ``wakes`` after."""
        if self._closed:
            raise RuntimeError(f"the store {self.url} is closed")
        # The group commit holds writes of every result type; each caller gets back its own.
        return cast("T", await self._queue_writes.submit((write, wakes)))

    async def _commit_queue_writes(self, group: list[_QueueWrite]) -> list[object]:
        """Run a group of queue writes in one transaction; their results, in order.

        Inputs are checked before they are submitted, so a failure here is the database
        failing, and the whole transaction with it.
        """
        return await self._run(_Database.queue_writes, [write for write, _ in group])

    def _written(self, group: list[_QueueWrite]) -> None:
        """Wake the waiting receivers of the queues a group commit asked to wake."""
        for queue in {queue for _, queue in group if queue is not None}:
            self._notify_queue(queue)

    async def enqueue(self, queue: str, items: Sequence[tuple[bytes, float]]) -> list[str]:
        # Converted here so that a bad item fails its own caller before anything is written.
        batch = [(bytes(data), float(delay)) for data, delay in items]
        if not batch:
            return []
        return await self._write_queue(
            functools.partial(_Database.enqueue, queue=queue, items=batch), queue
        )

    async def receive(
        self, queue: str, *, max_messages: int, visibility: float, wait: float = 0.0
    ) -> list[QueueMessage]:
        if max_messages < 1:
            raise ValueError(f"max_messages must be at least 1, not {max_messages}")

        async def take() -> tuple[list[QueueMessage], float | None]:
            return await self._run(_Database.receive, queue, max_messages, visibility)

        return await receive_waiting(
            take,
            lambda: self._queue_wakeups.setdefault(queue, asyncio.Event()),
            wait=wait,
            poll_interval=self.poll_interval,
        )

    async def delete_message(self, queue: str, receipt: str) -> bool:
        seq = _receipt_seq(receipt)
        if seq is None:
            return False
        write = functools.partial(_Database.delete_message, queue=queue, seq=seq, receipt=receipt)
        return await self._write_queue(write, None)

    # The interface's parameter name: not an asyncio-style deadline for this call.
    async def change_visibility(
        self,
        queue: str,
        receipt: str,
        timeout: float,  # noqa: ASYNC109
    ) -> bool:
        seq = _receipt_seq(receipt)
        if seq is None:
            return False
        write = functools.partial(
            _Database.change_visibility,
            queue=queue,
            seq=seq,
            receipt=receipt,
            timeout=float(timeout),
        )
        # Receivers are woken as a waiting one may have planned to sleep past the new time.
        return await self._write_queue(write, queue)

    async def purge(self, queue: str) -> int:
        return await self._run(_Database.purge, queue)

    async def queue_stats(self, queue: str) -> QueueStats:
        return await self._run(_Database.queue_stats, queue)
