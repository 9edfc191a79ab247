"""What changed between two schema versions, and whom each change breaks.

``diff(old, new)`` walks both versions' event schemas (see ``registry.validation.convert``)
side by side and returns typed changes. Each change says whether it breaks

* **backward** compatibility: a consumer using ``new`` can no longer read some data written
  with ``old`` (``new`` accepts less there: a narrowed type, a field that became required,
  fewer enum values, a closed content model, a tighter bound...);
* **forward** compatibility: a consumer still using ``old`` can no longer read some data
  written with ``new`` (``new`` accepts more there).

A schema is read as the set of instances it accepts. One assumption keeps everyday changes
usable: in an open content model (``additionalProperties`` absent or true) old data may carry
properties the schema does not name, but we assume such extras never collide with a property
a later version declares. Without it no property could ever be added to an open schema
(a strict reading, which some registries take). Combinators the walk cannot line up
(``anyOf`` lists of different lengths, ``not``, tuple ``items``) are compared as a whole and
any difference is reported as breaking both ways.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import orjson

from registry.validation.convert import event_schema


class ChangeKind(StrEnum):
    TYPE_CHANGED = "TYPE_CHANGED"
    PROPERTY_ADDED = "PROPERTY_ADDED"
    PROPERTY_REMOVED = "PROPERTY_REMOVED"
    PROPERTY_REQUIRED = "PROPERTY_REQUIRED"
    PROPERTY_OPTIONAL = "PROPERTY_OPTIONAL"
    ENUM_CHANGED = "ENUM_CHANGED"
    ADDITIONAL_PROPERTIES_CHANGED = "ADDITIONAL_PROPERTIES_CHANGED"
    CONSTRAINT_CHANGED = "CONSTRAINT_CHANGED"
    COMPOSITION_CHANGED = "COMPOSITION_CHANGED"


@dataclass(frozen=True, slots=True)
class Change:
    #: Where, as a JSON path of the event: ``$.detail.items[*].qty``.
    path: str
    kind: ChangeKind
    #: What changed, in words: ``type narrowed from number to integer``.
    detail: str
    breaks_backward: bool
    breaks_forward: bool

    @property
    def message(self) -> str:
        return f"{self.path}: {self.detail}"


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """The changes from ``old`` to ``new`` (OpenAPI 3 or JSON Schema Draft 4 contents)."""
    old_doc, new_doc = _Document(event_schema(old)), _Document(event_schema(new))
    walk = _Walk(old_doc, new_doc)
    walk.compare("$", old_doc.root, new_doc.root)
    return walk.changes


# -- references --------------------------------------------------------------------------


class _Document:
    """One schema document, able to follow its local ``$ref``s."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root

    def resolve(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        seen: set[str] = set()
        while isinstance(node.get("$ref"), str):
            ref: str = node["$ref"]
            if ref in seen or not ref.startswith("#"):
                break  # a loop of references, or one we do not follow: compared as written
            seen.add(ref)
            target: Any = self.root
            for part in ref[1:].split("/")[1:]:
                part = part.replace("~1", "/").replace("~0", "~")
                target = target.get(part) if isinstance(target, Mapping) else None
            if not isinstance(target, Mapping):
                break
            node = target
        return node


# -- the walk ----------------------------------------------------------------------------

_LOWER_BOUNDS = ("minimum", "minLength", "minItems", "minProperties")
_UPPER_BOUNDS = ("maximum", "maxLength", "maxItems", "maxProperties")
# Present = narrower; changed = neither includes the other in general.
_RESTRICTIONS = ("pattern", "format", "multipleOf")
_FLAGS = ("exclusiveMinimum", "exclusiveMaximum", "uniqueItems")
# Keywords that do not constrain instances, ignored when recognising a shape.
_ANNOTATIONS = frozenset({"title", "description", "definitions", "$schema", "id", "default"})
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_-]+")


def _child(path: str, name: str) -> str:
    return (
        f"{path}.{name}"
        if _PLAIN_NAME.fullmatch(name)
        else f"{path}[{orjson.dumps(name).decode()}]"
    )


def _types(schema: Mapping[str, Any]) -> frozenset[str] | None:
    """The JSON types a schema allows; None for any. ``number`` includes ``integer``."""
    kind = schema.get("type")
    if kind is None:
        return None
    types = frozenset([kind] if isinstance(kind, str) else kind)
    return types - {"integer"} if "number" in types else types


def _covered(kind: str, types: frozenset[str] | None) -> bool:
    return types is None or kind in types or (kind == "integer" and "number" in types)


def _allows(types: frozenset[str] | None, *kinds: str) -> bool:
    return any(_covered(kind, types) for kind in kinds)


def _describe(types: frozenset[str] | None) -> str:
    return "any type" if types is None else " or ".join(sorted(types))


