"""All rules of a bus compiled into one matcher whose cost follows the event, not the rules.

Every branch of every pattern is a sequence of conditions. The index is a tree of states
shared by all branches: a branch walks from the root through one state per condition, and
branches that begin with the same conditions share those states (like event-ruler's
machine). Each state holds, per field, a ``FieldMachine`` that maps an event value to the
next states in about constant time, plus the ``exists: false`` steps taken when a field
is absent. Matching flattens the event once and walks only the states its values reach;
a branch whose first condition fails costs nothing at all.

Within a branch, conditions are ordered so that the shared early states are the selective
ones: exact values first, then other string tests, ranges, presence, negations and
absence, and among equals the conditions fewer rules use (a condition shared by many
rules, like one region, is likely true of many events). The order never changes results:
array consistency is checked as the walk goes, and absence at the end of a branch against
the array elements the whole branch used.

The index is immutable. ``replace`` returns a new index for changed rules, copying only
the states on the changed branches' paths (the rest is shared), so a service swaps one
reference and readers never lock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any, TypeAlias

from eventbus.patterns.flatten import Leaf, Membership, PathFilter, merge
from eventbus.patterns.machine import FieldMachine
from eventbus.patterns.model import (
    NEGATED_KINDS,
    Condition,
    EqualsIgnoreCase,
    Exact,
    Exists,
    Numeric,
    Pattern,
)

__all__ = ["PatternIndex", "matches"]

_ABSENT = Exists(False)
#: The conditions of one branch in the order the index walks them.
_Route: TypeAlias = tuple[Condition, ...]


def _kind(condition: Condition) -> int:
    """Exact values first, then other string tests, ranges, presence, negations, absence."""
    rank = 0
    for matcher in condition.matchers:
        if isinstance(matcher, Exact | EqualsIgnoreCase):
            kind = 0
        elif isinstance(matcher, Numeric):
            kind = 2
        elif isinstance(matcher, Exists):
            kind = 3 if matcher.present else 5
        elif isinstance(matcher, NEGATED_KINDS):
            kind = 4
        else:
            kind = 1  # prefix, suffix, wildcard, cidr
        rank = max(rank, kind)
    return rank


#: An exact-only machine as the walk wants it: value key → (states to visit next, rule ids
#: of the states reached that lead nowhere, those states). Matching those rules then needs
#: no visit to the states themselves (a visit is the costly part of a walk: memory).
_Exact: TypeAlias = Mapping[Any, tuple[tuple["_State", ...], tuple[str, ...], tuple["_State", ...]]]
_Part: TypeAlias = tuple["FieldMachine[_State] | None", tuple["_State", ...], "_Exact | None"]


def _exact_form(entries: list[tuple[Any, _State]]) -> _Exact | None:
    """The ``_Exact`` form of a field's entries, or None unless all are exact values."""
    by_key: dict[Any, list[_State]] = {}
    for matcher, target in entries:
        if type(matcher) is not Exact:
            return None
        by_key.setdefault(matcher.key, []).append(target)
    form = {}
    for key, targets in by_key.items():
        ends = tuple(t for t in targets if t.leaf)
        onward = tuple(t for t in targets if not t.leaf)
        form[key] = (onward, tuple(rule for t in ends for rule in t.rules), ends)
    return form


class _State:
    """One state of the index: the rules a walk ending here matches, and the steps onward.

    Never changed once made: edits make new states and share the untouched ones.
    """

    __slots__ = ("absent", "children", "fields", "leaf", "parts", "rules")

    rules: tuple[str, ...]
    children: Mapping[Condition, _State]
    #: Per path: the machine for its values (None if only absence is tested), the states
    #: reached when the path is absent, and the machine's ``_Exact`` form if it has one.
    parts: Mapping[str, _Part]
    #: (path, the ``_Exact`` form when only exact values lead on, else the machine)
    fields: tuple[tuple[str, _Exact | None, FieldMachine[_State] | None], ...]
    absent: tuple[tuple[str, _State], ...]
    #: Nothing leads on from here: reaching the state is a match, and that is all.
    leaf: bool


