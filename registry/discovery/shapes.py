"""Shapes of events: a fingerprint cheap enough to compute for every event.

Discovery must keep up with ingest, and nearly every event has a shape the bus has seen
before. ``fingerprint`` walks an event's detail once and returns a hashable value; two
details with equal fingerprints give the schema builder (``registry.infer``, genson)
exactly the same information, so a known shape costs one walk and one set lookup and the
builder runs only on shapes never seen. The fingerprint keeps the structure (an object's
keys and their shapes, the set of shapes of an array's elements) rather than a flat list of
key paths, because ``[{a}, {b}]`` and ``[{a, b}]`` share key paths but not ``required``.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from registry.infer import is_timestamp

_SHORTEST_DATE_TIME = len("2024-01-01T00:00:00Z")

_STRING, _DATE_TIME_STRING, _INTEGER, _NUMBER, _BOOLEAN, _NULL = "s", "t", "i", "n", "b", "0"


def looks_like_date_time(value: str) -> bool:
    """What the schema builder calls a timestamp, with a cheap test first: the length and
    the first dash rule out almost every other string before any regex runs."""
    return len(value) >= _SHORTEST_DATE_TIME and value[4] == "-" and is_timestamp(value)


_SCALARS: dict[type, str] = {int: _INTEGER, float: _NUMBER, bool: _BOOLEAN, type(None): _NULL}


def fingerprint(detail: dict[str, Any]) -> Hashable:
    """A hashable shape of a JSON object; see the module docstring.

    An object becomes a flat tuple ``(key, shape, key, shape, ...)`` in the object's own
    key order: two orders of the same keys give two fingerprints of one schema, which
    costs one extra inference, while sorting every object would cost every event. An array
    becomes the frozenset of its elements' shapes. Scalars are checked inline rather than
    by a call per value: this runs for every event.
    """
    parts: list[Hashable] = []
    append = parts.append
    for key, item in detail.items():
        append(key)
        kind = type(item)
        if kind is str:
            append(_DATE_TIME_STRING if looks_like_date_time(item) else _STRING)
        elif kind is dict:
            append(fingerprint(item))
        elif kind is list:
            append(_array(item))
        else:
            append(_SCALARS[kind])
    return tuple(parts)


def _array(items: list[Any]) -> frozenset[Hashable]:
    shapes: set[Hashable] = set()
    add = shapes.add
    for item in items:
        kind = type(item)
        if kind is str:
            add(_DATE_TIME_STRING if looks_like_date_time(item) else _STRING)
        elif kind is dict:
            add(fingerprint(item))
        elif kind is list:
            add(_array(item))
        else:
            add(_SCALARS[kind])
    return frozenset(shapes)
