"""Per-field value structures: given one event value, which next states does it reach?

A ``FieldMachine`` holds every matcher written for one field at one state of the index,
each paired with the state it leads to, arranged so a lookup costs about the same
however many matchers there are: a dict for exact values, dicts keyed by length-limited
slices for prefixes and suffixes (the same on lower-cased text for the ignore-case
forms), an interval index for numeric ranges and CIDR blocks, and wildcards grouped by
their literal prefix. Negated matchers are checked one by one; they are rare per field
and every one of them that holds is a result anyway.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from eventbus.patterns.model import (
    AnythingBut,
    AnythingButIgnoreCase,
    AnythingButPrefix,
    AnythingButSuffix,
    AnythingButWildcard,
    Cidr,
    EqualsIgnoreCase,
    Exact,
    Exists,
    Matcher,
    Numeric,
    Prefix,
    Suffix,
    Wildcard,
)
from eventbus.patterns.values import (
    ValueKey,
    parse_ip,
    wildcard_literal_prefix,
    wildcard_regex,
)

T = TypeVar("T")

# Below this many intervals a straight scan beats the tree walk.
_SCAN_LIMIT = 8


class IntervalIndex(Generic[T]):
    """Static intervals over numbers; ``find`` yields the payloads of those containing x.

    The distinct bounds cut the line into slots (each bound, and each gap between
    bounds); every interval covers a run of slots and is stored in the O(log n) nodes of
    a segment tree that cover that run, so a query walks one leaf-to-root path.
    """

    __slots__ = ("_bounds", "_scan", "_size", "_tree")

    def __init__(self, items: Iterable[tuple[float | None, bool, float | None, bool, T]]) -> None:
        entries = list(items)
        self._scan: tuple[tuple[float | None, bool, float | None, bool, T], ...] | None = None
        self._bounds: list[float] = []
        self._size = 0
        self._tree: dict[int, tuple[T, ...]] = {}
        if len(entries) <= _SCAN_LIMIT:
            self._scan = tuple(entries)
            return
        bounds = sorted({b for lo, _, hi, _, _ in entries for b in (lo, hi) if b is not None})
        position = {bound: i for i, bound in enumerate(bounds)}
        slots = 2 * len(bounds) + 1
        size = 1
        while size < slots:
            size *= 2
        tree: dict[int, list[T]] = {}
        for lower, lower_open, upper, upper_open, payload in entries:
            first = 0 if lower is None else 2 * position[lower] + (2 if lower_open else 1)
            last = (
                2 * len(bounds) if upper is None else 2 * position[upper] + (0 if upper_open else 1)
            )
            left, right = first + size, last + size + 1
            while left < right:
                if left & 1:
                    tree.setdefault(left, []).append(payload)
                    left += 1
                if right & 1:
                    right -= 1
                    tree.setdefault(right, []).append(payload)
                left >>= 1
                right >>= 1
        self._bounds = bounds
        self._size = size
        self._tree = {node: tuple(payloads) for node, payloads in tree.items()}

    def find(self, x: float, out: list[T]) -> None:
        """Append the payload of every interval that contains x."""
        if self._scan is not None:
            for lower, lower_open, upper, upper_open, payload in self._scan:
                if lower is not None and (x < lower or (lower_open and x == lower)):
                    continue
                if upper is not None and (x > upper or (upper_open and x == upper)):
                    continue
                out.append(payload)
            return
        bounds = self._bounds
        i = bisect_left(bounds, x)
        slot = 2 * i + 1 if i < len(bounds) and bounds[i] == x else 2 * i
        node = slot + self._size
        tree = self._tree
        while node:
            found = tree.get(node)
            if found:
                out.extend(found)
            node >>= 1


class _Slices(Generic[T]):
    """Strings keyed by themselves; finds those that are a prefix (or suffix) of a value."""

    __slots__ = ("_by_text", "_lengths", "_suffix")

    def __init__(self, items: Iterable[tuple[str, T]], *, suffix: bool) -> None:
        by_text: dict[str, list[T]] = {}
        for text, payload in items:
            by_text.setdefault(text, []).append(payload)
        self._by_text = {text: tuple(payloads) for text, payloads in by_text.items()}
        self._lengths = tuple(sorted({len(text) for text in by_text}))
        self._suffix = suffix

    def find(self, value: str, out: list[T]) -> None:
        size = len(value)
        by_text = self._by_text
        for length in self._lengths:
            if length > size:
                break
            piece = value[size - length :] if self._suffix else value[:length]
            found = by_text.get(piece)
            if found:
                out.extend(found)


def _negation(matcher: Matcher) -> Callable[[Any, ValueKey], bool]:
    """A test for whether an anything-but matcher accepts a value and its key.

    The string forms accept every non-string (AWS: numbers, booleans and null are "anything
    but" a string); the value form compares keys, so it is strict about types too.
    """
    if isinstance(matcher, AnythingBut):
        keys = matcher.keys
        return lambda value, key: key not in keys
    if isinstance(matcher, AnythingButPrefix):
        prefixes = matcher.prefixes
        return lambda value, key: type(value) is not str or not value.startswith(prefixes)
    if isinstance(matcher, AnythingButSuffix):
        suffixes = matcher.suffixes
        return lambda value, key: type(value) is not str or not value.endswith(suffixes)
    if isinstance(matcher, AnythingButIgnoreCase):
        texts = matcher.texts
        return lambda value, key: type(value) is not str or value.lower() not in texts
    if isinstance(matcher, AnythingButWildcard):
        regexes = tuple(wildcard_regex(p) for p in matcher.patterns)
        return lambda value, key: (
            type(value) is not str or not any(regex.fullmatch(value) for regex in regexes)
        )
    raise TypeError(f"not a negated matcher: {matcher!r}")


class FieldMachine(Generic[T]):
    """All matchers on one field at one state; ``find`` returns the targets a value reaches."""

    __slots__ = (
        "_any",
        "_cidr",
        "_equals_ignore_case",
        "_exact",
        "_lower_slices",
        "_negated",
        "_numeric",
        "_slices",
        "_strings",
        "_wildcards",
    )

    def __init__(self, entries: Iterable[tuple[Matcher, T]]) -> None:
        exact: dict[ValueKey, list[T]] = {}
        equals_ignore_case: dict[str, list[T]] = {}
        prefixes: list[tuple[str, T]] = []
        suffixes: list[tuple[str, T]] = []
        lower_prefixes: list[tuple[str, T]] = []
        lower_suffixes: list[tuple[str, T]] = []
        numeric: list[tuple[float | None, bool, float | None, bool, T]] = []
        cidr: dict[int, list[tuple[float | None, bool, float | None, bool, T]]] = {}
        wildcards: dict[str, list[tuple[Any, T]]] = {}
        present: list[T] = []
        negated: list[tuple[Callable[[Any, ValueKey], bool], T]] = []
        for matcher, target in entries:
            if isinstance(matcher, Exact):
                exact.setdefault(matcher.key, []).append(target)
            elif isinstance(matcher, EqualsIgnoreCase):
                equals_ignore_case.setdefault(matcher.text, []).append(target)
            elif isinstance(matcher, Prefix):
                (lower_prefixes if matcher.ignore_case else prefixes).append((matcher.text, target))
            elif isinstance(matcher, Suffix):
                (lower_suffixes if matcher.ignore_case else suffixes).append((matcher.text, target))
            elif isinstance(matcher, Numeric):
                numeric.append(
                    (matcher.lower, matcher.lower_open, matcher.upper, matcher.upper_open, target)
                )
            elif isinstance(matcher, Cidr):
                cidr.setdefault(matcher.version, []).append(
                    (matcher.first, False, matcher.last, False, target)
                )
            elif isinstance(matcher, Wildcard):
                literal = wildcard_literal_prefix(matcher.pattern)
                wildcards.setdefault(literal, []).append((wildcard_regex(matcher.pattern), target))
            elif isinstance(matcher, Exists):
                if not matcher.present:
                    raise ValueError("exists:false is an absence test, not a value matcher")
                present.append(target)
            else:
                negated.append((_negation(matcher), target))

        self._exact = {k: tuple(v) for k, v in exact.items()}
        self._equals_ignore_case = {k: tuple(v) for k, v in equals_ignore_case.items()}
        self._slices = tuple(
            _Slices(items, suffix=is_suffix)
            for items, is_suffix in ((prefixes, False), (suffixes, True))
            if items
        )
        self._lower_slices = tuple(
            _Slices(items, suffix=is_suffix)
            for items, is_suffix in ((lower_prefixes, False), (lower_suffixes, True))
            if items
        )
        self._numeric = IntervalIndex(numeric) if numeric else None
        self._cidr = {version: IntervalIndex(items) for version, items in cidr.items()}
        self._wildcards = (
            _Slices(((literal, tuple(group)) for literal, group in wildcards.items()), suffix=False)
            if wildcards
            else None
        )
        self._any = tuple(present)
        self._negated = tuple(negated)
        self._strings = bool(
            self._equals_ignore_case
            or self._slices
            or self._lower_slices
            or self._cidr
            or self._wildcards
        )

    def find(self, value: Any, key: ValueKey) -> list[T]:
        """The targets this value reaches, possibly with repeats."""
        out: list[T] = []
        found = self._exact.get(key)
        if found:
            out.extend(found)
        if self._strings and type(value) is str:
            self._find_string(value, out)
        elif self._numeric is not None and type(key) is tuple and key[0] == "num":
            self._numeric.find(key[1], out)  # the key of an in-range number holds it
        if self._any:
            out.extend(self._any)
        for accepts, target in self._negated:
            if accepts(value, key):
                out.append(target)
        return out

    def _find_string(self, value: str, out: list[T]) -> None:
        for slices in self._slices:
            slices.find(value, out)
        if self._equals_ignore_case or self._lower_slices:
            lowered = value.lower()
            found = self._equals_ignore_case.get(lowered)
            if found:
                out.extend(found)
            for slices in self._lower_slices:
                slices.find(lowered, out)
        if self._wildcards is not None:
            groups: list[tuple[tuple[Any, T], ...]] = []
            self._wildcards.find(value, groups)
            for group in groups:
                for regex, target in group:
                    if regex.fullmatch(value):
                        out.append(target)
        if self._cidr:
            address = parse_ip(value)
            if address is not None:
                index = self._cidr.get(address[0])
                if index is not None:
                    index.find(address[1], out)