def _make_state(
    rules: tuple[str, ...],
    children: Mapping[Condition, _State],
    reuse: _State | None = None,
    changed: str | None = None,
) -> _State:
    """A state; with ``reuse``, machines of paths other than ``changed`` are taken from it."""
    state = _State()
    state.rules = rules
    state.children = children
    if not children:  # most states end a branch and lead nowhere
        state.parts = {}
        state.fields = ()
        state.absent = ()
        state.leaf = True
        return state
    by_path: dict[str, list[Condition]] = {}
    for condition in children:
        by_path.setdefault(condition.path, []).append(condition)
    parts: dict[str, _Part] = {}
    for path in sorted(by_path):
        if reuse is not None and path != changed and path in reuse.parts:
            parts[path] = reuse.parts[path]
            continue
        entries: list[tuple[Any, _State]] = []
        absent: list[_State] = []
        for condition in by_path[path]:
            target = children[condition]
            for matcher in condition.matchers:
                if matcher == _ABSENT:
                    absent.append(target)
                else:
                    entries.append((matcher, target))
        # Exact values only (the usual field) need just the _Exact form, no machine.
        exact = _exact_form(entries) if entries else None
        machine = FieldMachine(entries) if entries and exact is None else None
        parts[path] = (machine, tuple(absent), exact)
    state.parts = parts
    state.fields = tuple(
        (path, exact, machine)
        for path, (machine, _, exact) in parts.items()
        if machine is not None or exact is not None
    )
    state.absent = tuple(
        (path, target) for path, (_, targets, _) in parts.items() for target in targets
    )
    state.leaf = not state.fields and not state.absent
    return state


class _Draft:
    """A state while a whole index is being built."""

    __slots__ = ("children", "rules")

    def __init__(self) -> None:
        self.children: dict[Condition, _Draft] = {}
        self.rules: set[str] = set()


def _freeze(root: _Draft) -> _State:
    """Turn drafts into states, children first (iteratively: routes may be long)."""
    order: list[_Draft] = []
    pending = [root]
    while pending:
        draft = pending.pop()
        order.append(draft)
        pending.extend(draft.children.values())
    frozen: dict[int, _State] = {}
    for draft in reversed(order):
        children = {c: frozen[id(child)] for c, child in draft.children.items()}
        frozen[id(draft)] = _make_state(tuple(sorted(draft.rules)), children)
    return frozen[id(root)]


def _edit(state: _State | None, route: _Route, rule_id: str, *, add: bool) -> _State | None:
    """A copy of ``state`` with the rule added to (or removed from) the end of ``route``.

    Only the states along the route are copied; None stands for a state left empty.
    """
    rules = state.rules if state is not None else ()
    children: Mapping[Condition, _State] = state.children if state is not None else {}
    if not route:
        rules = tuple(sorted({*rules, rule_id})) if add else tuple(r for r in rules if r != rule_id)
        if not rules and not children:
            return None
        return _make_state(rules, children, reuse=state)  # same children: all parts reused
    condition = route[0]
    child = _edit(children.get(condition), route[1:], rule_id, add=add)
    edited = dict(children)
    if child is None:
        edited.pop(condition, None)
    else:
        edited[condition] = child
    if not rules and not edited:
        return None
    return _make_state(rules, edited, reuse=state, changed=condition.path)


def _absence_holds(
    paths: tuple[str, ...], membership: Membership, leaves: Mapping[str, list[Leaf]]
) -> bool:
    """Whether no value of each path can be used together with the branch's other values."""
    for path in paths:
        for _value, _key, where in leaves.get(path, ()):
            if merge(membership, where) is not None:
                return False
    return True


