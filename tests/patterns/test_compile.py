"""The compiled form: typed, canonical, and built once per pattern."""

from __future__ import annotations

import pytest

from eventbus.errors import InvalidEventPatternError
from eventbus.patterns import (
    MAX_PATTERN_LENGTH,
    AnythingBut,
    AnythingButPrefix,
    Cidr,
    EqualsIgnoreCase,
    Exact,
    Exists,
    Numeric,
    Prefix,
    Suffix,
    Wildcard,
    compile_pattern,
)


def test_matchers_are_typed() -> None:
    pattern = compile_pattern(
        {
            "a": ["x", 5, None, True],
            "b": [{"prefix": "p"}, {"suffix": {"equals-ignore-case": "S"}}],
            "c": [{"numeric": [">", 1, "<=", 2]}, {"exists": True}],
            "d": [{"equals-ignore-case": "E"}, {"wildcard": "w*"}, {"cidr": "10.0.0.0/8"}],
            "e": [{"anything-but": ["q", "r"]}, {"anything-but": {"prefix": "z"}}],
        }
    )
    (branch,) = pattern.branches
    found = {c.path: set(c.matchers) for c in branch.conditions}
    assert found["a"] == {
        Exact("x"),
        Exact(("num", 5.0)),
        Exact(("null", None)),
        Exact(("bool", True)),
    }
    assert found["b"] == {Prefix("p"), Suffix("s", ignore_case=True)}
    assert found["c"] == {Numeric(1.0, True, 2.0, False), Exists(True)}
    assert found["d"] == {EqualsIgnoreCase("e"), Wildcard("w*"), Cidr(4, 10 << 24, (11 << 24) - 1)}
    assert found["e"] == {AnythingBut(frozenset({"q", "r"})), AnythingButPrefix(("z",))}


def test_value_order_does_not_matter() -> None:
    assert compile_pattern({"a": ["x", "y"]}) == compile_pattern({"a": ["y", "x", "y"]})


def test_nested_and_dotted_keys_compile_alike() -> None:
    assert compile_pattern({"a": {"b": ["x"]}}) == compile_pattern({"a.b": ["x"]})


def test_or_expands_into_branches() -> None:
    pattern = compile_pattern(
        {"s": ["x"], "$or": [{"a": ["1"]}, {"b": ["2"], "$or": [{"c": ["3"]}, {"d": ["4"]}]}]}
    )
    paths = sorted(tuple(c.path for c in b.conditions) for b in pattern.branches)
    assert paths == [("a", "s"), ("b", "c", "s"), ("b", "d", "s")]


def test_identical_branches_collapse() -> None:
    pattern = compile_pattern({"$or": [{"a": ["1"]}, {"a": ["1"]}]})
    assert len(pattern.branches) == 1


def test_compiled_patterns_are_hashable_and_frozen() -> None:
    pattern = compile_pattern({"a": [{"anything-but": [1, 2]}]})
    assert hash(pattern) == hash(compile_pattern('{"a": [{"anything-but": [2, 1]}]}'))
    with pytest.raises(AttributeError):
        pattern.branches = ()  # type: ignore[misc]


def test_max_length_is_configurable() -> None:
    text = '{"source": ["' + "x" * 100 + '"]}'
    compile_pattern(text)
    with pytest.raises(InvalidEventPatternError, match="the maximum is 50"):
        compile_pattern(text, max_length=50)
    assert MAX_PATTERN_LENGTH == 4096


def test_bytes_are_accepted() -> None:
    assert compile_pattern(b'{"a": ["x"]}') == compile_pattern({"a": ["x"]})
    with pytest.raises(InvalidEventPatternError, match="not UTF-8"):
        compile_pattern(b'{"a": ["\xff"]}')


def test_non_json_mapping_values_are_rejected() -> None:
    with pytest.raises(InvalidEventPatternError, match="not JSON"):
        compile_pattern({"a": [object()]})
    with pytest.raises(InvalidEventPatternError, match="not JSON"):
        compile_pattern({"a": [float("nan")]})


def test_deep_nesting_is_rejected_not_crashed() -> None:
    deep = '{"a":' * 3000 + '["x"]' + "}" * 3000
    with pytest.raises(InvalidEventPatternError, match="nested too deeply"):
        compile_pattern(deep, max_length=100_000)
