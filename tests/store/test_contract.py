"""The storage contract of ``eventbus.store.base.Store``, written once.

Every class whose tests take the ``store`` (or ``store_url``) fixture runs against each
backend, since that fixture is parametrized over them. What only one backend promises (its
URLs, surviving SIGKILL, key namespaces) is in the classes at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
import sqlite3
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest
import redis.asyncio

from eventbus.store import QueueStats, Store, open_store, redis_keys
from eventbus.store.redis import RedisStore
from eventbus.store.sqlite import SqliteStore

T = TypeVar("T")

LOG = "orders"
GROUP = "router"


def position(entry_id: str) -> tuple[int, ...]:
    """Where an id sits in its log: ids compare as integers ("17", "1700000000000-3")."""
    return tuple(int(part) for part in entry_id.split("-"))


def by_bytes(keys: list[str]) -> list[str]:
    return sorted(keys, key=lambda key: key.encode())


async def eventually(probe: Callable[[], Awaitable[T]], *, within: float = 5.0) -> T:
    """Call ``probe`` until it returns something truthy; fail after ``within`` seconds."""
    async with asyncio.timeout(within):
        while True:
            if result := await probe():
                return result
            await asyncio.sleep(0.02)


async def fill(store: Store, count: int, log: str = LOG) -> list[str]:
    """Append entries b"0", b"1", ... one batch each, and return their ids."""
    ids = []
    for i in range(count):
        ids += await store.append(log, [str(i).encode()])
    return ids


# -- documents -----------------------------------------------------------------------------


class TestDocuments:
    async def test_get_of_a_missing_key_is_none(self, store: Store) -> None:
        assert await store.get("bus", "missing") is None

    async def test_put_stores_and_replaces(self, store: Store) -> None:
        await store.put("bus", "default", b'{"v": 1}')
        assert await store.get("bus", "default") == b'{"v": 1}'
        await store.put("bus", "default", b'{"v": 2}')
        assert await store.get("bus", "default") == b'{"v": 2}'

    async def test_values_are_opaque_bytes(self, store: Store) -> None:
        value = bytes(range(256))
        await store.put("blob", "k", value)
        assert await store.get("blob", "k") == value

    async def test_create_only_when_absent(self, store: Store) -> None:
        assert await store.create("bus", "b", b"first")
        assert not await store.create("bus", "b", b"second")
        assert await store.get("bus", "b") == b"first"
        assert await store.scan("bus") == [("b", b"first")]

    async def test_replace_is_compare_and_set(self, store: Store) -> None:
        assert not await store.replace("rule", "r", b"old", b"new")
        assert await store.get("rule", "r") is None
        await store.put("rule", "r", b"old")
        assert not await store.replace("rule", "r", b"stale", b"new")
        assert await store.get("rule", "r") == b"old"
        assert await store.replace("rule", "r", b"old", b"new")
        assert await store.get("rule", "r") == b"new"

    async def test_concurrent_replaces_let_exactly_one_win(self, store: Store) -> None:
        await store.put("rule", "r", b"0")
        results = await asyncio.gather(
            *(store.replace("rule", "r", b"0", str(i).encode()) for i in range(1, 11))
        )
        assert results.count(True) == 1
        winner = results.index(True) + 1
        assert await store.get("rule", "r") == str(winner).encode()

    async def test_delete(self, store: Store) -> None:
        await store.put("bus", "b", b"x")
        assert await store.delete("bus", "b")
        assert not await store.delete("bus", "b")
        assert await store.get("bus", "b") is None
        assert await store.scan("bus") == []
        assert await store.create("bus", "b", b"again")

    async def test_kinds_do_not_share_keys(self, store: Store) -> None:
        await store.put("bus", "same", b"bus")
        await store.put("rule", "same", b"rule")
        assert await store.get("bus", "same") == b"bus"
        assert await store.scan("rule") == [("same", b"rule")]

    async def test_scan_lists_keys_in_byte_order(self, store: Store) -> None:
        keys = ["b", "a", "B", "a/b", "a|b", "a b", "a0", "é", "日本", "z", "~", "aa", "\U0001f600"]
        for key in random.Random(7).sample(keys, len(keys)):
            await store.put("doc", key, key.encode())
        assert await store.scan("doc") == [(key, key.encode()) for key in by_bytes(keys)]

    @pytest.mark.parametrize(
        ("prefix", "expected"),
        [
            ("a/", ["a/", "a/1", "a/b/c"]),
            ("a|", ["a|x"]),
            ("a", ["a", "a/", "a/1", "a/b/c", "a0", "a|x", "aé"]),
            ("é", ["é", "éa"]),
            ("日", ["日", "日本"]),
            # The last code points before the surrogates and of all Unicode: the first
            # string above such a prefix is not simply "the next character".
            ("\ud7ff", ["\ud7ff", "\ud7ffz"]),
            ("x\U0010ffff", ["x\U0010ffff", "x\U0010ffffz"]),
            ("q", []),
        ],
    )
    async def test_scan_by_prefix(self, store: Store, prefix: str, expected: list[str]) -> None:
        keys = ["a", "a/", "a/1", "a/b/c", "a0", "a|x", "aé", "b", "é", "éa", "ê", "日本", "日"]
        keys += ["\ud7ff", "\ud7ffz", "\ue000", "x\U0010ffff", "x\U0010ffffz", "y"]
        for key in keys:
            await store.put("doc", key, b"v")
        assert [key for key, _ in await store.scan("doc", prefix=prefix)] == expected

    async def test_scan_pages_with_after_and_limit(self, store: Store) -> None:
        keys = [f"rule/{i:02}" for i in range(7)] + ["other"]
        for key in keys:
            await store.put("doc", key, key.encode())
        pages: list[list[str]] = []
        after = None
        while page := await store.scan("doc", prefix="rule/", after=after, limit=3):
            pages.append([key for key, _ in page])
            after = page[-1][0]
        assert pages == [
            ["rule/00", "rule/01", "rule/02"],
            ["rule/03", "rule/04", "rule/05"],
            ["rule/06"],
        ]

    async def test_scan_after_outside_the_prefix(self, store: Store) -> None:
        for key in ["a", "b/1", "b/2", "c"]:
            await store.put("doc", key, b"v")
        assert [k for k, _ in await store.scan("doc", prefix="b/", after="a")] == ["b/1", "b/2"]
        assert await store.scan("doc", prefix="b/", after="b/2") == []
        assert await store.scan("doc", prefix="b/", after="c") == []
        assert [k for k, _ in await store.scan("doc", after="b/1")] == ["b/2", "c"]

    async def test_scan_limit(self, store: Store) -> None:
        for key in ["a", "b", "c"]:
            await store.put("doc", key, b"v")
        assert [k for k, _ in await store.scan("doc", limit=2)] == ["a", "b"]
        assert await store.scan("doc", limit=0) == []
        assert await store.scan("empty") == []


# -- counters ------------------------------------------------------------------------------


class TestCounters:
    async def test_absent_counter_is_zero(self, store: Store) -> None:
        assert await store.counter("rules-version:default") == 0

    async def test_incr_counts_from_one(self, store: Store) -> None:
        assert [await store.incr("c") for _ in range(3)] == [1, 2, 3]
        assert await store.counter("c") == 3
        assert await store.counter("other") == 0

    async def test_concurrent_increments_are_not_lost(self, store: Store) -> None:
        results = await asyncio.gather(*(store.incr("c") for _ in range(20)))
        assert sorted(results) == list(range(1, 21))
        assert await store.counter("c") == 20


# -- appending and reading logs ------------------------------------------------------------


class TestAppend:
    async def test_ids_increase_and_entries_keep_their_order(self, store: Store) -> None:
        first = await store.append(LOG, [b"a", b"b", b"c"])
        second = await store.append(LOG, [b"d"])
        ids = first + second
        assert len(set(ids)) == 4
        assert sorted(ids, key=position) == ids
        entries = await store.read_range(LOG)
        assert [(e.id, e.data) for e in entries] == list(
            zip(ids, [b"a", b"b", b"c", b"d"], strict=True)
        )

    async def test_empty_batch(self, store: Store) -> None:
        assert await store.append(LOG, []) == []
        assert await store.log_length(LOG) == 0

    async def test_concurrent_appends_each_stay_in_order(self, store: Store) -> None:
        batches = [[f"{b}.{i}".encode() for i in range(3)] for b in range(300)]
        results = await asyncio.gather(*(store.append(LOG, batch) for batch in batches))
        assert all(sorted(ids, key=position) == ids for ids in results)
        assert len({i for ids in results for i in ids}) == 900
        logged = {e.id: e.data for e in await store.read_range(LOG, count=1000)}
        for batch, ids in zip(batches, results, strict=True):
            assert [logged[i] for i in ids] == batch

    async def test_a_bad_entry_fails_only_its_own_append(self, store: Store) -> None:
        good, bad = await asyncio.gather(
            store.append(LOG, [b"fine"]),
            store.append(LOG, ["not bytes"]),  # type: ignore[list-item]
            return_exceptions=True,
        )
        assert isinstance(bad, TypeError)
        assert [e.id for e in await store.read_range(LOG)] == good

    async def test_logs_are_separate(self, store: Store) -> None:
        await store.append("a", [b"1", b"2"])
        await store.append("b", [b"3"])
        assert await store.log_length("a") == 2
        assert await store.log_length("b") == 1
        assert await store.log_length("never") == 0
        assert [e.data for e in await store.read_range("b")] == [b"3"]


class TestReadRange:
    async def test_pages_through_the_log(self, store: Store) -> None:
        ids = await fill(store, 7)
        pages = []
        after = None
        while page := await store.read_range(LOG, after=after, count=3):
            pages.append([e.id for e in page])
            after = page[-1].id
        assert pages == [ids[0:3], ids[3:6], ids[6:7]]

    async def test_does_not_touch_groups(self, store: Store) -> None:
        await store.create_group(LOG, GROUP)
        await fill(store, 2)
        assert len(await store.read_range(LOG)) == 2
        assert len(await store.read_group(LOG, GROUP, "c")) == 2

    async def test_of_a_missing_log_is_empty(self, store: Store) -> None:
        assert await store.read_range("never") == []


# -- consumer groups -----------------------------------------------------------------------


class TestConsumerGroups:
    async def test_group_at_begin_sees_existing_entries(self, store: Store) -> None:
        ids = await fill(store, 3)
        await store.create_group(LOG, GROUP, "begin")
        entries = await store.read_group(LOG, GROUP, "c")
        assert [e.id for e in entries] == ids
        assert [e.data for e in entries] == [b"0", b"1", b"2"]
        assert all(e.deliveries == 1 for e in entries)

    async def test_group_at_end_sees_only_new_entries(self, store: Store) -> None:
        await fill(store, 3)
        await store.create_group(LOG, GROUP, "end")
        assert await store.read_group(LOG, GROUP, "c") == []
        new = await store.append(LOG, [b"new"])
        assert [e.id for e in await store.read_group(LOG, GROUP, "c")] == new

    @pytest.mark.parametrize("start", ["begin", "end"])
    async def test_group_on_a_log_not_written_yet(self, store: Store, start: str) -> None:
        await store.create_group(LOG, GROUP, start)  # type: ignore[arg-type]
        ids = await fill(store, 2)
        assert [e.id for e in await store.read_group(LOG, GROUP, "c")] == ids

    async def test_creating_a_group_twice_changes_nothing(self, store: Store) -> None:
        ids = await fill(store, 4)
        await store.create_group(LOG, GROUP)
        assert len(await store.read_group(LOG, GROUP, "c", count=2)) == 2
        await store.create_group(LOG, GROUP, "begin")
        await store.create_group(LOG, GROUP, "end")
        assert [e.id for e in await store.read_group(LOG, GROUP, "c")] == ids[2:]
        assert await store.pending_count(LOG, GROUP) == 4

    async def test_reading_an_unknown_group_raises_lookup_error(self, store: Store) -> None:
        await fill(store, 1)
        with pytest.raises(LookupError):
            await store.read_group(LOG, "nobody", "c")

    async def test_unknown_group_has_nothing_pending_or_to_claim(self, store: Store) -> None:
        await fill(store, 1)
        assert await store.pending_count(LOG, "nobody") == 0
        assert await store.claim_stale(LOG, "nobody", "c", min_idle_ms=0) == []
        assert await store.pending_count("never", "nobody") == 0

    async def test_count_limits_a_read(self, store: Store) -> None:
        ids = await fill(store, 5)
        await store.create_group(LOG, GROUP)
        assert [e.id for e in await store.read_group(LOG, GROUP, "c", count=2)] == ids[:2]
        assert [e.id for e in await store.read_group(LOG, GROUP, "c", count=2)] == ids[2:4]
        assert [e.id for e in await store.read_group(LOG, GROUP, "c", count=2)] == ids[4:]

    async def test_consumers_of_one_group_share_the_entries(self, store: Store) -> None:
        ids = await fill(store, 10)
        await store.create_group(LOG, GROUP)
        received: dict[str, list[str]] = {"a": [], "b": []}
        while True:
            a = await store.read_group(LOG, GROUP, "a", count=3)
            b = await store.read_group(LOG, GROUP, "b", count=2)
            if not a and not b:
                break
            received["a"] += [e.id for e in a]
            received["b"] += [e.id for e in b]
        assert not set(received["a"]) & set(received["b"])
        assert sorted(received["a"] + received["b"], key=position) == ids

    async def test_concurrent_consumers_never_get_the_same_entry(self, store: Store) -> None:
        ids = await fill(store, 40)
        await store.create_group(LOG, GROUP)

        async def consume(name: str) -> list[str]:
            got = []
            while entries := await store.read_group(LOG, GROUP, name, count=3):
                got += [e.id for e in entries]
            return got

        received = await asyncio.gather(*(consume(f"c{i}") for i in range(4)))
        flat = [entry_id for got in received for entry_id in got]
        assert len(flat) == len(set(flat))
        assert sorted(flat, key=position) == ids

    async def test_every_group_gets_every_entry(self, store: Store) -> None:
        ids = await fill(store, 3)
        await store.create_group(LOG, "router")
        await store.create_group(LOG, "discovery")
        assert [e.id for e in await store.read_group(LOG, "router", "r")] == ids
        assert [e.id for e in await store.read_group(LOG, "discovery", "d")] == ids
        await store.ack(LOG, "router", ids)
        assert await store.pending_count(LOG, "router") == 0
        assert await store.pending_count(LOG, "discovery") == 3


class TestPendingEntries:
    async def test_unacked_entries_are_not_read_again(self, store: Store) -> None:
        await fill(store, 2)
        await store.create_group(LOG, GROUP)
        assert len(await store.read_group(LOG, GROUP, "a")) == 2
        assert await store.read_group(LOG, GROUP, "a") == []
        assert await store.read_group(LOG, GROUP, "b") == []
        assert await store.pending_count(LOG, GROUP) == 2

    async def test_ack_removes_from_pending(self, store: Store) -> None:
        ids = await fill(store, 3)
        await store.create_group(LOG, GROUP)
        await store.read_group(LOG, GROUP, "a")
        assert await store.ack(LOG, GROUP, ids[:2]) == 2
        assert await store.pending_count(LOG, GROUP) == 1
        assert await store.ack(LOG, GROUP, ids[:2]) == 0
        assert await store.ack(LOG, GROUP, []) == 0
        assert await store.ack(LOG, GROUP, [ids[2], ids[2]]) == 1
        assert await store.pending_count(LOG, GROUP) == 0
        assert await store.claim_stale(LOG, GROUP, "b", min_idle_ms=0) == []

    async def test_entries_not_yet_read_cannot_be_acked(self, store: Store) -> None:
        ids = await fill(store, 1)
        await store.create_group(LOG, GROUP)
        assert await store.ack(LOG, GROUP, ids) == 0
        assert [e.id for e in await store.read_group(LOG, GROUP, "a")] == ids

    async def test_claim_leaves_entries_idle_for_less_than_min_idle(self, store: Store) -> None:
        await fill(store, 2)
        await store.create_group(LOG, GROUP)
        await store.read_group(LOG, GROUP, "a")
        assert await store.claim_stale(LOG, GROUP, "b", min_idle_ms=60_000) == []

    async def test_claim_takes_entries_once_idle_long_enough(self, store: Store) -> None:
        ids = await fill(store, 2)
        await store.create_group(LOG, GROUP)
        await store.read_group(LOG, GROUP, "a")
        claimed = await eventually(lambda: store.claim_stale(LOG, GROUP, "b", min_idle_ms=100))
        assert [(e.id, e.data, e.deliveries) for e in claimed] == [
            (ids[0], b"0", 2),
            (ids[1], b"1", 2),
        ]

    async def test_each_claim_counts_a_delivery(self, store: Store) -> None:
        ids = await fill(store, 1)
        await store.create_group(LOG, GROUP)
        await store.read_group(LOG, GROUP, "a")
        for deliveries in (2, 3, 4):
            claimed = await store.claim_stale(LOG, GROUP, "b", min_idle_ms=0)
            assert [(e.id, e.deliveries) for e in claimed] == [(ids[0], deliveries)]
        assert await store.pending_count(LOG, GROUP) == 1

    async def test_a_claim_restarts_the_idle_time(self, store: Store) -> None:
        await fill(store, 1)
        await store.create_group(LOG, GROUP)
        await store.read_group(LOG, GROUP, "a")
        assert await store.claim_stale(LOG, GROUP, "b", min_idle_ms=0)
        assert await store.claim_stale(LOG, GROUP, "c", min_idle_ms=60_000) == []

    async def test_claim_count(self, store: Store) -> None:
        ids = await fill(store, 5)
        await store.create_group(LOG, GROUP)
        await store.read_group(LOG, GROUP, "a")
        first = await store.claim_stale(LOG, GROUP, "b", min_idle_ms=0, count=3)
        rest = await store.claim_stale(LOG, GROUP, "c", min_idle_ms=60_000, count=3)
        assert [e.id for e in first] == ids[:3]
        assert rest == []

    async def test_claimed_entries_are_acked_like_any_other(self, store: Store) -> None:
        ids = await fill(store, 2)
        await store.create_group(LOG, GROUP)
        await store.read_group(LOG, GROUP, "a")
        await store.claim_stale(LOG, GROUP, "b", min_idle_ms=0)
        assert await store.ack(LOG, GROUP, ids) == 2
        assert await store.pending_count(LOG, GROUP) == 0


class TestBlockingRead:
    async def test_without_block_an_empty_read_returns_at_once(self, store: Store) -> None:
        await store.create_group(LOG, GROUP)
        assert await store.read_group(LOG, GROUP, "c", block_ms=0) == []

    async def test_gives_up_after_block_ms(self, store: Store) -> None:
        await store.create_group(LOG, GROUP)
        assert await asyncio.wait_for(store.read_group(LOG, GROUP, "c", block_ms=50), 5) == []

    async def test_wakes_when_another_task_appends(self, store: Store) -> None:
        await store.create_group(LOG, GROUP)
        reader = asyncio.create_task(store.read_group(LOG, GROUP, "c", block_ms=60_000))
        await asyncio.sleep(0.05)  # let the reader block first
        assert not reader.done()
        ids = await store.append(LOG, [b"wake"])
        entries = await asyncio.wait_for(reader, 5)
        assert [(e.id, e.data) for e in entries] == [(ids[0], b"wake")]

    async def test_wakes_when_another_store_appends(self, store: Store, store_url: str) -> None:
        await store.create_group(LOG, GROUP)
        other = open_store(store_url)  # as another process would
        try:
            await other.open()
            reader = asyncio.create_task(store.read_group(LOG, GROUP, "c", block_ms=60_000))
            await asyncio.sleep(0.05)
            ids = await other.append(LOG, [b"from elsewhere"])
            entries = await asyncio.wait_for(reader, 5)
        finally:
            await other.close()
        assert [e.id for e in entries] == ids


class TestReopening:
    async def test_everything_survives_closing_and_reopening(
        self, store: Store, store_url: str
    ) -> None:
        await store.put("bus", "default", b"{}")
        await store.incr("version")
        ids = await fill(store, 3)
        await store.create_group(LOG, GROUP)
        await store.read_group(LOG, GROUP, "a", count=2)
        await store.ack(LOG, GROUP, ids[:1])
        await store.close()

        reopened = open_store(store_url)
        try:
            await reopened.open()
            assert await reopened.scan("bus") == [("default", b"{}")]
            assert await reopened.counter("version") == 1
            assert [e.id for e in await reopened.read_range(LOG)] == ids
            assert await reopened.log_length(LOG) == 3
            assert await reopened.pending_count(LOG, GROUP) == 1
            assert [e.id for e in await reopened.read_group(LOG, GROUP, "a")] == ids[2:]
            claimed = await reopened.claim_stale(LOG, GROUP, "b", min_idle_ms=0)
            assert [e.id for e in claimed] == ids[1:]
            new = await reopened.append(LOG, [b"later"])
            assert position(new[0]) > position(ids[-1])
        finally:
            await reopened.close()


# -- queues --------------------------------------------------------------------------------

QUEUE = "deliveries"


class TestQueues:
    """What the delivery workers and the SQS-compatible queues count on."""

    async def test_receive_takes_the_oldest_and_hides_them(self, store: Store) -> None:
        ids = await store.enqueue(QUEUE, [(b"a", 0), (b"b", 0), (b"c", 0)])
        later = await store.enqueue(QUEUE, [(b"d", 0)])
        assert len(set(ids + later)) == 4
        first = await store.receive(QUEUE, max_messages=2, visibility=60)
        assert [(m.id, m.data, m.receive_count) for m in first] == [
            (ids[0], b"a", 1),
            (ids[1], b"b", 1),
        ]
        assert all(m.first_received_at >= m.sent_at > 0 for m in first)
        rest = await store.receive(QUEUE, max_messages=10, visibility=60)
        assert [m.data for m in rest] == [b"c", b"d"]
        assert await store.receive(QUEUE, max_messages=10, visibility=60) == []
        assert len({m.receipt for m in first + rest}) == 4

    async def test_data_is_opaque_bytes(self, store: Store) -> None:
        value = bytes(range(256)) + b" 0 - -"
        await store.enqueue(QUEUE, [(value, 0)])
        [message] = await store.receive(QUEUE, max_messages=1, visibility=60)
        assert message.data == value

    async def test_empty_batch(self, store: Store) -> None:
        assert await store.enqueue(QUEUE, []) == []
        assert await store.queue_stats(QUEUE) == QueueStats(visible=0, in_flight=0, delayed=0)

    async def test_a_batch_is_all_or_nothing(self, store: Store) -> None:
        with pytest.raises(TypeError):
            await store.enqueue(QUEUE, [(b"fine", 0), ("not bytes", 0)])  # type: ignore[list-item]
        assert await store.queue_stats(QUEUE) == QueueStats(visible=0, in_flight=0, delayed=0)

    async def test_a_receiver_sees_a_whole_batch_or_none_of_it(self, store: Store) -> None:
        receiver = asyncio.create_task(
            store.receive(QUEUE, max_messages=10, visibility=60, wait=30)
        )
        await asyncio.sleep(0.05)
        ids = await store.enqueue(QUEUE, [(str(i).encode(), 0) for i in range(5)])
        assert [m.id for m in await asyncio.wait_for(receiver, 10)] == ids

    async def test_a_delayed_message_waits_for_its_delay(self, store: Store) -> None:
        [delayed] = await store.enqueue(QUEUE, [(b"later", 3600)])
        [now] = await store.enqueue(QUEUE, [(b"now", 0)])
        assert [m.id for m in await store.receive(QUEUE, max_messages=10, visibility=60)] == [now]
        assert await store.receive(QUEUE, max_messages=10, visibility=60) == []
        assert await store.queue_stats(QUEUE) == QueueStats(visible=0, in_flight=1, delayed=1)
        assert delayed != now

    async def test_an_expired_visibility_timeout_brings_the_message_back(
        self, store: Store
    ) -> None:
        [message_id] = await store.enqueue(QUEUE, [(b"m", 0)])
        [first] = await store.receive(QUEUE, max_messages=1, visibility=0.1)
        [second] = await store.receive(QUEUE, max_messages=1, visibility=60, wait=30)
        assert (second.id, second.data, second.receive_count) == (message_id, b"m", 2)
        assert second.receipt != first.receipt
        assert (second.sent_at, second.first_received_at) == (
            first.sent_at,
            first.first_received_at,
        )
        assert not await store.delete_message(QUEUE, first.receipt)
        assert not await store.change_visibility(QUEUE, first.receipt, 0)
        assert await store.delete_message(QUEUE, second.receipt)
        assert not await store.delete_message(QUEUE, second.receipt)
        assert await store.queue_stats(QUEUE) == QueueStats(visible=0, in_flight=0, delayed=0)

    @pytest.mark.parametrize("receipt", ["", "nonsense", "1", "1.", ".x", "0000000000000001.x"])
    async def test_made_up_receipts_are_refused(self, store: Store, receipt: str) -> None:
        await store.enqueue(QUEUE, [(b"m", 0)])
        await store.receive(QUEUE, max_messages=1, visibility=60)
        assert not await store.delete_message(QUEUE, receipt)
        assert not await store.change_visibility(QUEUE, receipt, 0)
        assert await store.queue_stats(QUEUE) == QueueStats(visible=0, in_flight=1, delayed=0)

    async def test_a_receipt_works_only_on_its_own_queue(self, store: Store) -> None:
        await store.enqueue(QUEUE, [(b"m", 0)])
        [message] = await store.receive(QUEUE, max_messages=1, visibility=60)
        assert not await store.delete_message("other", message.receipt)
        assert not await store.change_visibility("other", message.receipt, 0)
        assert await store.delete_message(QUEUE, message.receipt)

    async def test_change_visibility_to_zero_makes_it_visible_now(self, store: Store) -> None:
        await store.enqueue(QUEUE, [(b"m", 0)])
        [first] = await store.receive(QUEUE, max_messages=1, visibility=3600)
        assert await store.change_visibility(QUEUE, first.receipt, 0)
        [second] = await store.receive(QUEUE, max_messages=1, visibility=3600)
        assert (second.id, second.receive_count) == (first.id, 2)

    async def test_change_visibility_can_extend_a_timeout(self, store: Store) -> None:
        await store.enqueue(QUEUE, [(b"m", 0)])
        [message] = await store.receive(QUEUE, max_messages=1, visibility=0)
        assert await store.change_visibility(QUEUE, message.receipt, 3600)
        assert await store.receive(QUEUE, max_messages=1, visibility=60) == []
        assert await store.queue_stats(QUEUE) == QueueStats(visible=0, in_flight=1, delayed=0)
        # Changing the visibility keeps the receipt.
        assert await store.delete_message(QUEUE, message.receipt)

    async def test_stats(self, store: Store) -> None:
        await store.enqueue(QUEUE, [(b"1", 0), (b"2", 0), (b"3", 0), (b"4", 3600)])
        await store.enqueue("other", [(b"x", 0)])
        await store.receive(QUEUE, max_messages=1, visibility=3600)
        assert await store.queue_stats(QUEUE) == QueueStats(visible=2, in_flight=1, delayed=1)
        assert await store.queue_stats("never") == QueueStats(visible=0, in_flight=0, delayed=0)

    async def test_purge(self, store: Store) -> None:
        await store.enqueue(QUEUE, [(b"1", 0), (b"2", 3600)])
        await store.enqueue("other", [(b"x", 0)])
        [message] = await store.receive(QUEUE, max_messages=1, visibility=3600)
        assert await store.purge(QUEUE) == 2
        assert await store.queue_stats(QUEUE) == QueueStats(visible=0, in_flight=0, delayed=0)
        assert not await store.delete_message(QUEUE, message.receipt)
        assert await store.purge(QUEUE) == 0
        assert await store.queue_stats("other") == QueueStats(visible=1, in_flight=0, delayed=0)
        [again] = await store.enqueue(QUEUE, [(b"3", 0)])
        assert again != message.id

    async def test_queues_are_separate(self, store: Store) -> None:
        await store.enqueue("a", [(b"1", 0)])
        await store.enqueue("b", [(b"2", 0)])
        assert [m.data for m in await store.receive("b", max_messages=10, visibility=60)] == [b"2"]
        assert [m.data for m in await store.receive("a", max_messages=10, visibility=60)] == [b"1"]

    async def test_concurrent_writes_each_get_their_own_answer(self, store: Store) -> None:
        await store.enqueue("a", [(str(i).encode(), 0) for i in range(6)])
        await store.enqueue("b", [(b"b", 0)])
        a = await store.receive("a", max_messages=10, visibility=0)
        [b] = await store.receive("b", max_messages=1, visibility=3600)
        fresh = await store.receive("a", max_messages=3, visibility=3600)  # a[:3] again
        results = await asyncio.gather(
            *(store.delete_message("a", m.receipt) for m in a),  # stale for the first 3
            store.delete_message("b", b.receipt),
            store.change_visibility("a", fresh[0].receipt, 3600),
            store.enqueue("a", [(b"new", 3600)]),
        )
        assert results[:7] == [False] * 3 + [True] * 4
        assert results[7] is True
        assert len(results[8]) == 1  # type: ignore[arg-type]
        assert await store.queue_stats("a") == QueueStats(visible=0, in_flight=3, delayed=1)
        assert await store.queue_stats("b") == QueueStats(visible=0, in_flight=0, delayed=0)

    async def test_concurrent_receivers_never_get_the_same_message(self, store: Store) -> None:
        ids = await store.enqueue(QUEUE, [(str(i).encode(), 0) for i in range(40)])

        async def consume() -> list[str]:
            got = []
            while messages := await store.receive(QUEUE, max_messages=3, visibility=60):
                got += [m.id for m in messages]
            return got

        received = await asyncio.gather(*(consume() for _ in range(4)))
        flat = [message_id for got in received for message_id in got]
        assert sorted(flat) == sorted(ids)

    async def test_without_wait_an_empty_receive_returns_at_once(self, store: Store) -> None:
        assert await store.receive(QUEUE, max_messages=1, visibility=60) == []

    async def test_wait_gives_up(self, store: Store) -> None:
        await store.enqueue(QUEUE, [(b"later", 3600)])
        receive = store.receive(QUEUE, max_messages=1, visibility=60, wait=0.05)
        assert await asyncio.wait_for(receive, 5) == []

    async def test_wait_wakes_when_another_task_enqueues(
        self, store: Store, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Without polling, only the wake-up can end the wait in time.
        monkeypatch.setattr(store, "poll_interval", 3600, raising=False)
        receiver = asyncio.create_task(
            store.receive(QUEUE, max_messages=10, visibility=60, wait=3600)
        )
        await asyncio.sleep(0.05)
        assert not receiver.done()
        ids = await store.enqueue(QUEUE, [(b"wake", 0)])
        assert [m.id for m in await asyncio.wait_for(receiver, 5)] == ids

    async def test_wait_wakes_when_another_store_enqueues(
        self, store: Store, store_url: str
    ) -> None:
        other = open_store(store_url)  # as another process would
        try:
            await other.open()
            receiver = asyncio.create_task(
                store.receive(QUEUE, max_messages=10, visibility=60, wait=3600)
            )
            await asyncio.sleep(0.05)
            ids = await other.enqueue(QUEUE, [(b"from elsewhere", 0)])
            messages = await asyncio.wait_for(receiver, 5)
        finally:
            await other.close()
        assert [m.id for m in messages] == ids

    async def test_wait_wakes_when_a_delayed_message_becomes_visible(
        self, store: Store, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(store, "poll_interval", 3600, raising=False)
        ids = await store.enqueue(QUEUE, [(b"soon", 0.2)])
        receive = store.receive(QUEUE, max_messages=10, visibility=60, wait=3600)
        assert [m.id for m in await asyncio.wait_for(receive, 5)] == ids

    async def test_wait_wakes_when_a_delay_is_set_after_it_began(
        self, store: Store, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(store, "poll_interval", 3600, raising=False)
        await store.enqueue(QUEUE, [(b"m", 0)])
        [message] = await store.receive(QUEUE, max_messages=1, visibility=3600)
        receiver = asyncio.create_task(
            store.receive(QUEUE, max_messages=1, visibility=60, wait=3600)
        )
        await asyncio.sleep(0.05)
        assert await store.change_visibility(QUEUE, message.receipt, 0.1)
        [again] = await asyncio.wait_for(receiver, 5)
        assert (again.id, again.receive_count) == (message.id, 2)

    async def test_messages_survive_closing_and_reopening(
        self, store: Store, store_url: str
    ) -> None:
        ids = await store.enqueue(QUEUE, [(b"1", 0), (b"2", 0), (b"3", 3600)])
        [taken] = await store.receive(QUEUE, max_messages=1, visibility=3600)
        await store.close()

        reopened = open_store(store_url)
        try:
            await reopened.open()
            assert await reopened.queue_stats(QUEUE) == QueueStats(1, 1, 1)
            [second] = await reopened.receive(QUEUE, max_messages=10, visibility=60)
            assert (second.id, second.data) == (ids[1], b"2")
            assert await reopened.delete_message(QUEUE, taken.receipt)
            new = await reopened.enqueue(QUEUE, [(b"4", 0)])
            assert new[0] not in ids
        finally:
            await reopened.close()

    async def test_a_schema_1_sqlite_file_gains_queues(self, tmp_path: Path) -> None:
        path = tmp_path / "old.db"
        store = SqliteStore(f"sqlite:///{path}")
        try:
            await store.put("bus", "default", b"{}")
        finally:
            await store.close()
        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.execute("DROP TABLE queue_messages")  # what schema 1 did not have
            conn.execute("PRAGMA user_version = 1")
            conn.commit()
        store = SqliteStore(f"sqlite:///{path}")
        try:
            assert await store.get("bus", "default") == b"{}"
            ids = await store.enqueue(QUEUE, [(b"m", 0)])
            assert [m.id for m in await store.receive(QUEUE, max_messages=1, visibility=1)] == ids
        finally:
            await store.close()
        with contextlib.closing(sqlite3.connect(path)) as conn:
            assert conn.execute("PRAGMA user_version").fetchone() == (2,)

    @pytest.mark.redis
    async def test_redis_keys_are_named_by_redis_keys(
        self, redis_store_url: str, redis_url: str
    ) -> None:
        store = RedisStore(redis_store_url)
        client = redis.asyncio.Redis.from_url(redis_url)
        try:
            await store.enqueue(QUEUE, [(b"1", 0), (b"2", 0)])
            await store.receive(QUEUE, max_messages=1, visibility=60)
            pattern = redis_keys.namespace_pattern(store.prefix)
            found = {key.decode() async for key in client.scan_iter(match=pattern)}
        finally:
            await client.aclose()
            await store.close()
        p = store.prefix
        assert found == {
            redis_keys.queue(p, QUEUE),
            redis_keys.queue_data(p, QUEUE),
            redis_keys.queue_meta(p, QUEUE),
            redis_keys.queue_received(p, QUEUE),
            redis_keys.queue_ids(p),
        }


# -- what only one backend promises --------------------------------------------------------

_APPEND_THEN_WAIT = """
import asyncio, sys
from eventbus.store.sqlite import SqliteStore

