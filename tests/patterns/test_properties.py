"""Generated patterns and events: the index and the reference must always agree."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from eventbus.errors import InvalidEventPatternError
from eventbus.patterns import Pattern, PatternIndex, compile_pattern
from tests.patterns.reference import reference_match

KEYS = st.sampled_from(["a", "b", "c"])
STRINGS = st.sampled_from(["", "a", "ab", "abc", "B", "b.png", "10.0.0.7", "2001:db8::1"])
NUMBERS = st.sampled_from([-1, 0, 1, 5, 5.0, 0.5, 10, 6_000_000_000])
SCALARS = st.one_of(STRINGS, NUMBERS, st.sampled_from([True, False, None]))

EVENT_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, min_size=1, max_size=3)
    ),
    max_leaves=8,
)
EVENTS = st.dictionaries(KEYS, EVENT_VALUES, max_size=3)

OPERANDS_STR = st.sampled_from(["", "a", "ab", "b", "B", ".png", "png", "10."])
WILDCARDS = st.sampled_from(["*", "a*", "*b", "a*c", "*.png", "a\\*", "*a*"])
COMPARISONS = st.sampled_from(
    [["=", 5], ["<", 1], ["<=", 0], [">", 0.5], [">=", 5], [">", -1, "<", 5], [">=", 0, "<=", 10]]
)
MATCH_SPECS = st.one_of(
    SCALARS,
    st.builds(lambda s: {"prefix": s}, OPERANDS_STR),
    st.builds(lambda s: {"prefix": {"equals-ignore-case": s}}, OPERANDS_STR),
    st.builds(lambda s: {"suffix": s}, OPERANDS_STR),
    st.builds(lambda s: {"suffix": {"equals-ignore-case": s}}, OPERANDS_STR),
    st.builds(lambda s: {"equals-ignore-case": s}, OPERANDS_STR),
    st.builds(lambda s: {"wildcard": s}, WILDCARDS),
    st.builds(lambda c: {"numeric": c}, COMPARISONS),
    st.builds(lambda b: {"exists": b}, st.booleans()),
    st.sampled_from([{"cidr": "10.0.0.0/24"}, {"cidr": "2001:db8::/32"}]),
    st.builds(lambda s: {"anything-but": s}, st.one_of(STRINGS, st.lists(STRINGS, min_size=1))),
    st.builds(lambda n: {"anything-but": n}, st.sampled_from([0, 5, [1, 5], [0.5]])),
    st.builds(
        lambda op, s: {"anything-but": {op: s}},
        st.sampled_from(["prefix", "suffix", "equals-ignore-case"]),
        st.sampled_from(["a", "b", ["a", "B"]]),
    ),
    st.builds(lambda s: {"anything-but": {"wildcard": s}}, WILDCARDS),
)
LEAF = st.lists(MATCH_SPECS, min_size=1, max_size=3)


def _objects(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    value: st.SearchStrategy[Any] = LEAF if depth == 0 else st.one_of(LEAF, _objects(depth - 1))
    return st.dictionaries(KEYS, value, min_size=1, max_size=3)


# Nested objects two deep, with a $or at the top or one level down (not everywhere: the
# branches multiply, and the reference is exponential in them).
PATTERNS = st.one_of(
    _objects(2),
    st.builds(
        lambda base, alternatives: {**base, "$or": alternatives},
        st.dictionaries(KEYS, st.one_of(LEAF, _objects(0)), max_size=2),
        st.lists(_objects(1), min_size=2, max_size=3),
    ),
    st.builds(
        lambda key, base, alternatives: {key: {**base, "$or": alternatives}},
        KEYS,
        st.dictionaries(KEYS, LEAF, max_size=1),
        st.lists(_objects(0), min_size=2, max_size=3),
    ),
)


def _compiled(raw: dict[str, Any]) -> Pattern:
    try:
        return compile_pattern(raw)
    except InvalidEventPatternError:
        assume(False)
        raise


SETTINGS = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@SETTINGS
@given(PATTERNS, EVENTS)
def test_one_rule_agrees_with_reference(raw: dict[str, Any], event: dict[str, Any]) -> None:
    pattern = _compiled(raw)
    expected = reference_match(raw, event)
    assert PatternIndex.build([("r", pattern)]).match(event) == (["r"] if expected else [])


@settings(SETTINGS, max_examples=60)
@given(st.lists(PATTERNS, min_size=2, max_size=5), st.lists(EVENTS, min_size=1, max_size=3))
def test_many_rules_agree_with_reference(
    raws: list[dict[str, Any]], events: list[dict[str, Any]]
) -> None:
    rules = [(f"r{i}", _compiled(raw)) for i, raw in enumerate(raws)]
    index = PatternIndex.build(rules)
    for event in events:
        expected = [f"r{i}" for i, raw in enumerate(raws) if reference_match(raw, event)]
        assert index.match(event) == sorted(expected)


@settings(SETTINGS, max_examples=40)
@given(
    st.lists(PATTERNS, min_size=1, max_size=4),
    st.lists(PATTERNS, min_size=1, max_size=3),
    st.lists(EVENTS, min_size=1, max_size=3),
)
def test_changed_rules_agree_with_reference(
    first: list[dict[str, Any]], second: list[dict[str, Any]], events: list[dict[str, Any]]
) -> None:
    # r0.. from the first list; then r1.. are replaced by the second list and r0 removed.
    rules = {f"r{i}": raw for i, raw in enumerate(first)}
    index = PatternIndex.build([(rule_id, _compiled(raw)) for rule_id, raw in rules.items()])
    upserts = {f"r{i + 1}": raw for i, raw in enumerate(second)}
    index = index.replace(
        upserts=[(rule_id, _compiled(raw)) for rule_id, raw in upserts.items()],
        removals=["r0"],
    )
    rules.pop("r0")
    rules.update(upserts)
    for event in events:
        expected = [rule_id for rule_id, raw in rules.items() if reference_match(raw, event)]
        assert index.match(event) == sorted(expected)
