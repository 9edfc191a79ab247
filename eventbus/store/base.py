"""The storage interface every backend implements.

Two things live in a store:

* **Documents**: small JSON values (buses, rules, partner sources, later registries and
  schemas) grouped by *kind* and addressed by a string key. Keys of one kind are listed
  in byte order, which gives stable pagination. Updates that read before they write go
  through ``replace`` (compare-and-set) so concurrent processes never lose a write.
* **Queues**: durable messages with delays and visibility timeouts, as Amazon SQS has
  them: a received message is invisible for a while and comes back unless deleted with
  the receipt of that receive. They carry deliveries, retries and the SQS-compatible queues.
* **Logs**: durable, append-only streams (one per bus, later queues) read by consumer
  groups with at-least-once semantics: an entry read by a consumer stays *pending* until
  it is acknowledged; a pending entry idle for longer than a visibility timeout can be
  claimed by another consumer.

Values are bytes (serialized JSON) so that backends never interpret them.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One entry of a log as a consumer sees it."""

    id: str
    data: bytes
    #: How many times this entry has been handed to a consumer, this time included.
    deliveries: int = 1


@dataclass(frozen=True, slots=True)
class QueueMessage:
    """One message of a queue as a receiver gets it."""

    id: str
    #: Proves this receive; only the latest receipt of a message can delete it or change
    #: its visibility.
    receipt: str
    data: bytes
    #: How many times the message has been received, this time included.
    receive_count: int
    #: When the message was enqueued, and first received (epoch seconds).
    sent_at: float
    first_received_at: float


@dataclass(frozen=True, slots=True)
class QueueStats:
    visible: int
    #: Received and not yet visible again.
    in_flight: int
    #: Enqueued with a delay that has not passed yet.
    delayed: int


class Store(abc.ABC):
    """Documents and consumer-group logs; see the module docstring."""

    url: str

    # -- documents -----------------------------------------------------------------------

    @abc.abstractmethod
    async def get(self, kind: str, key: str) -> bytes | None:
        """The value stored under (kind, key), or None."""

    @abc.abstractmethod
    async def put(self, kind: str, key: str, value: bytes) -> None:
        """Store a value, replacing any previous one."""

    @abc.abstractmethod
    async def create(self, kind: str, key: str, value: bytes) -> bool:
        """Store a value only if the key is absent; False when it already existed."""

    @abc.abstractmethod
    async def replace(self, kind: str, key: str, expected: bytes, value: bytes) -> bool:
        """Compare-and-set: store ``value`` only if the current value equals ``expected``."""

    @abc.abstractmethod
    async def delete(self, kind: str, key: str) -> bool:
        """Remove a key; False when it did not exist."""

    @abc.abstractmethod
    async def scan(
        self, kind: str, *, prefix: str = "", after: str | None = None, limit: int | None = None
    ) -> list[tuple[str, bytes]]:
        """Keys of ``kind`` starting with ``prefix`` and greater than ``after``, sorted."""

    # -- counters ------------------------------------------------------------------------

    @abc.abstractmethod
    async def incr(self, name: str) -> int:
        """Atomically add one to a named counter (absent = 0) and return the new value."""

    @abc.abstractmethod
    async def counter(self, name: str) -> int:
        """The current value of a named counter (0 when absent)."""

    # -- logs ----------------------------------------------------------------------------

    @abc.abstractmethod
    async def append(self, log: str, entries: Sequence[bytes]) -> list[str]:
        """Durably append entries, in order; returns their ids (increasing)."""

    @abc.abstractmethod
    async def create_group(
        self, log: str, group: str, start: Literal["begin", "end"] = "begin"
    ) -> None:
        """Create a consumer group if it does not exist yet.

        ``begin`` makes the group see every entry still in the log; ``end`` only entries
        appended afterwards. Creating an existing group changes nothing.
        """

    @abc.abstractmethod
    async def read_group(
        self, log: str, group: str, consumer: str, *, count: int = 100, block_ms: int = 0
    ) -> list[LogEntry]:
        """Hand entries never delivered to the group to ``consumer``; they become pending.

        Waits up to ``block_ms`` for new entries when there are none (0: do not wait).
        """

    @abc.abstractmethod
    async def ack(self, log: str, group: str, ids: Sequence[str]) -> int:
        """Acknowledge pending entries; returns how many were pending."""

    @abc.abstractmethod
    async def claim_stale(
        self, log: str, group: str, consumer: str, *, min_idle_ms: int, count: int = 100
    ) -> list[LogEntry]:
        """Move entries pending for longer than ``min_idle_ms`` to ``consumer``."""

    @abc.abstractmethod
    async def pending_count(self, log: str, group: str) -> int:
        """How many entries the group has read but not acknowledged."""

    @abc.abstractmethod
    async def log_length(self, log: str) -> int:
        """How many entries the log holds."""

    @abc.abstractmethod
    async def read_range(
        self, log: str, *, after: str | None = None, count: int = 100
    ) -> list[LogEntry]:
        """Entries after ``after`` (from the start when None), without any group."""

    # -- queues --------------------------------------------------------------------------

    @abc.abstractmethod
    async def enqueue(self, queue: str, items: Sequence[tuple[bytes, float]]) -> list[str]:
        """Durably add messages, each ``(data, delay_seconds)``, in one step; their ids."""

    @abc.abstractmethod
    async def receive(
        self, queue: str, *, max_messages: int, visibility: float, wait: float = 0.0
    ) -> list[QueueMessage]:
        """Take up to ``max_messages`` visible messages, oldest first, and hide them for
        ``visibility`` seconds (each gets a new receipt).

        When none is visible, wait up to ``wait`` seconds for one (enqueued by any process,
        or becoming visible when its delay or visibility timeout ends).
        """

    @abc.abstractmethod
    async def delete_message(self, queue: str, receipt: str) -> bool:
        """Delete the message of this receipt; False if the receipt is not its latest."""

    @abc.abstractmethod
    async def change_visibility(self, queue: str, receipt: str, timeout: float) -> bool:  # noqa: ASYNC109 - a visibility timeout, not a call timeout
        """Make the message of this receipt visible again after ``timeout`` seconds (0: now)."""

    @abc.abstractmethod
    async def purge(self, queue: str) -> int:
        """Delete every message of a queue; how many there were."""

    @abc.abstractmethod
    async def queue_stats(self, queue: str) -> QueueStats:
        """Counts of visible, in-flight and delayed messages."""

    # -- lifecycle -----------------------------------------------------------------------

    async def open(self) -> None:  # noqa: B027 - optional hook
        """Prepare the backend (create tables, check the connection)."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Release connections and threads."""