async def main() -> None:
    store = SqliteStore(sys.argv[1])
    ids = await store.append("orders", [b"one", b"two", b"three"])
    print(" ".join(ids), flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""


class TestSqliteStore:
    async def test_entries_survive_sigkill_right_after_append(self, tmp_path: Path) -> None:
        url = f"sqlite:///{tmp_path / 'killed.db'}"
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-c", _APPEND_THEN_WAIT, url, stdout=asyncio.subprocess.PIPE
        )
        assert child.stdout is not None
        try:
            line = await asyncio.wait_for(child.stdout.readline(), 30)
        finally:
            child.send_signal(signal.SIGKILL)
            await child.wait()
        ids = line.decode().split()
        assert len(ids) == 3

        store = SqliteStore(url)
        try:
            entries = await store.read_range("orders")
        finally:
            await store.close()
        assert [(e.id, e.data) for e in entries] == list(
            zip(ids, [b"one", b"two", b"three"], strict=True)
        )

    async def test_in_process_appends_wake_a_reader_without_polling(self, tmp_path: Path) -> None:
        store = SqliteStore(f"sqlite:///{tmp_path / 'store.db'}")
        store.poll_interval = 3600
        try:
            await store.create_group(LOG, GROUP)
            reader = asyncio.create_task(store.read_group(LOG, GROUP, "c", block_ms=60_000))
            await asyncio.sleep(0.05)
            ids = await store.append(LOG, [b"x"])
            assert [e.id for e in await asyncio.wait_for(reader, 5)] == ids
        finally:
            await store.close()

    async def test_file_is_in_wal_mode(self, tmp_path: Path) -> None:
        path = tmp_path / "store.db"
        store = SqliteStore(f"sqlite:///{path}")
        try:
            await store.open()
            with contextlib.closing(sqlite3.connect(path)) as conn:
                assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        finally:
            await store.close()

    async def test_relative_path_and_missing_directories(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        store = SqliteStore("sqlite:///data/deep/events.db")
        try:
            await store.put("k", "k", b"v")
        finally:
            await store.close()
        assert (tmp_path / "data" / "deep" / "events.db").is_file()

    async def test_in_memory(self) -> None:
        store = open_store("sqlite:///:memory:")
        try:
            await store.open()
            ids = await store.append(LOG, [b"a"])
            assert [e.id for e in await store.read_range(LOG)] == ids
        finally:
            await store.close()

    @pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "sqlite:relative.db"])
    def test_bad_urls(self, url: str) -> None:
        with pytest.raises(ValueError, match="SQLite store URL"):
            SqliteStore(url)

    async def test_a_closed_store_says_so(self, tmp_path: Path) -> None:
        store = SqliteStore(f"sqlite:///{tmp_path / 'store.db'}")
        await store.open()
        await store.close()
        with pytest.raises(RuntimeError, match="closed"):
            await store.get("k", "k")
        with pytest.raises(RuntimeError, match="closed"):
            await store.append(LOG, [b"x"])


