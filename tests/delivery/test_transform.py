"""Target input: validation at PutTargets and the body each target receives."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import orjson
import pytest

from eventbus.delivery.transform import (
    MISSING,
    ConstantInput,
    MatchedEvent,
    PathInput,
    TransformerInput,
    parse_json_path,
    parse_target_input,
    render,
    target_input_fields,
)
from eventbus.errors import ValidationError

RULE_ARN = "arn:aws:events:us-east-2:123456789012:rule/example"
RULE_NAME = "example"
INGESTION_TIME = "2015-11-11T21:29:55Z"

# The example Amazon EC2 event of AWS's input transformation page.
EC2_EVENT: dict[str, Any] = {
    "version": "0",
    "id": "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "123456789012",
    "time": "2015-11-11T21:29:54Z",
    "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
    "detail": {"instance-id": "i-0123456789", "state": "RUNNING"},
}
# The page's Input Path.
EC2_PATHS = {
    "timestamp": "$.time",
    "instance": "$.detail.instance-id",
    "state": "$.detail.state",
    "resource": "$.resources[0]",
}


def transform(
    template: str,
    paths: dict[str, str] | None = None,
    event: dict[str, Any] | None = None,
    *,
    event_json: bytes | None = None,
) -> bytes:
    transformer: dict[str, Any] = {"InputTemplate": template}
    if paths is not None:
        transformer["InputPathsMap"] = paths
    target_input = parse_target_input(None, None, transformer, target_id="t1")
    return render(
        target_input,
        EC2_EVENT if event is None else event,
        rule_arn=RULE_ARN,
        rule_name=RULE_NAME,
        ingestion_time=INGESTION_TIME,
        event_json=event_json,
    )


def render_simple(target_input: Any, event: dict[str, Any], **kwargs: Any) -> bytes:
    return render(
        target_input,
        event,
        rule_arn=RULE_ARN,
        rule_name=RULE_NAME,
        ingestion_time=INGESTION_TIME,
        **kwargs,
    )


def rejected(
    input: str | None = None,
    input_path: str | None = None,
    input_transformer: dict[str, Any] | None = None,
) -> str:
    with pytest.raises(ValidationError) as caught:
        parse_target_input(input, input_path, input_transformer, target_id="t1", target_index=2)
    assert caught.value.code == "ValidationException"
    return caught.value.message


# --- the examples of AWS's input transformation page ------------------------------------------


@pytest.mark.parametrize(
    ("template", "output"),
    [
        pytest.param(
            '"instance <instance> is in <state>"',
            b'"instance i-0123456789 is in RUNNING"',
            id="simple string",
        ),
        pytest.param(
            '"instance \\"<instance>\\" is in <state>"',
            b'"instance \\"i-0123456789\\" is in RUNNING"',
            id="string with escaped quotes",
        ),
        pytest.param(
            '"<aws.events.rule-name> triggered"',
            b'"example triggered"',
            id="reserved variables in a string",
        ),
    ],
)
def test_documented_string_templates(template: str, output: bytes) -> None:
    assert transform(template, EC2_PATHS) == output


@pytest.mark.parametrize(
    ("template", "output"),
    [
        pytest.param(
            '{\n  "instance" : <instance>,\n  "state": <state>\n}',
            {"instance": "i-0123456789", "state": "RUNNING"},
            id="simple JSON",
        ),
        pytest.param(
            '{\n "instance" : <instance>,\n "state": "<state>",\n'
            ' "instanceStatus": "instance \\"<instance>\\" is in <state>"\n}',
            {
                "instance": "i-0123456789",
                "state": "RUNNING",
                "instanceStatus": 'instance "i-0123456789" is in RUNNING',
            },
            id="JSON with strings and variables",
        ),
        pytest.param(
            '{\n  "instance" : <instance>,\n  "state": [ 9, <state>, true ],\n'
            '  "Transformed" : "Yes"\n}\n',
            {"instance": "i-0123456789", "state": [9, "RUNNING", True], "Transformed": "Yes"},
            id="JSON with a mix of variables and static information",
        ),
        pytest.param(
            # The CloudWatch Logs target files this body as a log event; the page shows
            # the entry as the log group records it, the body itself is this JSON.
            '{\n  "timestamp" : <timestamp>,\n'
            '  "message": "instance \\"<instance>\\" is in <state>"\n}',
            {
                "timestamp": "2015-11-11T21:29:54Z",
                "message": 'instance "i-0123456789" is in RUNNING',
            },
            id="Amazon CloudWatch log group",
        ),
    ],
)
def test_documented_json_templates(template: str, output: dict[str, Any]) -> None:
    assert orjson.loads(transform(template, EC2_PATHS)) == output


def test_documented_json_template_keeps_the_template_text_around_values() -> None:
    body = transform('{\n  "instance" : <instance>,\n  "state": <state>\n}', EC2_PATHS)
    assert body == b'{\n  "instance" : "i-0123456789",\n  "state": "RUNNING"\n}'


@pytest.mark.parametrize("event_variable", ["aws.events.event.json", "aws.events.event"])
def test_documented_reserved_variables_in_json(event_variable: str) -> None:
    # The page's example once used <aws.events.event>, now <aws.events.event.json>.
    template = (
        '{\n  "instance" : <instance>,\n  "state": <state>,\n'
        '  "ruleArn" : <aws.events.rule-arn>,\n  "ruleName" : <aws.events.rule-name>,\n'
        f'  "originalEvent" : <{event_variable}>\n}}'
    )
    body = orjson.loads(transform(template, EC2_PATHS))
    assert body["instance"] == "i-0123456789"
    assert body["state"] == "RUNNING"
    assert body["ruleArn"] == "arn:aws:events:us-east-2:123456789012:rule/example"
    assert body["ruleName"] == "example"
    assert isinstance(body["originalEvent"], dict)
    assert body["originalEvent"]["id"] == EC2_EVENT["id"]


def test_documented_array_index_in_input_paths() -> None:
    assert transform("<resource>", EC2_PATHS) == (
        b'"arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"'
    )


# The examples of the InputTransformer API reference.
API_EVENT: dict[str, Any] = {**EC2_EVENT, "detail": {"instance": "i-1234", "status": "stopped"}}
API_PATHS = {"instance": "$.detail.instance", "status": "$.detail.status"}


@pytest.mark.parametrize(
    ("template", "output"),
    [
        ("<instance> is in state <status>", b"i-1234 is in state stopped"),
        ('<instance> is in state "<status>"', b'i-1234 is in state "stopped"'),
        (
            '{"myInstance": <instance>,"myStatus": "<instance> is in state \\"<status>\\""}',
            b'{"myInstance": "i-1234","myStatus": "i-1234 is in state \\"stopped\\""}',
        ),
    ],
)
def test_api_reference_examples(template: str, output: bytes) -> None:
    assert transform(template, API_PATHS, API_EVENT) == output


# --- behaviour recorded against AWS -------------------------------------------------------------

RECORDED_EVENT: dict[str, Any] = {
    "version": "0",
    "id": "1b4ccf1e-0e0e-4e6f-a2a5-1c0a45b8f1c9",
    "detail-type": "core.update-account-command",
    "source": "core.update-account-command",
    "account": "111111111111",
    "time": "2024-06-11T08:33:10Z",
    "region": "us-east-1",
    "resources": [],
    "detail": {"command": "update-account", "payload": {"acc_id": "0a787ecb-4015", "sf_id": "baz"}},
}
RECORDED_PATHS = {
    "detail-type": "$.detail-type",
    "timestamp": "$.time",
    "command": "$.detail.command",
}
MISSING_PATHS = {**RECORDED_PATHS, "command": "$.detail.notinmessage"}


def test_string_template_with_a_missing_variable_leaves_it_empty() -> None:
    template = (
        '"Event of <detail-type> type, at time <timestamp>, info extracted from detail <command>"'
    )
    assert transform(template, RECORDED_PATHS, RECORDED_EVENT) == (
        b'"Event of core.update-account-command type, at time 2024-06-11T08:33:10Z, '
        b'info extracted from detail update-account"'
    )
    assert transform(template, MISSING_PATHS, RECORDED_EVENT) == (
        b'"Event of core.update-account-command type, at time 2024-06-11T08:33:10Z, '
        b'info extracted from detail "'
    )


def test_json_template_with_a_missing_variable_gives_an_empty_string() -> None:
    template = '{"detailType": <detail-type>,  "time": <timestamp>, "command": <command>}'
    assert orjson.loads(transform(template, RECORDED_PATHS, RECORDED_EVENT)) == {
        "detailType": "core.update-account-command",
        "time": "2024-06-11T08:33:10Z",
        "command": "update-account",
    }
    assert orjson.loads(transform(template, MISSING_PATHS, RECORDED_EVENT)) == {
        "detailType": "core.update-account-command",
        "time": "2024-06-11T08:33:10Z",
        "command": "",
    }


def test_string_starting_with_json_punctuation_stays_a_string() -> None:
    template = '"{[/Check with special starting characters for event of <detail-type> type"'
    assert transform(template, RECORDED_PATHS, RECORDED_EVENT) == (
        b'"{[/Check with special starting characters for event of core.update-account-command type"'
    )


def test_predefined_variables_in_a_string_need_no_paths_map() -> None:
    template = (
        '"Message containing all pre defined variables <aws.events.rule-arn> '
        '<aws.events.rule-name> <aws.events.event.ingestion-time>"'
    )
    assert transform(template, None, RECORDED_EVENT) == (
        b'"Message containing all pre defined variables '
        b'arn:aws:events:us-east-2:123456789012:rule/example example 2015-11-11T21:29:55Z"'
    )


def test_event_variables_are_the_event_with_and_without_detail() -> None:
    template = '{"originalEvent": <aws.events.event>, "originalEventJson": <aws.events.event.json>}'
    body = orjson.loads(transform(template, None, RECORDED_EVENT))
    assert body["originalEventJson"] == RECORDED_EVENT
    assert body["originalEvent"] == {
        "id": RECORDED_EVENT["id"],
        "account": "111111111111",
        "detailType": "core.update-account-command",
        "time": "2024-06-11T08:33:10Z",
        "source": "core.update-account-command",
        "region": "us-east-1",
        "resources": [],
        "version": "0",
    }


def test_event_json_is_sent_exactly_as_stored() -> None:
    stored = orjson.dumps(RECORDED_EVENT, option=orjson.OPT_INDENT_2)
    body = transform('{"e": <aws.events.event.json>}', None, RECORDED_EVENT, event_json=stored)
    assert body == b'{"e": ' + stored + b"}"


# --- quoting --------------------------------------------------------------------------------

QUOTING_EVENT: dict[str, Any] = {
    "detail": {
        "tricky": 'say "hi"\\ \n\tthere \u00e9\u2603',
        "count": 5,
        "ratio": 0.5,
        "flag": True,
        "nothing": None,
        "obj": {"foo": "bar", "n": 1},
        "list": ["a", 1],
        "html": "<b>",
    }
}
QUOTING_PATHS = {
    "tricky": "$.detail.tricky",
    "count": "$.detail.count",
    "ratio": "$.detail.ratio",
    "flag": "$.detail.flag",
    "nothing": "$.detail.nothing",
    "obj": "$.detail.obj",
    "list": "$.detail.list",
    "html": "$.detail.html",
    "missing": "$.detail.absent",
}


def quoted(template: str) -> bytes:
    return transform(template, QUOTING_PATHS, QUOTING_EVENT)


def test_string_value_is_inserted_as_a_json_string() -> None:
    body = quoted('{"v": <tricky>}')
    assert orjson.loads(body) == {"v": QUOTING_EVENT["detail"]["tricky"]}


def test_string_inside_quotes_is_escaped_and_round_trips() -> None:
    body = quoted('{"v": "before <tricky> after"}')
    assert orjson.loads(body) == {"v": f"before {QUOTING_EVENT['detail']['tricky']} after"}


def test_text_template_gets_raw_values() -> None:
    assert quoted("raw: <tricky>!") == ("raw: " + QUOTING_EVENT["detail"]["tricky"] + "!").encode()


@pytest.mark.parametrize(
    ("template", "output"),
    [
        ('{"v": <count>}', {"v": 5}),
        ('{"v": <ratio>}', {"v": 0.5}),
        ('{"v": <flag>}', {"v": True}),
        ('{"v": <nothing>}', {"v": None}),
        ('{"v": <obj>}', {"v": {"foo": "bar", "n": 1}}),
        ('{"v": <list>}', {"v": ["a", 1]}),
        ('{"v": <missing>}', {"v": ""}),
        ("[<count>, <flag>, <list>]", [5, True, ["a", 1]]),
        ('{"v": "n=<count> f=<flag> x=<nothing>"}', {"v": "n=5 f=true x=null"}),
        ('{"v": "[<missing>]"}', {"v": "[]"}),
    ],
)
def test_values_by_type_in_json_templates(template: str, output: Any) -> None:
    assert orjson.loads(quoted(template)) == output


def test_object_inside_a_string_loses_its_quotes() -> None:
    assert orjson.loads(quoted('{"v": "Detail is <obj>"}')) == {"v": "Detail is {foo:bar,n:1}"}
    assert orjson.loads(quoted('{"v": "<list>"}')) == {"v": "[a,1]"}


def test_objects_in_text_templates_are_compact_json() -> None:
    assert quoted("obj=<obj> list=<list> n=<count> gone=<missing>.") == (
        b'obj={"foo":"bar","n":1} list=["a",1] n=5 gone=.'
    )


def test_a_bare_placeholder_is_a_json_value() -> None:
    assert quoted("<obj>") == b'{"foo":"bar","n":1}'
    assert quoted("<html>") == b'"<b>"'


def test_angle_brackets_that_are_not_placeholders_stay() -> None:
    assert orjson.loads(quoted('{"a": "x < y > z", "b": "</b>", "c": <count>}')) == {
        "a": "x < y > z",
        "b": "</b>",
        "c": 5,
    }


def test_substituted_text_is_not_scanned_again() -> None:
    assert quoted('"<html><count>"') == b'"<b>5"'


def test_escaped_backslash_before_a_closing_quote_ends_the_string() -> None:
    # "a\\" is a complete string, so <count> after it stands as a value.
    assert orjson.loads(quoted('["a\\\\", <count>, "\\"<count>\\""]')) == ["a\\", 5, '"5"']


def test_quoted_lines_of_a_text_template_keep_their_quotes() -> None:
    # Several quoted strings are not one JSON value, so the template is text.
    assert quoted('"<count> found"\n"flag: <flag>"') == b'"5 found"\n"flag: true"'


def test_events_may_be_any_mapping() -> None:
    event = MappingProxyType({"detail": MappingProxyType({"a": "b"})})
    assert transform('{"d": <d>}', {"d": "$.detail"}, event) == b'{"d": {"a":"b"}}'  # type: ignore[arg-type]
    assert render_simple(MatchedEvent(), event) == b'{"detail":{"a":"b"}}'  # type: ignore[arg-type]


def test_a_repeated_placeholder_is_filled_everywhere() -> None:
    assert quoted('"<count>-<count>"') == b'"5-5"'


def test_predefined_strings_in_value_position_are_quoted() -> None:
    body = transform(
        '{"at": <aws.events.event.ingestion-time>, "rule": <aws.events.rule-arn>}', None
    )
    assert orjson.loads(body) == {"at": INGESTION_TIME, "rule": RULE_ARN}


def test_event_json_inside_a_string_loses_its_quotes() -> None:
    event = {"id": "1", "detail": {"a": "b"}}
    expected = {"v": "was {id:1,detail:{a:b}}"}
    assert orjson.loads(transform('{"v": "was <aws.events.event.json>"}', None, event)) == expected
    body = transform(
        '{"v": "was <aws.events.event.json>"}',
        None,
        event,
        event_json=b'{"id":"1","detail":{"a":"b"}}',
    )
    assert orjson.loads(body) == expected


def test_integers_beyond_64_bits_are_written() -> None:
    event = {"detail": {"big": 2**70}}
    assert transform('{"v": <big>}', {"big": "$.detail.big"}, event) == (
        b'{"v": ' + str(2**70).encode() + b"}"
    )


# --- whole event, Input and InputPath -----------------------------------------------------------


def test_no_input_sends_the_whole_event() -> None:
    target_input = parse_target_input(None, None, None)
    assert target_input == MatchedEvent()
    assert orjson.loads(render_simple(target_input, EC2_EVENT)) == EC2_EVENT
    assert render_simple(target_input, EC2_EVENT, event_json=b'{"as":"stored"}') == (
        b'{"as":"stored"}'
    )


def test_constant_input_is_sent_as_given() -> None:
    text = '{ "key": "value",  "list": [1, true, "x"] }'
    target_input = parse_target_input(text, None, None)
    assert target_input == ConstantInput(input=text)
    assert render_simple(target_input, EC2_EVENT) == text.encode()


@pytest.mark.parametrize(
    ("path", "output"),
    [
        (
            "$.detail",
            b'{"command":"update-account","payload":{"acc_id":"0a787ecb-4015","sf_id":"baz"}}',
        ),
        ("$.detail.payload", b'{"acc_id":"0a787ecb-4015","sf_id":"baz"}'),
        ("$.detail.payload.sf_id", b'"baz"'),  # a string arrives as a JSON string
        ("$.resources", b"[]"),
        ("$['detail']['payload']['sf_id']", b'"baz"'),
        ('$["detail-type"]', b'"core.update-account-command"'),
        ("$.detail.*", b'["update-account",{"acc_id":"0a787ecb-4015","sf_id":"baz"}]'),
        ("$.detail.absent", b"null"),  # selects nothing
        ("$.detail.payload.sf_id.deeper", b"null"),
        ("$.nothing[*]", b"[]"),
    ],
)
def test_input_path_sends_the_selected_value(path: str, output: bytes) -> None:
    target_input = parse_target_input(None, path, None)
    assert isinstance(target_input, PathInput)
    assert render_simple(target_input, RECORDED_EVENT) == output


def test_input_path_of_the_root_sends_the_event_as_stored() -> None:
    target_input = parse_target_input(None, "$", None)
    assert orjson.loads(render_simple(target_input, EC2_EVENT)) == EC2_EVENT
    assert render_simple(target_input, EC2_EVENT, event_json=b"{ }") == b"{ }"


def test_input_path_through_array_indexes() -> None:
    event = {"detail": {"items": [{"id": "a"}, {"id": "b", "tags": ["x", "y"]}]}}
    for path, output in [
        ("$.detail.items[1].id", b'"b"'),
        ("$.detail.items[1].tags[0]", b'"x"'),
        ("$.detail.items[2]", b"null"),
        ("$.detail.items[*].id", b'["a","b"]'),
        ("$.detail.items[*].tags[*]", b'["x","y"]'),
        ("$.detail.items.id", b"null"),
    ]:
        assert render_simple(parse_target_input(None, path, None), event) == output, path


# --- JSONPath -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        ("$", ()),
        ("$.detail", ("detail",)),
        ("$.detail.instance-id", ("detail", "instance-id")),
        ("$.detail.a_b.C9", ("detail", "a_b", "C9")),
        ("$.detail.path/to", ("detail", "path/to")),
        ("$.resources[0]", ("resources", 0)),
        ("$.a[10][2].b", ("a", 10, 2, "b")),
    ],
)
def test_supported_json_paths(text: str, steps: tuple[Any, ...]) -> None:
    path = parse_json_path(text)
    assert path is not None
    assert path.steps == steps
    assert path.definite


@pytest.mark.parametrize(
    "text",
    [
        "",
        "detail",
        "$.",
        "$..detail",
        "$.detail.",
        "$ .detail",
        "$.detail name",
        "$.detail[-1]",
        "$.detail[0:2]",
        "$.detail[?(@.x)]",
        "$.detail[0",
        "$.detail['x",
        "$.detail.a:b",
        "$detail",
        "@.detail",
    ],
)
def test_unsupported_json_paths(text: str) -> None:
    assert parse_json_path(text, bracket_names=True) is None


def test_bracket_names_only_where_allowed() -> None:
    assert parse_json_path("$['detail']") is None
    path = parse_json_path("$['detail'].x[\"a.b c\"]", bracket_names=True)
    assert path is not None
    assert path.steps == ("detail", "x", "a.b c")


def test_json_path_find() -> None:
    document = {"a": {"b": [10, {"c": None}]}, "l": [1, 2]}

    def find(text: str) -> Any:
        path = parse_json_path(text)
        assert path is not None
        return path.find(document)

    assert find("$.a.b[0]") == 10
    assert find("$.a.b[1].c") is None
    assert find("$.a.b[2]") is MISSING
    assert find("$.a.x") is MISSING
    assert find("$.l.x") is MISSING
    assert find("$.a.b.0") is MISSING  # a key, not an index
    assert find("$.*") == [{"b": [10, {"c": None}]}, [1, 2]]
    assert find("$.l[*]") == [1, 2]
    assert find("$.a.b[*].c") == [None]
    assert find("$.x[*]") == []


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given"),
    [
        {"input": "{}", "input_path": "$.detail"},
        {"input": "{}", "input_transformer": {"InputTemplate": "x"}},
        {"input_path": "$.detail", "input_transformer": {"InputTemplate": "x"}},
        {"input": "{}", "input_path": "$", "input_transformer": {"InputTemplate": "x"}},
    ],
)
def test_only_one_kind_of_input(given: dict[str, Any]) -> None:
    # AWS's message, as recorded against the real service.
    assert rejected(**given) == (
        "Only one of Input, InputPath, or InputTransformer must be provided for target t1."
    )


def test_messages_without_a_target_id() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_target_input("{}", "$", None)
    assert caught.value.message == (
        "Only one of Input, InputPath, or InputTransformer must be provided."
    )


@pytest.mark.parametrize("text", ["", "env:dev", "{'env': 'dev'}", '{"a": 1', "[1,]", "{} {}"])
def test_input_must_be_json(text: str) -> None:
    assert rejected(input=text).startswith("JSON syntax error in input for target t1: ")


@pytest.mark.parametrize("text", ['"just a string"', "42", "null", "[]", '{"a": {"b": [1]}}'])
def test_input_may_be_any_json_text(text: str) -> None:
    assert parse_target_input(text, None, None) == ConstantInput(input=text)


def test_input_length_limit() -> None:
    at_limit = '"' + "x" * 8190 + '"'
    assert parse_target_input(at_limit, None, None) == ConstantInput(input=at_limit)
    message = rejected(input='"' + "x" * 8191 + '"')
    assert message.startswith("1 validation error detected: Value '\"xxx")
    assert message.endswith(
        "' at 'targets.2.member.input' failed to satisfy constraint: "
        "Member must have length less than or equal to 8192"
    )


def test_input_length_counts_utf16_units_as_aws_does() -> None:
    # One emoji is two UTF-16 code units: 2 quotes + 4095 emojis make exactly 8192.
    at_limit = '"' + "\U0001f600" * 4095 + '"'
    assert parse_target_input(at_limit, None, None) == ConstantInput(input=at_limit)
    assert "8192" in rejected(input='"' + "\U0001f600" * 4096 + '"')


def test_input_path_length_limit() -> None:
    path = "$." + "a" * 254
    assert parse_target_input(None, path, None) == parse_target_input(None, path, None)
    assert rejected(input_path=path + "a").endswith(
        "at 'targets.2.member.inputPath' failed to satisfy constraint: "
        "Member must have length less than or equal to 256"
    )


@pytest.mark.parametrize("path", ["", "detail", "$..detail", "$.detail[-1]", "$.a b"])
def test_input_path_must_be_supported_json_path(path: str) -> None:
    assert rejected(input_path=path) == (
        f"InputPath for target t1 is not a supported JSON path: {path}"
    )


def test_input_template_is_required() -> None:
    assert rejected(input_transformer={"InputPathsMap": {"a": "$.a"}}) == (
        "1 validation error detected: Value null at "
        "'targets.2.member.inputTransformer.inputTemplate' "
        "failed to satisfy constraint: Member must not be null"
    )
    assert rejected(input_transformer={"InputTemplate": ""}) == (
        "1 validation error detected: Value '' at "
        "'targets.2.member.inputTransformer.inputTemplate' "
        "failed to satisfy constraint: Member must have length greater than or equal to 1"
    )


def test_input_template_length_limit() -> None:
    assert parse_target_input(None, None, {"InputTemplate": "x" * 8192}) is not None
    assert rejected(input_transformer={"InputTemplate": "x" * 8193}).endswith(
        "at 'targets.2.member.inputTransformer.inputTemplate' failed to satisfy constraint: "
        "Member must have length less than or equal to 8192"
    )


def test_input_paths_map_holds_at_most_100_variables() -> None:
    paths = {f"v{n}": "$.detail" for n in range(100)}
    assert parse_target_input(None, None, {"InputPathsMap": paths, "InputTemplate": "x"})
    paths["v100"] = "$.detail"
    assert rejected(input_transformer={"InputPathsMap": paths, "InputTemplate": "x"}).endswith(
        "at 'targets.2.member.inputTransformer.inputPathsMap' failed to satisfy constraint: "
        "Member must have length less than or equal to 100"
    )


@pytest.mark.parametrize(
    "key",
    [
        "has space",
        "dotted.name",
        "",
        "x" * 257,
        "aws.events.rule-arn",  # the predefined names are reserved
        "aws.events.event",
        "ünïcode",
    ],
)
def test_input_paths_map_keys(key: str) -> None:
    message = rejected(input_transformer={"InputPathsMap": {key: "$.a"}, "InputTemplate": "x"})
    assert "at 'targets.2.member.inputTransformer.inputPathsMap'" in message
    assert "Map keys must satisfy constraint: " in message
    assert "Member must satisfy regular expression pattern: [A-Za-z0-9\\_\\-]+" in message


def test_input_paths_map_key_characters() -> None:
    paths = {"A-z_0-9": "$.a", "x" * 256: "$.b"}
    target_input = parse_target_input(None, None, {"InputPathsMap": paths, "InputTemplate": "x"})
    assert isinstance(target_input, TransformerInput)
    assert target_input.input_paths_map == paths


@pytest.mark.parametrize(
    "path",
    ["detail", "$..a", "$['detail']", "$.a b", "$.detail[-1]", ""],
)
def test_input_paths_map_values_must_be_dot_notation_json_paths(path: str) -> None:
    assert rejected(input_transformer={"InputPathsMap": {"v": path}, "InputTemplate": "<v>"}) == (
        f"InputPathsMap for target t1 has an unsupported JSON path for v: {path}"
    )


def test_input_paths_map_value_length_limit() -> None:
    message = rejected(
        input_transformer={"InputPathsMap": {"v": "$." + "a" * 255}, "InputTemplate": "<v>"}
    )
    assert "Map values must satisfy constraint: " in message
    assert "Member must have length less than or equal to 256" in message


@pytest.mark.parametrize(
    ("template", "name"),
    [
        ('"Event of <detail-type> type, with not defined key <notdefinedkey>"', "notdefinedkey"),
        ("<aws.events.unknown>", "aws.events.unknown"),
        ("<b>bold</b>", "b"),
        ("<Detail-Type>", "Detail-Type"),  # names are case-sensitive
    ],
)
def test_template_placeholders_must_be_defined(template: str, name: str) -> None:
    # AWS's message, as recorded against the real service.
    assert (
        rejected(
            input_transformer={"InputPathsMap": {"detail-type": "$.x"}, "InputTemplate": template}
        )
        == f"InputTemplate for target t1 contains invalid placeholder {name}."
    )


def test_template_placeholder_cannot_be_an_object_key() -> None:
    assert rejected(
        input_transformer={"InputPathsMap": {"k": "$.k"}, "InputTemplate": '{"a": 1, <k>: 2}'}
    ) == (
        "InputTemplate for target t1 uses placeholder k as an object key, "
        "which a JSON template cannot do."
    )


@pytest.mark.parametrize(
    "transformer",
    [
        {"InputPathsMap": ["a"], "InputTemplate": "x"},
        {"InputPathsMap": {"a": 1}, "InputTemplate": "x"},
        {"InputTemplate": 5},
    ],
)
def test_transformer_members_must_have_their_types(transformer: dict[str, Any]) -> None:
    assert "for target t1 must" in rejected(input_transformer=transformer)


# --- the typed description -----------------------------------------------------------------


def test_parsed_inputs_are_frozen_values() -> None:
    transformer = {"InputPathsMap": {"s": "$.detail.state"}, "InputTemplate": '{"s": <s>}'}
    first = parse_target_input(None, None, transformer)
    assert first == parse_target_input(None, None, dict(transformer))
    assert isinstance(first, TransformerInput)
    assert first.template.is_json
    with pytest.raises(AttributeError):
        first.template = first.template  # type: ignore[misc]


def test_templates_are_split_once_into_literals_and_placeholders() -> None:
    target_input = parse_target_input(
        None, None, {"InputPathsMap": {"s": "$.s"}, "InputTemplate": '{"a": <s>, "b": "<s>!"}'}
    )
    assert isinstance(target_input, TransformerInput)
    parts = target_input.template.parts
    assert [part if isinstance(part, bytes) else part.slot.value for part in parts] == [
        b'{"a": ',
        "value",
        b', "b": "',
        "string",
        b'!"}',
    ]
    assert target_input.template.names == ("s",)


@pytest.mark.parametrize(
    "members",
    [
        {},
        {"Input": '{"a": 1}'},
        {"InputPath": "$.detail"},
        {"InputTransformer": {"InputPathsMap": {"a": "$.a"}, "InputTemplate": "<a>"}},
        {"InputTransformer": {"InputTemplate": '"<aws.events.rule-name>"'}},
    ],
)
def test_target_input_fields_round_trip(members: dict[str, Any]) -> None:
    target_input = parse_target_input(
        members.get("Input"), members.get("InputPath"), members.get("InputTransformer")
    )
    assert target_input_fields(target_input) == members
