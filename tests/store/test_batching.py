"""``GroupCommit``, the group commit both store backends build their batched writes on."""

from __future__ import annotations

import asyncio

import pytest

from eventbus.store.batching import GroupCommit


class Commits:
    """A commit function that records each group; it can be held, and fails on negatives.

    An item's result is the item times ten, so each caller's answer shows whose it is.
    """

    def __init__(self) -> None:
        self.groups: list[list[int]] = []
        self.committed: list[list[int]] = []  # what the after-commit hook was given
        self.started = asyncio.Event()  # set once a commit has begun
        self.running: asyncio.Task[object] | None = None  # the committer task
        self._open = asyncio.Event()
        self._open.set()

    def hold(self) -> None:
        """Make commits wait, once begun, until ``release``."""
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    async def __call__(self, items: list[int]) -> list[int]:
        self.groups.append(items)
        self.running = asyncio.current_task()
        self.started.set()
        await self._open.wait()
        if any(item < 0 for item in items):
            raise ValueError(f"cannot commit {items}")
        return [item * 10 for item in items]

    def after_commit(self, items: list[int]) -> None:
        self.committed.append(items)


@pytest.fixture
def commits() -> Commits:
    return Commits()


async def queued(*submits: asyncio.Task[int]) -> None:
    """Let freshly created submit tasks run up to where they wait for their commit."""
    await asyncio.sleep(0)
    assert not any(task.done() for task in submits)


class TestGrouping:
    async def test_concurrent_submits_share_one_commit(self, commits: Commits) -> None:
        group = GroupCommit(commits)
        results = await asyncio.gather(*(group.submit(i) for i in range(1, 6)))
        assert results == [10, 20, 30, 40, 50]
        assert commits.groups == [[1, 2, 3, 4, 5]]

    async def test_submits_during_a_commit_go_into_the_next_one(self, commits: Commits) -> None:
        group = GroupCommit(commits)
        commits.hold()
        first = asyncio.create_task(group.submit(1))
        await commits.started.wait()
        later = [asyncio.create_task(group.submit(i)) for i in (2, 3)]
        await queued(first, *later)
        commits.release()
        assert await asyncio.gather(first, *later) == [10, 20, 30]
        assert commits.groups == [[1], [2, 3]]

    async def test_a_submit_after_an_idle_spell_starts_a_new_commit(self, commits: Commits) -> None:
        group = GroupCommit(commits)
        assert await group.submit(1) == 10
        assert await group.submit(2) == 20
        assert commits.groups == [[1], [2]]

    async def test_max_group_caps_each_commit_in_submission_order(self, commits: Commits) -> None:
        group = GroupCommit(commits, max_group=2)
        results = await asyncio.gather(*(group.submit(i) for i in range(5)))
        assert results == [0, 10, 20, 30, 40]
        assert commits.groups == [[0, 1], [2, 3], [4]]

    @pytest.mark.parametrize("max_group", [0, -1])
    def test_max_group_must_be_at_least_one(self, commits: Commits, max_group: int) -> None:
        with pytest.raises(ValueError, match="max_group"):
            GroupCommit(commits, max_group=max_group)

    async def test_the_hook_gets_the_items_of_each_successful_commit(
        self, commits: Commits
    ) -> None:
        group = GroupCommit(commits, committed=commits.after_commit)
        commits.hold()
        first = asyncio.create_task(group.submit(1))
        await commits.started.wait()
        later = [asyncio.create_task(group.submit(i)) for i in (2, 3)]
        await queued(first, *later)
        assert commits.committed == []  # not before the commit is done
        commits.release()
        await asyncio.gather(first, *later)
        assert commits.committed == [[1], [2, 3]]


class TestFailures:
    async def test_a_failed_commit_fails_only_its_own_group(self, commits: Commits) -> None:
        group = GroupCommit(commits, committed=commits.after_commit)
        commits.hold()
        failing = [asyncio.create_task(group.submit(i)) for i in (-1, 2)]
        await commits.started.wait()
        after = asyncio.create_task(group.submit(3))
        await queued(*failing, after)
        commits.release()
        results = await asyncio.gather(*failing, after, return_exceptions=True)
        assert [type(result) for result in results[:2]] == [ValueError, ValueError]
        assert results[2] == 30
        assert commits.groups == [[-1, 2], [3]]
        assert commits.committed == [[3]]  # no hook for the group that failed

    async def test_wrong_number_of_results_fails_the_callers(self) -> None:
        async def forgetful(items: list[int]) -> list[int]:
            return items[1:]

        group = GroupCommit(forgetful)
        results = await asyncio.gather(group.submit(1), group.submit(2), return_exceptions=True)
        assert all(
            isinstance(result, RuntimeError) and "2 items returned 1 results" in str(result)
            for result in results
        )


class TestCancellation:
    async def test_cancelling_the_committer_cancels_every_waiting_caller(
        self, commits: Commits
    ) -> None:
        group = GroupCommit(commits)
        commits.hold()
        committing = asyncio.create_task(group.submit(1))
        await commits.started.wait()
        waiting = asyncio.create_task(group.submit(2))
        await queued(committing, waiting)
        assert commits.running is not None
        commits.running.cancel()
        results = await asyncio.gather(committing, waiting, return_exceptions=True)
        assert [type(result) for result in results] == [asyncio.CancelledError] * 2
        # Cancelled items are dropped, not committed later; the next submit starts afresh.
        commits.release()
        assert await group.submit(3) == 30
        assert commits.groups == [[1], [3]]

    async def test_a_cancelled_caller_leaves_the_others_their_results(
        self, commits: Commits
    ) -> None:
        group = GroupCommit(commits)
        commits.hold()
        callers = [asyncio.create_task(group.submit(i)) for i in (1, 2)]
        await commits.started.wait()
        callers[0].cancel()
        commits.release()
        assert await callers[1] == 20
        assert callers[0].cancelled()
        # Too late to withdraw: the cancelled caller's item was in the commit already.
        assert commits.groups == [[1, 2]]


class TestDrain:
    async def test_with_nothing_submitted_returns_at_once(self, commits: Commits) -> None:
        await asyncio.wait_for(GroupCommit(commits).drain(), 1)

    async def test_waits_for_the_running_commit_and_those_queued_behind_it(
        self, commits: Commits
    ) -> None:
        group = GroupCommit(commits)
        commits.hold()
        first = asyncio.create_task(group.submit(1))
        await commits.started.wait()
        second = asyncio.create_task(group.submit(2))
        await queued(first, second)
        draining = asyncio.create_task(group.drain())
        await asyncio.sleep(0.05)
        assert not draining.done()
        commits.release()
        await asyncio.wait_for(draining, 5)
        assert (first.result(), second.result()) == (10, 20)

    async def test_cancelling_a_drain_leaves_the_commit_running(self, commits: Commits) -> None:
        group = GroupCommit(commits)
        commits.hold()
        submitted = asyncio.create_task(group.submit(1))
        await commits.started.wait()
        draining = asyncio.create_task(group.drain())
        await asyncio.sleep(0)
        draining.cancel()
        with pytest.raises(asyncio.CancelledError):
            await draining
        commits.release()
        assert await asyncio.wait_for(submitted, 5) == 10