class TestRedisStore:
    @pytest.mark.redis
    async def test_keys_are_named_by_redis_keys_under_the_prefix(
        self, redis_store_url: str, redis_url: str
    ) -> None:
        store = RedisStore(redis_store_url)
        client = redis.asyncio.Redis.from_url(redis_url)
        try:
            await store.put("bus", "b", b"v")
            await store.incr("c")
            await store.append(LOG, [b"x"])
            await store.create_group("other-log", GROUP)
            pattern = redis_keys.namespace_pattern(store.prefix)
            found = {key.decode() async for key in client.scan_iter(match=pattern)}
        finally:
            await client.aclose()
            await store.close()
        p = store.prefix
        assert found == {
            redis_keys.documents(p, "bus"),
            redis_keys.document_index(p, "bus"),
            redis_keys.counter(p, "c"),
            redis_keys.log(p, LOG),
            redis_keys.log(p, "other-log"),
        }

    @pytest.mark.redis
    async def test_prefixes_keep_stores_apart(self, redis_url: str) -> None:
        ours, theirs = (f"{redis_url}?prefix=t-{uuid.uuid4().hex}" for _ in range(2))
        store, neighbour = RedisStore(ours), RedisStore(theirs)
        try:
            await neighbour.put("bus", "b", b"theirs")
            await neighbour.append(LOG, [b"theirs"])
            await neighbour.incr("c")
            assert await store.get("bus", "b") is None
            assert await store.scan("bus") == []
            assert await store.log_length(LOG) == 0
            assert await store.counter("c") == 0
        finally:
            client = redis.asyncio.Redis.from_url(redis_url)
            pattern = redis_keys.namespace_pattern(neighbour.prefix)
            if keys := [key async for key in client.scan_iter(match=pattern)]:
                await client.unlink(*keys)
            await client.aclose()
            await neighbour.close()
            await store.close()

    @pytest.mark.parametrize(
        ("url", "prefix"),
        [
            ("redis://127.0.0.1:6379/0", "eventbus"),
            ("redis://127.0.0.1:6379/0?prefix=tenant-a", "tenant-a"),
            ("redis://127.0.0.1:6379/0?socket_timeout=5&prefix=x&health_check_interval=2", "x"),
        ],
    )
    async def test_prefix_comes_from_the_url(self, url: str, prefix: str) -> None:
        store = RedisStore(url)  # connects lazily, so no server is needed here
        try:
            assert store.prefix == prefix
        finally:
            await store.close()

    @pytest.mark.parametrize(
        "url", ["redis://127.0.0.1:6379/0?prefix=", "redis://127.0.0.1:6379/0?protocol=3"]
    )
    def test_bad_urls(self, url: str) -> None:
        with pytest.raises(ValueError):
            RedisStore(url)