class PatternIndex:
    """The rules of one bus as a single matcher; build once, match many events."""

    __slots__ = ("_edits", "_filter", "_root", "_routes", "_rules", "_uses")

    def __init__(
        self,
        rules: Mapping[str, Pattern],
        routes: Mapping[str, tuple[_Route, ...]],
        root: _State,
        uses: Counter[Condition],
        edits: int,
    ) -> None:
        self._rules = rules
        self._routes = routes
        self._root = root
        self._uses = uses
        self._edits = edits
        self._filter = PathFilter(c.path for rs in routes.values() for r in rs for c in r)

    @classmethod
    def build(cls, rules: Iterable[tuple[str, Pattern]]) -> PatternIndex:
        """Compile (rule id, pattern) pairs into one index; a repeated id keeps the last."""
        by_id = dict(rules)
        uses: Counter[Condition] = Counter(
            condition
            for pattern in by_id.values()
            for branch in pattern.branches
            for condition in branch.conditions
        )
        kinds: dict[Condition, int] = {}
        routes = {rule_id: _routes(pattern, uses, kinds) for rule_id, pattern in by_id.items()}
        root = _Draft()
        for rule_id, rule_routes in routes.items():
            for route in rule_routes:
                draft = root
                for condition in route:
                    child = draft.children.get(condition)
                    if child is None:
                        child = draft.children[condition] = _Draft()
                    draft = child
                draft.rules.add(rule_id)
        return cls(MappingProxyType(by_id), MappingProxyType(routes), _freeze(root), uses, 0)

    @property
    def rules(self) -> Mapping[str, Pattern]:
        """The (rule id → pattern) pairs the index holds (read-only)."""
        return self._rules

    def __len__(self) -> int:
        return len(self._rules)

    def replace(
        self, upserts: Iterable[tuple[str, Pattern]] = (), removals: Iterable[str] = ()
    ) -> PatternIndex:
        """A new index with rules added or changed and others removed; self is untouched.

        A few changes edit a copy that shares every untouched state with this index; many
        (or many since the last full build, which would leave the condition order stale)
        rebuild it whole.
        """
        changes = dict(upserts)
        gone = [rule_id for rule_id in removals if rule_id in self._rules]
        rules = dict(self._rules)
        for rule_id in gone:
            del rules[rule_id]
        rules.update(changes)
        edits = self._edits + len(changes) + len(gone)
        if edits > 100 + len(rules) // 10:
            return PatternIndex.build(rules.items())

        routes = dict(self._routes)
        root: _State | None = self._root
        for rule_id in [*gone, *changes]:
            for route in routes.pop(rule_id, ()):
                root = _edit(root, route, rule_id, add=False)
        kinds: dict[Condition, int] = {}
        for rule_id, pattern in changes.items():
            routes[rule_id] = _routes(pattern, self._uses, kinds)
            for route in routes[rule_id]:
                root = _edit(root, route, rule_id, add=True)
        if root is None:
            root = _make_state((), {})
        return PatternIndex(
            MappingProxyType(rules), MappingProxyType(routes), root, self._uses, edits
        )

    def match(self, event: Mapping[str, Any]) -> list[str]:
        """The ids of the rules whose pattern matches the event, sorted."""
        return self._walk(self._filter.flatten(event))

    def _walk(self, leaves: Mapping[str, list[Leaf]]) -> list[str]:
        matched: set[str] = set()
        root = self._root
        # A walk position: (state, array elements used so far, fields that must be absent).
        stack: list[tuple[_State, Membership, tuple[str, ...]]] = [(root, (), ())]
        # Positions already walked. Without arrays or pending absences (the usual case) a
        # state's id is enough; otherwise the id with the membership and absences.
        seen: set[object] = {id(root)}
        # Bound once: this loop runs for every event.
        collect, mark, push, values_of = matched.update, seen.add, stack.append, leaves.get
        while stack:
            state, membership, absent = stack.pop()
            if state.rules and (not absent or _absence_holds(absent, membership, leaves)):
                collect(state.rules)
            for path, exact, machine in state.fields:
                values = values_of(path)
                if values is None:
                    continue
                for value, key, where in values:
                    if where:
                        used = merge(membership, where)
                        if used is None:
                            continue
                    else:
                        used = membership
                    targets: Iterable[_State]
                    if exact is not None:
                        hit = exact.get(key)
                        if hit is None:
                            continue
                        targets, ends, end_states = hit
                        if ends:
                            if absent:
                                targets = (*targets, *end_states)  # absence still to check
                            else:
                                collect(ends)
                                if not targets:
                                    continue
                    else:
                        # a field without an _Exact form always has a machine
                        targets = machine.find(value, key)  # type: ignore[union-attr]
                    if used or absent:
                        for target in targets:
                            position = (id(target), used, absent)
                            if position not in seen:
                                mark(position)
                                push((target, used, absent))
                    else:
                        for target in targets:
                            if target.leaf:
                                collect(target.rules)  # nothing follows: no visit
                            elif id(target) not in seen:
                                mark(id(target))
                                push((target, (), ()))
            for path, target in state.absent:
                values = values_of(path)
                pending = absent
                if values:
                    if any(not where for _value, _key, where in values):
                        continue  # present outside any array: absent for no branch
                    pending = (*absent, path)  # decided at the branch's end
                place: object = (
                    (id(target), membership, pending) if membership or pending else id(target)
                )
                if place not in seen:
                    mark(place)
                    push((target, membership, pending))
        return sorted(matched)


def _routes(
    pattern: Pattern, uses: Counter[Condition], kinds: dict[Condition, int]
) -> tuple[_Route, ...]:
    """Each branch's conditions in walking order (see the module docstring)."""

    def order(condition: Condition) -> tuple[int, int, int, str]:
        kind = kinds.get(condition)
        if kind is None:
            kind = kinds[condition] = _kind(condition)
        return kind, uses[condition], len(condition.matchers), condition.path

    if len(pattern.branches) == 1 and len(pattern.branches[0].conditions) == 1:
        return ((pattern.branches[0].conditions[0],),)

    return tuple(tuple(sorted(branch.conditions, key=order)) for branch in pattern.branches)


@lru_cache(maxsize=1024)
def _single(pattern: Pattern) -> PatternIndex:
    return PatternIndex.build((("pattern", pattern),))


def matches(pattern: Pattern, event: Mapping[str, Any]) -> bool:
    """Whether one compiled pattern matches an event (TestEventPattern)."""
    return bool(_single(pattern).match(event))
