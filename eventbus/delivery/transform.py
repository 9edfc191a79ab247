"""What a rule sends to a target: the whole event, a constant, a part of it, or a template.

A target's input is set by at most one of ``Input`` (constant JSON text), ``InputPath``
(a JSONPath into the event) and ``InputTransformer`` (``InputPathsMap`` + ``InputTemplate``);
with none, the target gets the whole event. ``parse_target_input`` validates the choice
once, at PutTargets, into a frozen ``TargetInput``; ``render`` builds the request body for
one event. A template is cut into literal bytes and placeholders when it is parsed, so
rendering is one lookup per variable and a join.

How a placeholder is filled, following EventBridge:

* A template that is valid JSON once its placeholders are filled is a JSON template.
  There, a placeholder standing as a value receives JSON: a string arrives quoted and
  escaped, an object or array as JSON. A placeholder inside a quoted string receives
  the value's text, escaped to keep the string valid; an object or array there loses
  its internal quotes, as EventBridge strips them. A placeholder may not be a key.
* Any other template is text (``<instance> is in state <status>``): values go in raw,
  objects and arrays as compact JSON.
* A variable whose path selects nothing is empty: ``""`` as a JSON value, nothing in
  text.
* Predefined variables: ``aws.events.rule-arn``, ``aws.events.rule-name``,
  ``aws.events.event.ingestion-time`` (strings), ``aws.events.event.json`` (the whole
  event, as JSON) and ``aws.events.event`` (the event without ``detail``, as JSON). The
  two event variables are meant as JSON values; AWS does not escape them.

JSONPath is the subset EventBridge documents: ``$``, dot notation with letters, digits,
``_``, ``-`` and ``/``, array indexes ``[0]``, and wildcards ``.*`` / ``[*]``; ``InputPath``
also takes bracket notation (``$['detail']``), which ``InputPathsMap`` may not use.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from eventbus.errors import ValidationError

#: Limits from AWS's service model (TargetInput, TargetInputPath, TransformerInput,
#: TransformerPaths, InputTransformerPathKey).
MAX_INPUT_LENGTH = 8192
MAX_INPUT_PATH_LENGTH = 256
MAX_TEMPLATE_LENGTH = 8192
MAX_INPUT_PATHS = 100
MAX_PATH_KEY_LENGTH = 256
PATH_KEY_PATTERN = r"[A-Za-z0-9\_\-]+"

RULE_ARN = "aws.events.rule-arn"
RULE_NAME = "aws.events.rule-name"
INGESTION_TIME = "aws.events.event.ingestion-time"
EVENT = "aws.events.event"
EVENT_JSON = "aws.events.event.json"
PREDEFINED = frozenset({RULE_ARN, RULE_NAME, INGESTION_TIME, EVENT, EVENT_JSON})

#: What an InputPath that selects nothing sends. AWS does not document it; JSON null
#: keeps the body valid JSON for every target.
NOTHING_SELECTED = b"null"

_PATH_KEY = re.compile(PATH_KEY_PATTERN)
_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")
_STEP = re.compile(
    r"\.(?:(?P<key>[A-Za-z0-9_\-/]+)|(?P<dot_any>\*))"
    r"|\[(?:(?P<index>[0-9]+)|(?P<any>\*)|'(?P<single>[^']*)'|\"(?P<double>[^\"]*)\")\]"
)
# The fields of aws.events.event, named and ordered as EventBridge delivers them.
_EVENT_SUMMARY = (
    ("id", "id"),
    ("account", "account"),
    ("detail-type", "detailType"),
    ("time", "time"),
    ("source", "source"),
    ("region", "region"),
    ("resources", "resources"),
    ("version", "version"),
)


class _Missing(enum.Enum):
    MISSING = enum.auto()


#: What a path finds when the event has nothing there.
MISSING = _Missing.MISSING


class Wildcard(enum.Enum):
    """A ``*`` step: every member of an object or element of an array."""

    ANY = "*"


Step = str | int | Wildcard


@dataclass(frozen=True, slots=True)
class JsonPath:
    """A compiled JSONPath: object keys (str), array indexes (int) and wildcards."""

    text: str
    steps: tuple[Step, ...]
    #: Without wildcards a path selects one value; with them, a list of every match.
    definite: bool

    def find(self, document: Any) -> Any:
        """The selected value, ``MISSING``, or for a wildcard path the list of matches."""
        if self.definite:
            node = document
            for step in self.steps:
                node = _child(node, step)
                if node is MISSING:
                    return MISSING
            return node
        nodes = [document]
        for step in self.steps:
            found: list[Any] = []
            for node in nodes:
                if step is Wildcard.ANY:
                    if isinstance(node, Mapping):
                        found.extend(node.values())
                    elif isinstance(node, list | tuple):
                        found.extend(node)
                else:
                    child = _child(node, step)
                    if child is not MISSING:
                        found.append(child)
            nodes = found
        return nodes


def _child(node: Any, step: Step) -> Any:
    if isinstance(step, str):
        if isinstance(node, Mapping) and step in node:
            return node[step]
        return MISSING
    if isinstance(step, int) and isinstance(node, list | tuple) and step < len(node):
        return node[step]
    return MISSING


def parse_json_path(text: str, *, bracket_names: bool = False) -> JsonPath | None:
    """Compile a path of the supported subset, or None when it is outside it."""
    if not text.startswith("$"):
        return None
    steps: list[Step] = []
    position = 1
    while position < len(text):
        match = _STEP.match(text, position)
        if match is None:
            return None
        groups = match.groupdict()
        if groups["key"] is not None:
            steps.append(groups["key"])
        elif groups["index"] is not None:
            steps.append(int(groups["index"]))
        elif groups["dot_any"] is not None or groups["any"] is not None:
            steps.append(Wildcard.ANY)
        elif not bracket_names:
            return None
        else:
            name = groups["single"] if groups["single"] is not None else groups["double"]
            steps.append(name)
        position = match.end()
    return JsonPath(text=text, steps=tuple(steps), definite=Wildcard.ANY not in steps)


# --- templates --------------------------------------------------------------------------------


class Slot(enum.Enum):
    """Where a placeholder stands, which decides how its value is written."""

    VALUE = "value"  # a value of a JSON template: written as JSON
    STRING = "string"  # inside a quoted string of a JSON template: written as escaped text
    TEXT = "text"  # anywhere in a text template: written raw


@dataclass(frozen=True, slots=True)
class Placeholder:
    name: str
    slot: Slot


@dataclass(frozen=True, slots=True)
class Template:
    """An InputTemplate cut into literal bytes and placeholders."""

    text: str
    is_json: bool
    parts: tuple[bytes | Placeholder, ...]
    #: Each variable the template uses, once, in order of first use.
    names: tuple[str, ...]


# --- target inputs ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MatchedEvent:
    """No input configured: the target receives the whole event."""


@dataclass(frozen=True, slots=True)
class ConstantInput:
    """``Input``: constant JSON text, sent as given; nothing of the event is sent."""

    input: str
    body: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "body", self.input.encode())


@dataclass(frozen=True, slots=True)
class PathInput:
    """``InputPath``: the part of the event a JSONPath selects, as JSON."""

    path: JsonPath

    @property
    def input_path(self) -> str:
        return self.path.text


@dataclass(frozen=True, slots=True)
class TransformerInput:
    """``InputTransformer``: variables taken from the event, filled into a template."""

    paths: tuple[tuple[str, JsonPath], ...]
    template: Template
    #: Each variable the template uses, with its path (None for a predefined one).
    variables: tuple[tuple[str, JsonPath | None], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        paths = dict(self.paths)
        variables = tuple((name, paths.get(name)) for name in self.template.names)
        object.__setattr__(self, "variables", variables)

    @property
    def input_paths_map(self) -> dict[str, str]:
        return {name: path.text for name, path in self.paths}

    @property
    def input_template(self) -> str:
        return self.template.text


TargetInput = MatchedEvent | ConstantInput | PathInput | TransformerInput


def target_input_fields(target_input: TargetInput) -> dict[str, Any]:
    """The target members that describe ``target_input``, as AWS returns them."""
    if isinstance(target_input, ConstantInput):
        return {"Input": target_input.input}
    if isinstance(target_input, PathInput):
        return {"InputPath": target_input.input_path}
    if isinstance(target_input, TransformerInput):
        fields: dict[str, Any] = {"InputTemplate": target_input.input_template}
        if target_input.paths:
            fields["InputPathsMap"] = target_input.input_paths_map
        return {"InputTransformer": fields}
    return {}


# --- validation -------------------------------------------------------------------------------


def parse_target_input(
    input: str | None,
    input_path: str | None,
    input_transformer: Mapping[str, Any] | None,
    *,
    target_id: str | None = None,
    target_index: int = 1,
) -> TargetInput:
    """Validate a target's input members as PutTargets does.

    ``target_id`` and ``target_index`` (1-based position in the request) only shape the
    error messages. Raises ``ValidationError``.
    """
    at = f"targets.{target_index}.member"
    given = sum(value is not None for value in (input, input_path, input_transformer))
    if given > 1:
        raise ValidationError(
            f"Only one of Input, InputPath, or InputTransformer must be provided{_for(target_id)}."
        )
    if input is not None:
        return _parse_constant(input, target_id, at)
    if input_path is not None:
        return _parse_input_path(input_path, target_id, at)
    if input_transformer is not None:
        return _parse_transformer(input_transformer, target_id, at)
    return MatchedEvent()


def _parse_constant(text: str, target_id: str | None, at: str) -> ConstantInput:
    _check_length(text, MAX_INPUT_LENGTH, f"{at}.input")
    try:
        orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise ValidationError(
            f"JSON syntax error in input{_for(target_id)}: {error.msg} "
            f"(line {error.lineno}, column {error.colno})"
        ) from None
    return ConstantInput(input=text)


def _parse_input_path(input_path: str, target_id: str | None, at: str) -> PathInput:
    _check_length(input_path, MAX_INPUT_PATH_LENGTH, f"{at}.inputPath")
    path = parse_json_path(input_path, bracket_names=True)
    if path is None:
        raise ValidationError(
            f"InputPath{_for(target_id)} is not a supported JSON path: {input_path}"
        )
    return PathInput(path=path)


def _parse_transformer(
    transformer: Mapping[str, Any], target_id: str | None, at: str
) -> TransformerInput:
    at = f"{at}.inputTransformer"
    paths_map = transformer.get("InputPathsMap")
    if paths_map is None:
        paths_map = {}
    if not isinstance(paths_map, Mapping) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in paths_map.items()
    ):
        raise ValidationError(
            f"InputPathsMap{_for(target_id)} must map variable names to JSON paths."
        )
    paths = _parse_paths_map(paths_map, target_id, f"{at}.inputPathsMap")

    text = transformer.get("InputTemplate")
    if text is None:
        raise ValidationError(
            f"1 validation error detected: Value null at '{at}.inputTemplate' "
            "failed to satisfy constraint: Member must not be null"
        )
    if not isinstance(text, str):
        raise ValidationError(f"InputTemplate{_for(target_id)} must be a string.")
    if not text:
        raise _constraint(
            _show(text), f"{at}.inputTemplate", "Member must have length greater than or equal to 1"
        )
    _check_length(text, MAX_TEMPLATE_LENGTH, f"{at}.inputTemplate")
    template = _parse_template(text, {name for name, _ in paths}, target_id)
    return TransformerInput(paths=paths, template=template)


def _parse_paths_map(
    paths_map: Mapping[str, str], target_id: str | None, at: str
) -> tuple[tuple[str, JsonPath], ...]:
    if len(paths_map) > MAX_INPUT_PATHS:
        raise _constraint(
            _show_map(paths_map),
            at,
            f"Member must have length less than or equal to {MAX_INPUT_PATHS}",
        )
    for key, value in paths_map.items():
        # The key pattern also keeps out the reserved aws.events.* names (they hold dots).
        if not 1 <= _java_length(key) <= MAX_PATH_KEY_LENGTH or _PATH_KEY.fullmatch(key) is None:
            raise _constraint(
                _show_map(paths_map),
                at,
                "Map keys must satisfy constraint: [Member must have length less than or "
                f"equal to {MAX_PATH_KEY_LENGTH}, Member must have length greater than or "
                f"equal to 1, Member must satisfy regular expression pattern: "
                f"{PATH_KEY_PATTERN}]",
            )
        if _java_length(value) > MAX_INPUT_PATH_LENGTH:
            raise _constraint(
                _show_map(paths_map),
                at,
                "Map values must satisfy constraint: [Member must have length less than or "
                f"equal to {MAX_INPUT_PATH_LENGTH}]",
            )
    paths: list[tuple[str, JsonPath]] = []
    for key, value in paths_map.items():
        # AWS asks for dot notation here; array indexes and wildcards are still allowed.
        path = parse_json_path(value, bracket_names=False)
        if path is None:
            raise ValidationError(
                f"InputPathsMap{_for(target_id)} has an unsupported JSON path for {key}: {value}"
            )
        paths.append((key, path))
    return tuple(paths)


def _parse_template(text: str, defined: set[str], target_id: str | None) -> Template:
    pieces = _split_template(text)
    slots = [piece for piece in pieces if isinstance(piece, tuple)]
    for name, _ in slots:
        if name not in defined and name not in PREDEFINED:
            raise ValidationError(
                f"InputTemplate{_for(target_id)} contains invalid placeholder {name}."
            )
    is_json = _is_json(pieces, "null")
    if not is_json and _is_json(pieces, '"key"'):
        # Only a string fits where null does not: some placeholder stands as a key.
        key = _key_placeholder(pieces)
        raise ValidationError(
            f"InputTemplate{_for(target_id)} uses placeholder {key} as an object key, "
            "which a JSON template cannot do."
        )
    parts: list[bytes | Placeholder] = []
    for piece in pieces:
        if isinstance(piece, str):
            parts.append(piece.encode())
            continue
        name, in_string = piece
        if not is_json:
            parts.append(Placeholder(name=name, slot=Slot.TEXT))
        else:
            parts.append(Placeholder(name=name, slot=Slot.STRING if in_string else Slot.VALUE))
    names = tuple(dict.fromkeys(name for name, _ in slots))
    return Template(text=text, is_json=is_json, parts=tuple(parts), names=names)


def _key_placeholder(pieces: list[str | tuple[str, bool]]) -> str:
    """The first placeholder outside strings that a colon follows."""
    outside = [
        (index, piece[0])
        for index, piece in enumerate(pieces)
        if isinstance(piece, tuple) and not piece[1]
    ]
    for index, name in outside:
        after = pieces[index + 1] if index + 1 < len(pieces) else ""
        if isinstance(after, str) and after.lstrip().startswith(":"):
            return name
    return outside[0][1]


def _split_template(text: str) -> list[str | tuple[str, bool]]:
    """Literal text and ``(name, inside-a-JSON-string)`` placeholders, in order.

    Quotes are tracked as JSON would read them, whether or not the template turns out to
    be JSON; a text template simply ignores the flag.
    """
    pieces: list[str | tuple[str, bool]] = []
    in_string = False
    literal_start = 0
    position = 0
    while position < len(text):
        char = text[position]
        if char == "<":
            match = _PLACEHOLDER.match(text, position)
            if match is not None:
                if literal_start < position:
                    pieces.append(text[literal_start:position])
                pieces.append((match[1], in_string))
                position = literal_start = match.end()
                continue
        elif char == "\\" and in_string:
            position += 2
            continue
        elif char == '"':
            in_string = not in_string
        position += 1
    if literal_start < len(text):
        pieces.append(text[literal_start:])
    return pieces


def _is_json(pieces: list[str | tuple[str, bool]], value_probe: str) -> bool:
    probe = "".join(
        piece if isinstance(piece, str) else ("" if piece[1] else value_probe) for piece in pieces
    )
    try:
        orjson.loads(probe)
    except orjson.JSONDecodeError:
        return False
    return True


def _for(target_id: str | None) -> str:
    return f" for target {target_id}" if target_id is not None else ""


def _java_length(text: str) -> int:
    # AWS counts lengths in UTF-16 code units, as Java strings do.
    return len(text.encode("utf-16-le")) // 2


def _check_length(text: str, limit: int, path: str) -> None:
    if _java_length(text) > limit:
        raise _constraint(
            _show(text), path, f"Member must have length less than or equal to {limit}"
        )


def _constraint(shown: str, path: str, constraint: str) -> ValidationError:
    # AWS's wording for a value that breaks its service model.
    return ValidationError(
        f"1 validation error detected: Value {shown} at '{path}' "
        f"failed to satisfy constraint: {constraint}"
    )


def _show(text: str) -> str:
    return f"'{text[:80]}...'" if len(text) > 80 else f"'{text}'"


def _show_map(mapping: Mapping[str, str]) -> str:
    return _show("{" + ", ".join(f"{key}={value}" for key, value in mapping.items()) + "}")


# --- rendering --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _RawJson:
    """JSON text passed through untouched, such as the event exactly as it was stored."""

    data: bytes


def render(
    target_input: TargetInput,
    event: Mapping[str, Any],
    *,
    rule_arn: str,
    rule_name: str,
    ingestion_time: str,
    event_json: bytes | None = None,
) -> bytes:
    """The request body for a target: ``target_input`` applied to ``event``.

    ``event_json``, when given, is the event's own JSON text; it is sent wherever the
    whole event is, instead of serializing ``event`` again.
    """
    if isinstance(target_input, ConstantInput):
        return target_input.body
    if isinstance(target_input, PathInput):
        path = target_input.path
        if not path.steps:
            return event_json if event_json is not None else _dumps(event)
        value = path.find(event)
        return NOTHING_SELECTED if value is MISSING else _dumps(value)
    if isinstance(target_input, TransformerInput):
        return _render_template(
            target_input, event, rule_arn, rule_name, ingestion_time, event_json
        )
    return event_json if event_json is not None else _dumps(event)


def _render_template(
    target_input: TransformerInput,
    event: Mapping[str, Any],
    rule_arn: str,
    rule_name: str,
    ingestion_time: str,
    event_json: bytes | None,
) -> bytes:
    values: dict[str, Any] = {}
    for name, path in target_input.variables:
        if path is not None:
            values[name] = path.find(event)
        elif name == RULE_ARN:
            values[name] = rule_arn
        elif name == RULE_NAME:
            values[name] = rule_name
        elif name == INGESTION_TIME:
            values[name] = ingestion_time
        elif name == EVENT_JSON:
            values[name] = _RawJson(event_json) if event_json is not None else event
        else:  # EVENT
            values[name] = {out: event[key] for key, out in _EVENT_SUMMARY if key in event}
    out: list[bytes] = []
    for part in target_input.template.parts:
        if isinstance(part, bytes):
            out.append(part)
        elif part.slot is Slot.VALUE:
            out.append(_as_value(values[part.name]))
        elif part.slot is Slot.STRING:
            out.append(_in_string(values[part.name]))
        else:
            out.append(_as_text(values[part.name]))
    return b"".join(out)


def _as_value(value: Any) -> bytes:
    if value is MISSING:
        return b'""'
    if isinstance(value, _RawJson):
        return value.data
    return _dumps(value)


def _in_string(value: Any) -> bytes:
    if value is MISSING:
        return b""
    if isinstance(value, str):
        return _dumps(value)[1:-1]
    if isinstance(value, _RawJson):
        return _escape(value.data.replace(b'"', b""))
    if isinstance(value, Mapping | list | tuple):
        # EventBridge drops an object's own quotes so the string around it stays valid.
        return _escape(_dumps(value).replace(b'"', b""))
    return _dumps(value)


def _as_text(value: Any) -> bytes:
    if value is MISSING:
        return b""
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, _RawJson):
        return value.data
    return _dumps(value)


def _escape(text: bytes) -> bytes:
    return _dumps(text.decode())[1:-1]


def _dumps(value: Any) -> bytes:
    try:
        return orjson.dumps(value, default=_plain)
    except orjson.JSONEncodeError:
        # orjson stops at 64-bit integers; the standard library writes any size.
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_plain)
        return text.encode()


def _plain(value: Any) -> Any:
    # Events may arrive as any Mapping; JSON encoders only know dict.
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON")
