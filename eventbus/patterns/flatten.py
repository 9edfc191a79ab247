"""Turn an event into the leaf values of the fields some rule looks at, once per event.

Each leaf carries its path (keys joined with dots), its exact-match key and its array
membership: the (array, element) pairs on the way down from the top of the event. Two
leaves may be used together by one branch only when they agree on every array they
share, so a match never combines values from different elements of one array of objects
(what event-ruler calls array consistency).

The walk never iterates over an event object's keys: for each object it looks up only
the keys that lead to a used path, so a large event costs no more than the fields the
rules name.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from typing import Any, TypeAlias

from eventbus.patterns.values import ValueKey, value_key

#: ((array number, element index), ...): which element of which array a leaf lies in.
Membership: TypeAlias = tuple[tuple[int, int], ...]
#: One value of a field: (the value, its exact-match key, its array membership).
Leaf: TypeAlias = tuple[Any, ValueKey, Membership]

_MISSING = object()


class PathFilter:
    """The field paths an index uses, arranged as lookups for the event walk."""

    __slots__ = ("_leaves", "_steps")

    def __init__(self, paths: Iterable[str]) -> None:
        self._leaves = frozenset(paths)
        # For each prefix (a path or part of one), the event keys to look up under it and
        # the prefix each leads to. AWS joins keys with dots, so a used path a.b.c is
        # reached from the top by the keys "a", "a.b" and "a.b.c" alike; all are listed.
        steps: dict[str, dict[str, str]] = {}
        for path in sorted(self._leaves):  # sorted: the same walk order in every process
            parts = path.split(".")
            for start in range(len(parts)):
                parent = ".".join(parts[:start])
                for end in range(start + 1, len(parts) + 1):
                    # Interned like the compiled paths, so lookups compare by identity.
                    full = sys.intern(".".join(parts[:end]))
                    steps.setdefault(parent, {})[".".join(parts[start:end])] = full
        self._steps = {prefix: tuple(keys.items()) for prefix, keys in steps.items()}

    def flatten(self, event: Mapping[str, Any]) -> dict[str, list[Leaf]]:
        """Map each used path present in the event to its leaf values."""
        leaves: dict[str, list[Leaf]] = {}
        if self._leaves:
            self._walk_object(event, "", (), leaves, [0])
        return leaves

    def _walk_object(
        self,
        obj: Mapping[str, Any],
        prefix: str,
        membership: Membership,
        leaves: dict[str, list[Leaf]],
        arrays: list[int],
    ) -> None:
        used = self._leaves
        for key, path in self._steps.get(prefix, ()):
            value = obj.get(key, _MISSING)
            if value is _MISSING:
                continue
            kind = type(value)
            if kind is dict or kind is list:
                self._walk_value(value, path, membership, leaves, arrays)
            elif path in used:
                # Scalars inline: this loop is most of the per-event cost.
                leaf = (value, value if kind is str else value_key(value), membership)
                found = leaves.get(path)
                if found is None:
                    leaves[path] = [leaf]  # type: ignore[list-item]
                else:
                    found.append(leaf)  # type: ignore[arg-type]

    def _walk_value(
        self,
        value: Any,
        path: str,
        membership: Membership,
        leaves: dict[str, list[Leaf]],
        arrays: list[int],
    ) -> None:
        if isinstance(value, dict):
            self._walk_object(value, path, membership, leaves, arrays)
        elif isinstance(value, list):
            arrays[0] += 1
            number = arrays[0]
            for index, element in enumerate(value):
                self._walk_value(element, path, (*membership, (number, index)), leaves, arrays)
        elif path in self._leaves:
            key = value_key(value)
            if key is not None:
                found = leaves.get(path)
                if found is None:
                    leaves[path] = [(value, key, membership)]
                else:
                    found.append((value, key, membership))


def merge(membership: Membership, other: Membership) -> Membership | None:
    """Both memberships together, or None when they pick different elements of one array."""
    if not other:
        return membership
    if not membership:
        return other
    chosen = dict(membership)
    for array, index in other:
        seen = chosen.get(array)
        if seen is None:
            chosen[array] = index
        elif seen != index:
            return None
    return tuple(sorted(chosen.items()))
