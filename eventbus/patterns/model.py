"""The compiled form of an event pattern: frozen, typed values the index is built from.

A pattern is an OR of branches (``$or`` expanded); a branch is an AND of conditions; a
condition names one field path and holds the matchers written for it, any of which may
match one of the field's values. Every matcher kind is its own class, so the index
dispatches on types built once instead of comparing operator names for every event.

    Pattern
    └── branches: tuple[Branch, ...]
        └── conditions: tuple[Condition, ...]     (sorted by path, one per path)
            └── matchers: tuple[Matcher, ...]     (OR of the values written for the field)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from eventbus.patterns.values import ValueKey

#: A field path, the keys from the top of the event joined with dots ("detail.state").
#: Joined keys, not tuples, because AWS treats {"a": {"b": ..}} and {"a.b": ..} alike.
Path: TypeAlias = str


@dataclass(frozen=True, slots=True)
class Exact:
    """The value equals a JSON string, number, boolean or null (numbers compare as numbers)."""

    key: ValueKey


@dataclass(frozen=True, slots=True)
class Prefix:
    """A string that starts with ``text`` (lower-cased already when ``ignore_case``)."""

    text: str
    ignore_case: bool = False


@dataclass(frozen=True, slots=True)
class Suffix:
    """A string that ends with ``text`` (lower-cased already when ``ignore_case``)."""

    text: str
    ignore_case: bool = False


@dataclass(frozen=True, slots=True)
class EqualsIgnoreCase:
    """A string equal to ``text`` (stored lower-cased) regardless of case."""

    text: str


@dataclass(frozen=True, slots=True)
class Wildcard:
    """A string matching ``pattern``, where ``*`` stands for any run of characters."""

    pattern: str


@dataclass(frozen=True, slots=True)
class Numeric:
    """A JSON number inside an interval; a missing bound is unbounded on that side."""

    lower: float | None
    lower_open: bool
    upper: float | None
    upper_open: bool


@dataclass(frozen=True, slots=True)
class Cidr:
    """A string holding an IP address of ``version`` inside [first, last]."""

    version: int
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class Exists:
    """``exists: true`` (the field has a leaf value) or ``exists: false`` (it has none)."""

    present: bool


@dataclass(frozen=True, slots=True)
class AnythingBut:
    """Any value whose key is not one of ``keys`` (all strings or all numbers)."""

    keys: frozenset[ValueKey]


@dataclass(frozen=True, slots=True)
class AnythingButPrefix:
    """Any value that is not a string starting with one of ``prefixes``."""

    prefixes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AnythingButSuffix:
    """Any value that is not a string ending with one of ``suffixes``."""

    suffixes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AnythingButIgnoreCase:
    """Any value that is not a string equal, ignoring case, to one of ``texts`` (lower-cased)."""

    texts: frozenset[str]


@dataclass(frozen=True, slots=True)
class AnythingButWildcard:
    """Any value that is not a string matching one of the wildcard ``patterns``."""

    patterns: tuple[str, ...]


Matcher: TypeAlias = (
    Exact
    | Prefix
    | Suffix
    | EqualsIgnoreCase
    | Wildcard
    | Numeric
    | Cidr
    | Exists
    | AnythingBut
    | AnythingButPrefix
    | AnythingButSuffix
    | AnythingButIgnoreCase
    | AnythingButWildcard
)

NEGATED_KINDS: tuple[type, ...] = (
    AnythingBut,
    AnythingButPrefix,
    AnythingButSuffix,
    AnythingButIgnoreCase,
    AnythingButWildcard,
)


@dataclass(frozen=True, slots=True)
class Condition:
    """One field of a branch: satisfied when any matcher matches (or, for exists:false, holds)."""

    path: Path
    matchers: tuple[Matcher, ...]
    # Conditions key the index's dicts many times over while it is built; hash once.
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.path, self.matchers)))

    def __hash__(self) -> int:
        return self._hash


@dataclass(frozen=True, slots=True)
class Branch:
    """An AND of conditions, one per path, sorted by path."""

    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Pattern:
    """A compiled event pattern: matches an event when any branch does."""

    branches: tuple[Branch, ...]
    #: The canonical JSON text of the pattern, for messages and debugging.
    source: str = field(default="", compare=False)

    @property
    def paths(self) -> frozenset[Path]:
        """Every field path the pattern looks at."""
        return frozenset(c.path for b in self.branches for c in b.conditions)
