"""The index as a whole: rule changes, immutability, ordering, and the one-pattern helper."""

from __future__ import annotations

import random
from typing import Any

import pytest

from eventbus.patterns import PatternIndex, compile_pattern, matches
from tests.patterns.cases import CASES

EVENTS = [case.event for case in CASES]
PATTERNS = [compile_pattern(case.pattern) for case in CASES]


def _rules(indices: list[int]) -> list[tuple[str, Any]]:
    return [(f"r{i:03d}", PATTERNS[i]) for i in indices]


def _same_results(left: PatternIndex, right: PatternIndex) -> None:
    for event in EVENTS:
        assert left.match(event) == right.match(event)


def test_results_are_sorted_ids() -> None:
    index = PatternIndex.build([("b", PATTERNS[0]), ("a", PATTERNS[0]), ("c", PATTERNS[1])])
    assert index.match(CASES[0].event) == ["a", "b"]


def test_empty_index_matches_nothing() -> None:
    index = PatternIndex.build([])
    assert len(index) == 0
    assert index.match(CASES[0].event) == []
    assert index.match({}) == []


def test_repeated_id_keeps_the_last_pattern() -> None:
    index = PatternIndex.build([("r", PATTERNS[0]), ("r", PATTERNS[1])])
    assert index.rules["r"] is PATTERNS[1]
    assert index.match(CASES[0].event) == []


@pytest.mark.parametrize("seed", range(6))
def test_replace_equals_a_fresh_build(seed: int) -> None:
    rng = random.Random(seed)
    before = rng.sample(range(len(CASES)), 150)
    index = PatternIndex.build(_rules(before))
    removed = rng.sample(before, 10)
    added = rng.sample([i for i in range(len(CASES)) if i not in before], 10)
    changed = rng.sample([i for i in before if i not in removed], 5)
    upserts = _rules(added) + [(f"r{i:03d}", PATTERNS[(i + 1) % len(PATTERNS)]) for i in changed]
    updated = index.replace(upserts=upserts, removals=[f"r{i:03d}" for i in removed])

    expected_rules = dict(_rules(before))
    for i in removed:
        del expected_rules[f"r{i:03d}"]
    expected_rules.update(upserts)
    assert dict(updated.rules) == expected_rules
    _same_results(updated, PatternIndex.build(expected_rules.items()))
    _same_results(index, PatternIndex.build(_rules(before)))  # the old index is untouched


def test_replace_many_rules_rebuilds_and_still_agrees() -> None:
    index = PatternIndex.build(_rules(list(range(50))))
    updated = index.replace(upserts=_rules(list(range(50, 300))), removals=["r000", "r001"])
    _same_results(updated, PatternIndex.build(_rules(list(range(2, 300)))))


def test_removing_every_rule_leaves_an_empty_index() -> None:
    index = PatternIndex.build(_rules([0, 1, 2]))
    emptied = index.replace(removals=["r000", "r001", "r002", "unknown"])
    assert len(emptied) == 0
    for event in EVENTS:
        assert emptied.match(event) == []


def test_one_pattern_helper() -> None:
    pattern = compile_pattern({"source": ["aws.ec2"]})
    assert matches(pattern, {"source": "aws.ec2"})
    assert not matches(pattern, {"source": "aws.s3"})
    assert not matches(pattern, {})


def test_events_are_not_modified() -> None:
    index = PatternIndex.build(_rules(list(range(len(CASES)))))
    for case in CASES:
        before = repr(case.event)
        index.match(case.event)
        assert repr(case.event) == before
