"""Every Redis key name the Redis store uses, built in one place.

All keys of one store live under its namespace (``<prefix>:``), so several stores (tenants,
test runs) can share one Redis server and a namespace can be listed or dropped with one
pattern. The segment after the prefix says what the key holds; it differs for every kind of
key, so a document kind, a counter name and a log name can never produce the same key.

    <prefix>:doc:<kind>        hash: document key -> value
    <prefix>:doc-index:<kind>  sorted set, all scores 0: document keys in byte order
    <prefix>:counter:<name>    string: an integer counter
    <prefix>:log:<log>         stream: one log, its consumer groups and their pending entries
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


def namespace_pattern(prefix: str) -> str:
    """A SCAN/KEYS pattern matching every key of the namespace (for cleanup and tooling)."""
    escaped = "".join(f"\\{c}" if c in "*?[]\\" else c for c in prefix)
    return f"{escaped}:*"
