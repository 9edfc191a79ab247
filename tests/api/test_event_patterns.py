"""Event patterns through the API: PutRule validation and TestEventPattern."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.api.test_buses import ACCOUNT, error_code

EVENT = {
    "id": "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": ACCOUNT,
    "time": "2015-11-11T21:29:54Z",
    "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
    "detail": {"instance-id": "i-abcd1111", "state": "pending", "count": 3},
}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ({"source": ["aws.ec2"]}, True),
        ({"source": ["aws.s3"]}, False),
        ({"detail": {"state": [{"prefix": "pend"}]}}, True),
        ({"detail": {"count": [{"numeric": [">=", 3.0]}]}}, True),
        ({"detail": {"count": [{"numeric": [">", 3]}]}}, False),
        ({"detail": {"state": [{"anything-but": ["pending"]}]}}, False),
        ({"detail": {"missing": [{"exists": False}]}}, True),
        ({"$or": [{"source": ["x"]}, {"detail": {"state": ["pending"]}}]}, True),
    ],
)
def test_test_event_pattern(events: Any, pattern: dict[str, Any], expected: bool) -> None:
    result = events.test_event_pattern(EventPattern=json.dumps(pattern), Event=json.dumps(EVENT))
    assert result["Result"] is expected


def test_test_event_pattern_needs_a_full_envelope(events: Any) -> None:
    partial = {k: v for k, v in EVENT.items() if k != "account"}
    with pytest.raises(ClientError) as info:
        events.test_event_pattern(EventPattern='{"source": ["aws.ec2"]}', Event=json.dumps(partial))
    assert error_code(info) == "ValidationException"
    assert "account" in info.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as info:
        events.test_event_pattern(EventPattern='{"source": ["aws.ec2"]}', Event="not json")
    assert error_code(info) == "ValidationException"


@pytest.mark.parametrize(
    "pattern",
    [
        '{"source": "aws.ec2"}',
        '{"detail": {"n": [{"numeric": [">", "ten"]}]}}',
        '{"detail": {"n": [{"bogus-operator": 1}]}}',
        '{"detail": {"ip": [{"cidr": "10.0.0.0/99"}]}}',
        "{}",
    ],
)
def test_invalid_patterns_are_refused(events: Any, name: str, pattern: str) -> None:
    with pytest.raises(ClientError) as info:
        events.put_rule(Name=name, EventPattern=pattern)
    assert error_code(info) == "InvalidEventPatternException"
    with pytest.raises(ClientError) as info:
        events.test_event_pattern(EventPattern=pattern, Event=json.dumps(EVENT))
    assert error_code(info) == "InvalidEventPatternException"


def test_invalid_schedule_is_refused(events: Any, name: str) -> None:
    with pytest.raises(ClientError) as info:
        events.put_rule(Name=name, ScheduleExpression="rate(5 fortnights)")
    assert error_code(info) == "ValidationException"
    events.put_rule(Name=name, ScheduleExpression="cron(0 12 * * ? *)")


def test_invalid_target_input_fails_the_request(events: Any, name: str) -> None:
    events.put_rule(Name=name, EventPattern='{"source": ["x"]}')
    queue = f"arn:aws:sqs:us-east-1:{ACCOUNT}:q"
    bad_targets = [
        {"Id": "a", "Arn": queue, "Input": "{not json"},
        {"Id": "a", "Arn": queue, "Input": "{}", "InputPath": "$.detail"},
        {
            "Id": "a",
            "Arn": queue,
            "InputTransformer": {"InputPathsMap": {"x": "$.detail.x"}, "InputTemplate": "<y>"},
        },
    ]
    for target in bad_targets:
        with pytest.raises(ClientError) as info:
            events.put_targets(Rule=name, Targets=[target])
        assert error_code(info) == "ValidationException"
    assert events.list_targets_by_rule(Rule=name)["Targets"] == []


def test_bad_target_fails_alone(events: Any, name: str) -> None:
    events.put_rule(Name=name, EventPattern='{"source": ["x"]}')
    queue = f"arn:aws:sqs:us-east-1:{ACCOUNT}:q"
    result = events.put_targets(
        Rule=name,
        Targets=[
            {"Id": "good", "Arn": queue},
            {"Id": "bad", "Arn": queue, "DeadLetterConfig": {"Arn": "arn:aws:sns:us-east-1:1:t"}},
        ],
    )
    assert result["FailedEntryCount"] == 1
    assert result["FailedEntries"][0]["TargetId"] == "bad"
    assert [t["Id"] for t in events.list_targets_by_rule(Rule=name)["Targets"]] == ["good"]
