"""Every Redis key name the Redis store uses, built in one place.

All keys of one store live under its namespace (``<prefix>:``), so several stores (tenants,
test runs) can share one Redis server and a namespace can be listed or dropped with one
pattern. The segment after the prefix says what the key holds; it differs for every kind of
key, so a document kind, a counter name and a log name can never produce the same key.

    <prefix>:doc:<kind>        hash: document key -> value
    <prefix>:doc-index:<kind>  sorted set, all scores 0: document keys in byte order
    <prefix>:counter:<name>    string: an integer counter
    <prefix>:log:<log>         stream: one log, its consumer groups and their pending entries
    <prefix>:queue:<queue>     sorted set: message id -> when it becomes visible (epoch s)
    <prefix>:queue-data:<queue>      hash: message id -> data
    <prefix>:queue-meta:<queue>      hash: message id -> receive count, times, latest receipt
    <prefix>:queue-received:<queue>  sorted set: the ids of <prefix>:queue:<queue> received at
                                     least once, same scores (to tell in-flight from delayed)
    <prefix>:queue-ids         string: the last message id handed out, for every queue

One pub/sub channel, ``<prefix>:queue-wakeups``, carries ``<sender> <queue>`` for every queue
that got a message (or a message made visible sooner), to wake receivers waiting in other
processes.
Channels are not keys: a SCAN does not list them.
"""

from __future__ import annotations

DEFAULT_PREFIX = "eventbus"

#: The field each log entry's data is stored under in its stream entry.
LOG_DATA_FIELD = b"d"


def documents(prefix: str, kind: str) -> str:
    """The hash holding the values of one kind of document."""
    return f"{prefix}:doc:{kind}"


def document_index(prefix: str, kind: str) -> str:
    """The sorted set listing the keys of one kind of document, for ordered scans."""
    return f"{prefix}:doc-index:{kind}"


def counter(prefix: str, name: str) -> str:
    """The integer counter ``name``."""
    return f"{prefix}:counter:{name}"


def log(prefix: str, name: str) -> str:
    """The stream holding the log ``name``."""
    return f"{prefix}:log:{name}"


def queue(prefix: str, name: str) -> str:
    """The sorted set of a queue's message ids, scored by when each becomes visible."""
    return f"{prefix}:queue:{name}"


def queue_data(prefix: str, name: str) -> str:
    """The hash holding the data of a queue's messages."""
    return f"{prefix}:queue-data:{name}"


def queue_meta(prefix: str, name: str) -> str:
    """The hash holding what changes as a queue's messages are received."""
    return f"{prefix}:queue-meta:{name}"


def queue_received(prefix: str, name: str) -> str:
    """The sorted set of a queue's messages received at least once."""
    return f"{prefix}:queue-received:{name}"


def queue_ids(prefix: str) -> str:
    """The counter message ids are drawn from (one for all queues, so ids never repeat)."""
    return f"{prefix}:queue-ids"


def queue_wakeups(prefix: str) -> str:
    """The pub/sub channel announcing queues that have a message for waiting receivers."""
    return f"{prefix}:queue-wakeups"


def namespace_pattern(prefix: str) -> str:
    """A SCAN/KEYS pattern matching every key of the namespace (for cleanup and tooling)."""
    escaped = "".join(f"\\{c}" if c in "*?[]\\" else c for c in prefix)
    return f"{escaped}:*"