def _canonical(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _alternatives(schema: Mapping[str, Any]) -> tuple[str, list[Any]] | None:
    for keyword in ("anyOf", "oneOf"):
        value = schema.get(keyword)
        if isinstance(value, list) and value:
            return keyword, value
    return None


_ADDITIONAL_OPEN, _ADDITIONAL_CLOSED, _ADDITIONAL_SCHEMA = "open", "closed", "constrained"


def _additional(schema: Mapping[str, Any]) -> str:
    value = schema.get("additionalProperties", True)
    if value is True:
        return _ADDITIONAL_OPEN
    return _ADDITIONAL_CLOSED if value is False else _ADDITIONAL_SCHEMA


class _Walk:
    def __init__(self, old: _Document, new: _Document) -> None:
        self.old = old
        self.new = new
        self.changes: list[Change] = []
        # Pairs of nodes being compared on the current path: recursive schemas stop here.
        self._active: set[tuple[int, int]] = set()

    def _add(self, path: str, kind: ChangeKind, detail: str, backward: bool, forward: bool) -> None:
        self.changes.append(Change(path, kind, detail, backward, forward))

    def compare(self, path: str, old_node: Mapping[str, Any], new_node: Mapping[str, Any]) -> None:
        old, new = self.old.resolve(old_node), self.new.resolve(new_node)
        key = (id(old), id(new))
        # No shortcut on equal nodes: equal text may hold $refs to definitions that differ.
        if key in self._active:
            return
        self._active.add(key)
        try:
            self._compare(path, old, new)
        finally:
            self._active.discard(key)

    def _compare(self, path: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        old_choice, new_choice = self._nullable_choice(old), self._nullable_choice(new)
        if old_choice is not None or new_choice is not None:
            self._compare_choices(path, old, new, old_choice, new_choice)
            return
        old_types, new_types = _types(old), _types(new)
        self._compare_types(path, old_types, new_types)
        self._compare_enum(path, old, new)
        self._compare_constraints(path, old, new)
        if _allows(old_types, "object") and _allows(new_types, "object"):
            self._compare_objects(path, old, new)
        if _allows(old_types, "array") and _allows(new_types, "array"):
            self._compare_items(path, old, new)
        self._compare_combinators(path, old, new)

    # -- alternatives ------------------------------------------------------------------

    def _nullable_choice(self, schema: Mapping[str, Any]) -> tuple[Mapping[str, Any], bool] | None:
        """(the one non-null branch, whether null is allowed) of an ``anyOf [X, null]``."""
        found = _alternatives(schema)
        if found is None or set(schema) - _ANNOTATIONS != {found[0]}:
            return None
        _, branches = found
        others = [b for b in branches if not (isinstance(b, Mapping) and b.get("type") == "null")]
        if len(others) != 1 or not isinstance(others[0], Mapping):
            return None
        return others[0], len(others) != len(branches)

    def _compare_choices(
        self,
        path: str,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        old_choice: tuple[Mapping[str, Any], bool] | None,
        new_choice: tuple[Mapping[str, Any], bool] | None,
    ) -> None:
        old_branch, old_null = old_choice or (old, _covered("null", _types(old)))
        new_branch, new_null = new_choice or (new, _covered("null", _types(new)))
        if old_null != new_null:
            verb = "no longer allows" if old_null else "now allows"
            self._add(path, ChangeKind.TYPE_CHANGED, f"{verb} null", old_null, new_null)
        self.compare(path, old_branch, new_branch)

    # -- keywords ----------------------------------------------------------------------

    def _compare_types(
        self, path: str, old: frozenset[str] | None, new: frozenset[str] | None
    ) -> None:
        lost = [kind for kind in sorted(old or ()) if not _covered(kind, new)]
        gained = [kind for kind in sorted(new or ()) if not _covered(kind, old)]
        narrowed = bool(lost) or (old is None and new is not None)
        widened = bool(gained) or (new is None and old is not None)
        if not (narrowed or widened):
            return
        verb = "changed" if narrowed and widened else "narrowed" if narrowed else "widened"
        self._add(
            path,
            ChangeKind.TYPE_CHANGED,
            f"type {verb} from {_describe(old)} to {_describe(new)}",
            narrowed,
            widened,
        )

    def _compare_enum(self, path: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        old_values, new_values = old.get("enum"), new.get("enum")
        if old_values is None and new_values is None:
            return
        old_set = None if old_values is None else {_canonical(v) for v in old_values}
        new_set = None if new_values is None else {_canonical(v) for v in new_values}
        if old_set == new_set:
            return
        # Values the old enum (or no enum: every value) had that the new one lacks, and back.
        narrowed = new_set is not None and (old_set is None or bool(old_set - new_set))
        widened = old_set is not None and (new_set is None or bool(new_set - old_set))
        if old_set is None:
            detail = f"enum {self._list(new_set)} added"
        elif new_set is None:
            detail = "enum removed"
        else:
            parts = []
            if old_set - new_set:
                parts.append(f"values {self._list(old_set - new_set)} removed")
            if new_set - old_set:
                parts.append(f"values {self._list(new_set - old_set)} added")
            detail = "enum " + " and ".join(parts)
        self._add(path, ChangeKind.ENUM_CHANGED, detail, narrowed, widened)

    @staticmethod
    def _list(values: set[bytes] | None) -> str:
        return ", ".join(sorted(value.decode() for value in values or ()))

    def _compare_constraints(
        self, path: str, old: Mapping[str, Any], new: Mapping[str, Any]
    ) -> None:
        for keyword, lower in [(k, True) for k in _LOWER_BOUNDS] + [
            (k, False) for k in _UPPER_BOUNDS
        ]:
            before, after = old.get(keyword), new.get(keyword)
            if before == after:
                continue
            if before is None:
                tighter, looser = True, False
            elif after is None:
                tighter, looser = False, True
            else:
                tighter = after > before if lower else after < before
                looser = not tighter
            self._constraint(path, keyword, before, after, tighter, looser)
        for keyword in _RESTRICTIONS:
            before, after = old.get(keyword), new.get(keyword)
            if before != after:
                self._constraint(
                    path, keyword, before, after, after is not None, before is not None
                )
        for keyword in _FLAGS:
            before, after = bool(old.get(keyword, False)), bool(new.get(keyword, False))
            if before != after:
                self._constraint(path, keyword, before, after, after, before)

    def _constraint(
        self, path: str, keyword: str, before: Any, after: Any, tighter: bool, looser: bool
    ) -> None:
        if before is None:
            detail = f"{keyword} {after!r} added"
        elif after is None:
            detail = f"{keyword} {before!r} removed"
        else:
            detail = f"{keyword} changed from {before!r} to {after!r}"
        self._add(path, ChangeKind.CONSTRAINT_CHANGED, detail, tighter, looser)

    def _compare_objects(self, path: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        old_props: Mapping[str, Any] = old.get("properties") or {}
        new_props: Mapping[str, Any] = new.get("properties") or {}
        old_required = set(old.get("required") or ())
        new_required = set(new.get("required") or ())
        old_open, new_open = _additional(old), _additional(new)
        for name in sorted(old_props.keys() | new_props.keys() | old_required | new_required):
            where = _child(path, name)
            in_old, in_new = (
                name in old_props or name in old_required,
                name in new_props or name in new_required,
            )
            if not in_old:
                required = name in new_required
                self._add(
                    where,
                    ChangeKind.PROPERTY_ADDED,
                    "required property added" if required else "optional property added",
                    # Old data lacks a required newcomer; a closed old model rejects it.
                    required,
                    old_open != _ADDITIONAL_OPEN,
                )
                continue
            if not in_new:
                required = name in old_required
                self._add(
                    where,
                    ChangeKind.PROPERTY_REMOVED,
                    "required property removed" if required else "optional property removed",
                    # A closed new model rejects old data carrying it; old readers need it.
                    new_open != _ADDITIONAL_OPEN,
                    required,
                )
                continue
            if name in new_required and name not in old_required:
                self._add(
                    where, ChangeKind.PROPERTY_REQUIRED, "property became required", True, False
                )
            elif name in old_required and name not in new_required:
                self._add(
                    where, ChangeKind.PROPERTY_OPTIONAL, "property became optional", False, True
                )
            if name in old_props and name in new_props:
                self.compare(where, old_props[name], new_props[name])
        self._compare_additional(path, old, new, old_open, new_open)

    def _compare_additional(
        self, path: str, old: Mapping[str, Any], new: Mapping[str, Any], before: str, after: str
    ) -> None:
        if before == after == _ADDITIONAL_SCHEMA:
            self.compare(f"{path}.*", old["additionalProperties"], new["additionalProperties"])
            return
        if before == after:
            return
        order = {_ADDITIONAL_CLOSED: 0, _ADDITIONAL_SCHEMA: 1, _ADDITIONAL_OPEN: 2}
        tighter = order[after] < order[before]
        self._add(
            path,
            ChangeKind.ADDITIONAL_PROPERTIES_CHANGED,
            f"additional properties changed from {before} to {after}",
            tighter,
            not tighter,
        )

    def _compare_items(self, path: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        old_items, new_items = old.get("items"), new.get("items")
        if old_items == new_items:
            return
        if isinstance(old_items, Mapping | None) and isinstance(new_items, Mapping | None):
            self.compare(f"{path}[*]", old_items or {}, new_items or {})
        else:
            self._add(
                f"{path}[*]", ChangeKind.COMPOSITION_CHANGED, "tuple items changed", True, True
            )

    def _compare_combinators(
        self, path: str, old: Mapping[str, Any], new: Mapping[str, Any]
    ) -> None:
        for keyword in ("allOf", "anyOf", "oneOf"):
            before, after = old.get(keyword), new.get(keyword)
            if before == after:
                continue
            if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
                for index, (left, right) in enumerate(zip(before, after, strict=True)):
                    self.compare(f"{path}.{keyword}[{index}]", left, right)
            else:
                self._add(path, ChangeKind.COMPOSITION_CHANGED, f"{keyword} changed", True, True)
        if old.get("not") != new.get("not"):
            self._add(path, ChangeKind.COMPOSITION_CHANGED, "not changed", True, True)
