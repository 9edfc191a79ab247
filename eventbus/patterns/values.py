"""How event values compare: value keys, numbers, IP addresses and wildcard strings.

Shared by the compiler (which turns pattern values into keys and limits) and the index
(which turns event values into the same keys), so both sides agree on one definition.
"""

from __future__ import annotations

import ipaddress
import math
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeAlias

#: What an exact match compares. Strings are their own key; the other JSON scalars get
#: tagged tuples, so that ``true`` never equals ``1`` (Python's ``True == 1``) and a
#: string never equals a number.
ValueKey: TypeAlias = str | tuple[str, Any]

NULL_KEY: ValueKey = ("null", None)
TRUE_KEY: ValueKey = ("bool", True)
FALSE_KEY: ValueKey = ("bool", False)

#: Numbers are compared as numbers only inside this range (inclusive), like AWS's engine;
#: outside it a number only equals the same number written the same way.
NUMERIC_LIMIT = 5_000_000_000
#: Pattern numbers in comparisons may carry at most this many decimal places.
NUMERIC_DECIMALS = 6


def is_number(value: object) -> bool:
    """A JSON number: int or float but never bool (``True`` is an int in Python)."""
    return (type(value) is int or type(value) is float) and value == value  # not NaN


def comparable(value: object) -> float | None:
    """The number as a float when it takes part in numeric comparison, else None."""
    if type(value) is int:
        if -NUMERIC_LIMIT <= value <= NUMERIC_LIMIT:
            return float(value)
        return None
    if type(value) is float and math.isfinite(value) and -NUMERIC_LIMIT <= value <= NUMERIC_LIMIT:
        return value
    return None


def value_key(value: object) -> ValueKey | None:
    """The exact-match key of a JSON scalar; None for objects and arrays."""
    if type(value) is str:
        return value
    if value is None:
        return NULL_KEY
    if value is True:
        return TRUE_KEY
    if value is False:
        return FALSE_KEY
    number = comparable(value)
    if number is not None:
        # AWS matches pattern numbers numerically (300 matches 300.0), within the range.
        return ("num", number)
    if type(value) is int:
        return ("int", value)
    if type(value) is float:
        return ("float", value)
    return None


def decimal_places(number: float | int) -> int:
    """How many digits a number has after the decimal point, written in shortest form."""
    if type(number) is int:
        return 0
    exponent = Decimal(repr(number)).normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


@lru_cache(maxsize=8192)
def parse_ip(text: str) -> tuple[int, int] | None:
    """(version, integer) of an IPv4 or IPv6 address string, or None when it is not one."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return address.version, int(address)


# --- wildcards -------------------------------------------------------------------------

STAR = None  # a token of a parsed wildcard: None is '*', a str is literal text


class WildcardSyntaxError(ValueError):
    """A wildcard pattern that AWS rejects; the message says where."""


def wildcard_tokens(pattern: str) -> tuple[str | None, ...]:
    """Split a wildcard into literal runs and stars (None), resolving ``\\*`` and ``\\\\``."""
    tokens: list[str | None] = []
    literal: list[str] = []
    i = 0
    previous_star = False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            following = pattern[i + 1] if i + 1 < len(pattern) else ""
            if following not in ("*", "\\"):
                raise WildcardSyntaxError(f"Invalid escape character at pos {i}")
            literal.append(following)
            i += 2
            previous_star = False
            continue
        if char == "*":
            if previous_star:
                raise WildcardSyntaxError(f"Consecutive wildcard characters at pos {i}")
            if literal:
                tokens.append("".join(literal))
                literal = []
            tokens.append(STAR)
            previous_star = True
        else:
            literal.append(char)
            previous_star = False
        i += 1
    if literal:
        tokens.append("".join(literal))
    return tuple(tokens)


@lru_cache(maxsize=4096)
def wildcard_regex(pattern: str) -> re.Pattern[str]:
    """A compiled regex that full-matches exactly the strings the wildcard matches."""
    parts = [".*" if t is STAR else re.escape(t) for t in wildcard_tokens(pattern)]
    return re.compile("".join(parts), re.DOTALL)


def wildcard_literal_prefix(pattern: str) -> str:
    """The literal text before the first star; every matching string starts with it."""
    tokens = wildcard_tokens(pattern)
    return tokens[0] if tokens and tokens[0] is not STAR else ""


def wildcard_complexity(patterns: list[str] | tuple[str, ...]) -> int:
    """The most automaton states that can be live at once while matching the wildcards.

    Each wildcard is a small automaton over its characters (a star loops on any
    character). We explore every reachable set of live states, over an alphabet of the
    characters the patterns mention plus one standing for all others, and report the
    largest. Repeated characters after a star keep many states live, which is what makes
    a wildcard expensive to match; AWS rejects rules past a bound for the same reason.
    """
    automata: list[list[str | None]] = []
    alphabet: set[str] = set()
    for pattern in patterns:
        chars: list[str | None] = []
        for token in wildcard_tokens(pattern):
            if token is STAR:
                chars.append(None)
            else:
                chars.extend(token)
                alphabet.update(token)
        automata.append(chars)
    if not any(None in chars for chars in automata):
        return 0  # plain strings keep at most one state live each

    # Wildcards that begin with the same literal text share the states up to and
    # including their first star (AWS's machine merges them), so those count once.
    def identity(index: int, position: int) -> object:
        chars = automata[index]
        first_star = chars.index(None) if None in chars else len(chars)
        if position <= first_star:
            return (tuple(chars[: first_star + 1]), position)
        return (index, position)

    other = "\x00other"
    symbols = [*sorted(alphabet), other]

    def closure(index: int, position: int, into: set[tuple[int, int]]) -> None:
        chars = automata[index]
        while position < len(chars):
            into.add((index, position))
            if chars[position] is not None:
                return
            position += 1  # a star may match nothing

    def weight(states: set[tuple[int, int]] | frozenset[tuple[int, int]]) -> int:
        return len({identity(index, position) for index, position in states})

    start: set[tuple[int, int]] = set()
    for index in range(len(automata)):
        closure(index, 0, start)
    worst = weight(start)
    seen = {frozenset(start)}
    pending = [frozenset(start)]
    while pending:
        states = pending.pop()
        for symbol in symbols:
            following: set[tuple[int, int]] = set()
            for index, position in states:
                char = automata[index][position]
                if char is None:
                    closure(index, position, following)  # the star consumes it and stays
                elif char == symbol:
                    closure(index, position + 1, following)
            if not following:
                continue
            worst = max(worst, weight(following))
            frozen = frozenset(following)
            if frozen not in seen:
                seen.add(frozen)
                pending.append(frozen)
                if len(seen) > 20_000:  # far past any pattern AWS accepts
                    return worst + 1_000
    return worst
