"""Pattern JSON → validated, typed ``Pattern``; every rejection names the field and the reason.

The reasons follow the wording AWS returns where clients may rely on it ("Empty arrays
are not allowed", "Unrecognized match type X", ...), with the offending field appended.
"""

from __future__ import annotations

import ipaddress
import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from eventbus.errors import InvalidEventPatternError
from eventbus.patterns import limits
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
    Path,
    Pattern,
    Prefix,
    Suffix,
    Wildcard,
)
from eventbus.patterns.values import (
    NUMERIC_DECIMALS,
    NUMERIC_LIMIT,
    WildcardSyntaxError,
    decimal_places,
    is_number,
    value_key,
    wildcard_complexity,
    wildcard_tokens,
)

OR_KEY = "$or"
OPERATORS = frozenset(
    {"prefix", "suffix", "equals-ignore-case", "wildcard", "anything-but", "numeric"}
    | {"exists", "cidr"}
)
_NUMERIC_OPERATORS = ("=", "<", "<=", ">", ">=")

# While parsing, a branch is a mutable map from path to the matchers written for it.
_Draft = dict[Path, tuple[Matcher, ...]]


def compile_pattern(
    pattern: str | bytes | Mapping[str, Any], *, max_length: int = limits.MAX_PATTERN_LENGTH
) -> Pattern:
    """Validate an event pattern (JSON text or parsed mapping) and compile it.

    Raises ``InvalidEventPatternError`` naming the field and the problem.
    """
    if isinstance(pattern, bytes | bytearray):
        try:
            pattern = pattern.decode("utf-8")
        except UnicodeDecodeError as exc:
            _invalid(f"the pattern is not UTF-8 text ({exc.reason})")
    if isinstance(pattern, str):
        text = pattern
        _check_length(text, max_length)
        parsed = _parse_json(text)
    elif isinstance(pattern, Mapping):
        try:
            text = json.dumps(pattern, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as exc:
            _invalid(f"the pattern holds a value that is not JSON ({exc})")
        except RecursionError:
            _invalid("the pattern is nested too deeply")
        _check_length(text, max_length)
        # Round-trip so tuples, subclasses and the like become the plain JSON types.
        parsed = json.loads(text)
    else:
        _invalid("Filter is not an object")
    if not isinstance(parsed, Mapping):
        _invalid("Filter is not an object")

    drafts: list[_Draft] = [{}]
    try:
        _parse_object(parsed, (), (), drafts, inside_or=False)
    except RecursionError:
        _invalid("the pattern is nested too deeply")
    branches: dict[Branch, None] = {}  # ordered set: the same branch twice adds nothing
    for draft in drafts:
        conditions = tuple(Condition(path, draft[path]) for path in sorted(draft))
        branches[Branch(conditions)] = None
    compiled = Pattern(tuple(branches), source=json.dumps(parsed, separators=(",", ":")))
    _check_wildcard_complexity(compiled)
    return compiled


# --- errors ----------------------------------------------------------------------------


def _invalid(reason: str, where: Sequence[str] = ()) -> NoReturn:
    field = f' (field "{".".join(where)}")' if where else ""
    raise InvalidEventPatternError(f"Event pattern is not valid. Reason: {reason}{field}")


def _check_length(text: str, max_length: int) -> None:
    if len(text) > max_length:
        _invalid(f"the pattern is {len(text)} characters long, the maximum is {max_length}")


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON value")


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        _invalid(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")
    except ValueError as exc:
        _invalid(f"not valid JSON: {exc}")
    except RecursionError:
        _invalid("the pattern is nested too deeply")


# --- structure -------------------------------------------------------------------------


def _parse_object(
    obj: Mapping[str, Any],
    path: tuple[str, ...],
    where: tuple[str, ...],
    drafts: list[_Draft],
    *,
    inside_or: bool,
) -> None:
    """Add the fields of one pattern object to every draft branch (``$or`` forks them)."""
    if not obj:
        _invalid("Empty objects are not allowed", where)
    for key, value in obj.items():
        if not isinstance(key, str):
            _invalid("field names must be strings", where)
        if key == OR_KEY:
            _parse_or(value, path, (*where, key), drafts)
            continue
        if inside_or and key in OPERATORS:
            _invalid(f"{key} is a reserved field name which cannot be used inside $or", where)
        here = (*where, key)
        if isinstance(value, Mapping):
            _parse_object(value, (*path, key), here, drafts, inside_or=inside_or)
        elif isinstance(value, list):
            matchers = _parse_values(value, here)
            # Interned: the index looks paths up per event, and equal interned strings
            # compare by identity without reading their text.
            joined = sys.intern(".".join((*path, key)))
            for draft in drafts:
                draft[joined] = matchers  # a later spelling of the same field wins, as on AWS
        else:
            _invalid(f'"{key}" must be an object or an array', here)


def _parse_or(
    value: Any, path: tuple[str, ...], where: tuple[str, ...], drafts: list[_Draft]
) -> None:
    if not isinstance(value, list):
        _invalid("$or must be followed by an array", where)
    if len(value) < 2:
        _invalid("There must be at least 2 objects in a $or relationship", where)
    forked: list[_Draft] = []
    for position, alternative in enumerate(value):
        here = (*where[:-1], f"$or[{position}]")
        if not isinstance(alternative, Mapping):
            _invalid("Only JSON objects are allowed in the array of a $or relationship", here)
        copies = [dict(draft) for draft in drafts]
        _parse_object(alternative, path, here, copies, inside_or=True)
        forked.extend(copies)
        if len(forked) > limits.MAX_BRANCHES:
            _invalid(
                f"Rule is too complex: $or expands to more than {limits.MAX_BRANCHES} combinations",
                where,
            )
    drafts[:] = forked


def _parse_values(values: list[Any], where: tuple[str, ...]) -> tuple[Matcher, ...]:
    if not values:
        _invalid("Empty arrays are not allowed", where)
    matchers: dict[Matcher, None] = {}
    for value in values:
        if isinstance(value, Mapping):
            matchers[_parse_expression(value, where)] = None
            continue
        key = value_key(value)
        if key is None:
            _invalid("Match value must be String, number, true, false, or null", where)
        matchers[Exact(key)] = None
    # One canonical order, so ["a", "b"] and ["b", "a"] compile to equal conditions.
    return tuple(sorted(matchers, key=lambda m: (type(m).__name__, repr(m))))


# --- operators -------------------------------------------------------------------------


def _parse_expression(expression: Mapping[str, Any], where: tuple[str, ...]) -> Matcher:
    if not expression:
        _invalid("Match expression name not found", where)
    if len(expression) > 1:
        _invalid("Only one key allowed in match expression", where)
    ((operator, operand),) = expression.items()
    if operator in ("prefix", "suffix"):
        return _parse_affix(operator, operand, where)
    if operator == "equals-ignore-case":
        if not isinstance(operand, str):
            _invalid("equals-ignore-case match pattern must be a string", where)
        return EqualsIgnoreCase(operand.lower())
    if operator == "wildcard":
        if not isinstance(operand, str):
            _invalid("wildcard match pattern must be a string", where)
        _check_wildcard(operand, where)
        return Wildcard(operand)
    if operator == "numeric":
        return _parse_numeric(operand, where)
    if operator == "anything-but":
        return _parse_anything_but(operand, where)
    if operator == "exists":
        if operand is not True and operand is not False:
            _invalid("exists match pattern must be either true or false.", where)
        return Exists(operand)
    if operator == "cidr":
        return _parse_cidr(operand, where)
    _invalid(f"Unrecognized match type {operator}", where)


def _parse_affix(operator: str, operand: Any, where: tuple[str, ...]) -> Matcher:
    kind = Prefix if operator == "prefix" else Suffix
    if isinstance(operand, str):
        return kind(operand)
    if isinstance(operand, Mapping) and len(operand) == 1:
        ((inner, text),) = operand.items()
        if inner != "equals-ignore-case":
            _invalid(f"Unsupported {operator} pattern: {inner}", where)
        if not isinstance(text, str):
            _invalid("equals-ignore-case match pattern must be a string", where)
        return kind(text.lower(), ignore_case=True)
    _invalid(f"{operator} match pattern must be a string", where)


def _check_wildcard(pattern: str, where: tuple[str, ...]) -> None:
    try:
        wildcard_tokens(pattern)
    except WildcardSyntaxError as exc:
        _invalid(str(exc), where)


def _number(value: Any, operator: str, where: tuple[str, ...]) -> float:
    if not is_number(value):
        _invalid(f"Value of {operator} must be numeric", where)
    if not -NUMERIC_LIMIT <= value <= NUMERIC_LIMIT:
        _invalid("Value must be between -5.0E9 and 5.0E9, inclusive", where)
    if decimal_places(value) > NUMERIC_DECIMALS:
        _invalid(f"Only values up to {NUMERIC_DECIMALS} decimal places are supported", where)
    return float(value)


def _parse_numeric(operand: Any, where: tuple[str, ...]) -> Numeric:
    if not isinstance(operand, list):
        _invalid("Value of numeric must be an array.", where)
    if not operand or not isinstance(operand[0], str):
        shown = json.dumps(operand[0]) if operand else "]"
        _invalid(f"Invalid member in numeric match: {shown}", where)
    operator = operand[0]
    if operator not in _NUMERIC_OPERATORS:
        _invalid(f"Unrecognized numeric range operator: {operator}", where)
    if len(operand) < 2:
        _invalid(f"Value of {operator} must be numeric", where)
    value = _number(operand[1], operator, where)
    if operator == "=":
        if len(operand) > 2:
            _invalid("Too many elements in numeric expression", where)
        return Numeric(value, False, value, False)
    if operator in ("<", "<="):
        if len(operand) > 2:
            _invalid("Too many elements in numeric expression", where)
        return Numeric(None, False, value, operator == "<")
    if len(operand) == 2:
        return Numeric(value, operator == ">", None, False)
    upper_operator = operand[2]
    if not isinstance(upper_operator, str):
        _invalid(f"Bad value in numeric range: {json.dumps(upper_operator)}", where)
    if upper_operator not in ("<", "<="):
        _invalid(f"Bad numeric range operator: {upper_operator}", where)
    if len(operand) < 4:
        _invalid(f"Value of {upper_operator} must be numeric", where)
    upper = _number(operand[3], upper_operator, where)
    if len(operand) > 4:
        _invalid("Too many terms in numeric range expression", where)
    lower_open, upper_open = operator == ">", upper_operator == "<"
    if value > upper or (value == upper and (lower_open or upper_open)):
        _invalid(f"Bottom must be less than top: {operand[1]} is not below {operand[3]}", where)
    return Numeric(value, lower_open, upper, upper_open)


def _parse_anything_but(operand: Any, where: tuple[str, ...]) -> Matcher:
    if isinstance(operand, Mapping):
        return _parse_anything_but_operator(operand, where)
    values = operand if isinstance(operand, list) else [operand]
    if not values:
        _invalid("anything-but list must not be empty", where)
    strings = numbers = 0
    keys: set[Any] = set()
    for value in values:
        if isinstance(value, str):
            strings += 1
        elif is_number(value):
            _number(value, "anything-but", where)
            numbers += 1
        else:
            _invalid("Inside anything-but list, start|null|boolean is not supported.", where)
        keys.add(value_key(value))
    if strings and numbers:
        _invalid(
            "Inside anything-but list, either all values are number or string, "
            "mixed type is not supported",
            where,
        )
    return AnythingBut(frozenset(keys))


def _parse_anything_but_operator(operand: Mapping[str, Any], where: tuple[str, ...]) -> Matcher:
    if not operand:
        _invalid("Anything-But expression name not found", where)
    if len(operand) > 1:
        _invalid("Only one key allowed in match expression", where)
    ((operator, value),) = operand.items()
    if operator not in ("prefix", "suffix", "equals-ignore-case", "wildcard"):
        _invalid(f"Unsupported anything-but pattern: {operator}", where)
    if not isinstance(value, str | list):
        if isinstance(value, Mapping):
            _invalid("Value of anything-but must be an array or single string/number value.", where)
        _invalid(_anything_but_type_error(operator), where)
    texts = [value] if isinstance(value, str) else value
    if not texts:
        _invalid(f"anything-but {operator} list must not be empty", where)
    for text in texts:
        if not isinstance(text, str):
            _invalid(_anything_but_type_error(operator), where)
        if operator in ("prefix", "suffix") and not text:
            _invalid("Null prefix/suffix not allowed", where)
        if operator == "wildcard":
            _check_wildcard(text, where)
    unique = tuple(dict.fromkeys(texts))
    if operator == "prefix":
        return AnythingButPrefix(unique)
    if operator == "suffix":
        return AnythingButSuffix(unique)
    if operator == "wildcard":
        return AnythingButWildcard(unique)
    return AnythingButIgnoreCase(frozenset(text.lower() for text in unique))


def _anything_but_type_error(operator: str) -> str:
    if operator == "equals-ignore-case":
        return (
            "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not"
            " supported."
        )
    if operator == "wildcard":
        return "wildcard match pattern must be a string"
    return "prefix/suffix match pattern must be a string"


def _parse_cidr(operand: Any, where: tuple[str, ...]) -> Cidr:
    if not isinstance(operand, str):
        _invalid("cidr match pattern must be a string", where)
    address, slash, bits = operand.partition("/")
    if not slash or "/" in bits:
        _invalid("Malformed CIDR, one '/' required", where)
    if not bits.isdigit():
        _invalid("Malformed CIDR, mask bits must be an integer", where)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        _invalid(f"Nonstandard IP address: {address}", where)
    if int(bits) > ip.max_prefixlen:
        _invalid(f"Malformed CIDR, mask bits must be at most {ip.max_prefixlen}", where)
    network = ipaddress.ip_network(operand, strict=False)
    return Cidr(network.version, int(network.network_address), int(network.broadcast_address))


# --- limits across the whole pattern ---------------------------------------------------


def _check_wildcard_complexity(pattern: Pattern) -> None:
    by_path: dict[Path, dict[str, None]] = {}
    for branch in pattern.branches:
        for condition in branch.conditions:
            for matcher in condition.matchers:
                if isinstance(matcher, Wildcard):
                    by_path.setdefault(condition.path, {})[matcher.pattern] = None
                elif isinstance(matcher, AnythingButWildcard):
                    by_path.setdefault(condition.path, {}).update(dict.fromkeys(matcher.patterns))
    for path, wildcards in by_path.items():
        if wildcard_complexity(tuple(wildcards)) > limits.MAX_WILDCARD_COMPLEXITY:
            _invalid(
                "Rule is too complex - try using fewer wildcard characters or fewer repeating"
                " character sequences after a wildcard character",
                path.split("."),
            )
