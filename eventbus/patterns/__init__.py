"""The EventBridge event-pattern language: compile, index many rules, match events.

    compile_pattern(json_or_mapping) -> Pattern         validate; raises InvalidEventPatternError
    PatternIndex.build([(rule_id, pattern), ...])       all rules of a bus as one matcher
    index.match(event) -> [rule_id, ...]                matching rule ids, sorted
    index.replace(upserts, removals) -> PatternIndex    a new index for changed rules
    matches(pattern, event) -> bool                     one pattern (TestEventPattern)

Where the user guide is silent or wrong, we follow what EventBridge does (its engine is
event-ruler; some behaviours below were recorded against AWS by LocalStack's test suite):

- Exact numbers compare as numbers inside the numeric range (-5e9..5e9): ``[300]``
  matches ``300.0``, although the guide says numbers match by their text. Outside the
  range a number equals only the same number of the same kind (int or float).
- Booleans, null, strings and numbers never equal one another (``[1]`` is not ``true``).
- ``numeric`` takes JSON numbers only (never strings or booleans) within -5e9..5e9;
  pattern bounds may carry at most 6 decimals; event values outside the range never match.
- ``exists: true`` needs a leaf value (null counts; an empty array or object does not);
  ``exists: false`` holds when the field has no leaf value.
- ``anything-but`` needs a value and accepts any value other than those listed, including
  other types: ``{"anything-but": "x"}`` matches null and 5. Its prefix, suffix,
  equals-ignore-case and wildcard forms accept every non-string.
- Values from different elements of one array are never combined in one match; an
  ``exists: false`` field counts as absent when none of its values could join the
  elements the rest of the branch used.
- Keys are joined with dots, so ``{"a": {"b": ..}}`` and ``{"a.b": ..}`` are one field.
- ``equals-ignore-case`` lower-cases both sides (``str.lower``).
"""

from __future__ import annotations

from eventbus.patterns.compile import compile_pattern
from eventbus.patterns.index import PatternIndex, matches
from eventbus.patterns.limits import MAX_BRANCHES, MAX_PATTERN_LENGTH, MAX_WILDCARD_COMPLEXITY
from eventbus.patterns.model import (
    AnythingBut,
    AnythingButIgnoreCase,
    AnythingButPrefix,
    AnythingButSuffix,
    AnythingButWildcard,
    Branch,
    Cidr,
    Condition,
    EqualsIgnoreCase,
    Exact,
    Exists,
    Matcher,
    Numeric,
    Pattern,
    Prefix,
    Suffix,
    Wildcard,
)

__all__ = [
    "MAX_BRANCHES",
    "MAX_PATTERN_LENGTH",
    "MAX_WILDCARD_COMPLEXITY",
    "AnythingBut",
    "AnythingButIgnoreCase",
    "AnythingButPrefix",
    "AnythingButSuffix",
    "AnythingButWildcard",
    "Branch",
    "Cidr",
    "Condition",
    "EqualsIgnoreCase",
    "Exact",
    "Exists",
    "Matcher",
    "Numeric",
    "Pattern",
    "PatternIndex",
    "Prefix",
    "Suffix",
    "Wildcard",
    "compile_pattern",
    "matches",
]
