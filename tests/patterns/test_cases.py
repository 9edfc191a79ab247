"""Every shared case through the reference and the index; every invalid pattern rejected."""

from __future__ import annotations

import json
from typing import Any

import pytest

from eventbus.errors import InvalidEventPatternError
from eventbus.patterns import PatternIndex, compile_pattern, matches
from tests.patterns.cases import CASES, INVALID, Case
from tests.patterns.reference import reference_match

IDS = [f"{i:03d}-{case.note or 'case'}"[:80] for i, case in enumerate(CASES)]


def _unrelated_rules() -> list[tuple[str, Any]]:
    """Rules on the same fields as the cases, none of which match any case's event."""
    rules: list[tuple[str, Any]] = []
    for i in range(150):
        rules.append((f"noise-exact-{i}", {"source": [f"nowhere.{i}"], "detail": {"x": [i]}}))
        rules.append((f"noise-prefix-{i}", {"detail": {"x": [{"prefix": f"zz{i}-"}]}}))
        rules.append(
            (
                f"noise-range-{i}",
                {"detail-type": ["none"], "detail": {"x": [{"numeric": [">", i]}]}},
            )
        )
        rules.append(
            (f"noise-but-{i}", {"region": ["mars-1"], "detail": {"x": [{"anything-but": str(i)}]}})
        )
        rules.append((f"noise-absent-{i}", {"detail": {"x": [{"exists": False}]}, "id": [f"n{i}"]}))
    return rules


@pytest.fixture(scope="module")
def crowded_index() -> PatternIndex:
    """One index holding every case's pattern plus hundreds of unrelated rules."""
    rules = [(f"case-{i:03d}", compile_pattern(case.pattern)) for i, case in enumerate(CASES)]
    rules += [(rule_id, compile_pattern(p)) for rule_id, p in _unrelated_rules()]
    return PatternIndex.build(rules)


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 300
    assert len(INVALID) >= 80
    assert any(case.expected for case in CASES) and any(not case.expected for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_reference(case: Case) -> None:
    assert reference_match(case.pattern, case.event) is case.expected


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_index_alone(case: Case) -> None:
    index = PatternIndex.build([("rule", compile_pattern(case.pattern))])
    assert index.match(case.event) == (["rule"] if case.expected else [])
    assert matches(compile_pattern(case.pattern), case.event) is case.expected


@pytest.mark.parametrize("number", range(len(CASES)), ids=IDS)
def test_index_among_many(number: int, crowded_index: PatternIndex) -> None:
    case = CASES[number]
    found = crowded_index.match(case.event)
    assert (f"case-{number:03d}" in found) is case.expected
    assert not [rule for rule in found if rule.startswith("noise-")]


@pytest.mark.parametrize("case", CASES[:60], ids=IDS[:60])
def test_text_and_mapping_compile_alike(case: Case) -> None:
    text = case.pattern if isinstance(case.pattern, str) else json.dumps(case.pattern)
    assert compile_pattern(text) == compile_pattern(json.loads(text))


@pytest.mark.parametrize(
    ("pattern", "fragment"), INVALID, ids=[f"{i:03d}" for i in range(len(INVALID))]
)
def test_invalid(pattern: Any, fragment: str) -> None:
    with pytest.raises(InvalidEventPatternError) as caught:
        compile_pattern(pattern)
    assert fragment in caught.value.message
    assert caught.value.code == "InvalidEventPatternException"
