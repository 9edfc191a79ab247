"""Rules and targets through boto3."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.api.test_buses import ACCOUNT, error_code

PATTERN = json.dumps({"source": ["shop"], "detail-type": ["Order Placed"]})
QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders"


def test_put_describe_rule_on_default_and_custom_bus(events: Any, name: str) -> None:
    arn = events.put_rule(Name=name, EventPattern=PATTERN, Description="d")["RuleArn"]
    assert arn == f"arn:aws:events:us-east-1:{ACCOUNT}:rule/{name}"
    rule = events.describe_rule(Name=name)
    assert rule["EventPattern"] == PATTERN
    assert rule["State"] == "ENABLED"
    assert rule["EventBusName"] == "default"
    assert rule["Description"] == "d"

    bus = f"{name}-bus"
    bus_arn = events.create_event_bus(Name=bus)["EventBusArn"]
    arn = events.put_rule(Name=name, EventBusName=bus_arn, EventPattern=PATTERN, State="DISABLED")[
        "RuleArn"
    ]
    assert arn == f"arn:aws:events:us-east-1:{ACCOUNT}:rule/{bus}/{name}"
    assert events.describe_rule(Name=name, EventBusName=bus)["State"] == "DISABLED"


def test_put_rule_updates_in_place_and_keeps_targets(events: Any, name: str) -> None:
    events.put_rule(Name=name, EventPattern=PATTERN)
    events.put_targets(Rule=name, Targets=[{"Id": "q", "Arn": QUEUE}])
    events.put_rule(Name=name, EventPattern='{"source": ["other"]}')
    assert events.describe_rule(Name=name)["EventPattern"] == '{"source": ["other"]}'
    assert [t["Id"] for t in events.list_targets_by_rule(Rule=name)["Targets"]] == ["q"]


def test_rule_needs_pattern_or_schedule_and_valid_json(events: Any, name: str) -> None:
    with pytest.raises(ClientError) as info:
        events.put_rule(Name=name)
    assert error_code(info) == "ValidationException"
    with pytest.raises(ClientError) as info:
        events.put_rule(Name=name, EventPattern="{not json")
    assert error_code(info) == "InvalidEventPatternException"
    with pytest.raises(ClientError) as info:
        events.put_rule(Name=name, EventPattern="[1, 2]")
    assert error_code(info) == "InvalidEventPatternException"


def test_schedule_only_on_default_bus(events: Any, name: str) -> None:
    events.create_event_bus(Name=name)
    with pytest.raises(ClientError) as info:
        events.put_rule(Name=name, EventBusName=name, ScheduleExpression="rate(5 minutes)")
    assert error_code(info) == "ValidationException"
    events.put_rule(Name=name, ScheduleExpression="rate(5 minutes)")
    assert events.describe_rule(Name=name)["ScheduleExpression"] == "rate(5 minutes)"


def test_rule_on_missing_bus(events: Any, name: str) -> None:
    with pytest.raises(ClientError) as info:
        events.put_rule(Name=name, EventBusName=f"{name}-nope", EventPattern=PATTERN)
    assert error_code(info) == "ResourceNotFoundException"


def test_enable_disable_and_missing_rule(events: Any, name: str) -> None:
    events.put_rule(Name=name, EventPattern=PATTERN)
    events.disable_rule(Name=name)
    assert events.describe_rule(Name=name)["State"] == "DISABLED"
    events.enable_rule(Name=name)
    assert events.describe_rule(Name=name)["State"] == "ENABLED"
    with pytest.raises(ClientError) as info:
        events.enable_rule(Name=f"{name}-missing")
    assert error_code(info) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as info:
        events.describe_rule(Name=f"{name}-missing")
    assert error_code(info) == "ResourceNotFoundException"


def test_list_rules_with_prefix_and_pagination(events: Any, name: str) -> None:
    events.create_event_bus(Name=name)
    names = [f"{name}-{i}" for i in range(7)]
    for rule in names:
        events.put_rule(Name=rule, EventBusName=name, EventPattern=PATTERN)
    events.put_rule(Name="other", EventBusName=name, EventPattern=PATTERN)
    paginator = events.get_paginator("list_rules")
    pages = list(
        paginator.paginate(EventBusName=name, NamePrefix=name, PaginationConfig={"PageSize": 3})
    )
    assert [len(page["Rules"]) for page in pages] == [3, 3, 1]
    assert [rule["Name"] for page in pages for rule in page["Rules"]] == names
    assert len(events.list_rules(EventBusName=name)["Rules"]) == 8


def test_delete_rule_refused_while_it_has_targets(events: Any, name: str) -> None:
    events.put_rule(Name=name, EventPattern=PATTERN)
    events.put_targets(Rule=name, Targets=[{"Id": "q", "Arn": QUEUE}])
    with pytest.raises(ClientError) as info:
        events.delete_rule(Name=name)
    assert error_code(info) == "ValidationException"
    assert "targets" in info.value.response["Error"]["Message"]
    events.remove_targets(Rule=name, Ids=["q"])
    events.delete_rule(Name=name)
    with pytest.raises(ClientError):
        events.describe_rule(Name=name)


def test_targets_store_every_member(events: Any, name: str) -> None:
    events.put_rule(Name=name, EventPattern=PATTERN)
    target = {
        "Id": "full",
        "Arn": f"arn:aws:events:us-east-1:{ACCOUNT}:api-destination/dest/abc",
        "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/invoke",
        "InputTransformer": {
            "InputPathsMap": {"id": "$.detail.id"},
            "InputTemplate": '{"order": <id>}',
        },
        "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 120},
        "DeadLetterConfig": {"Arn": QUEUE},
        "HttpParameters": {
            "PathParameterValues": ["v1"],
            "HeaderParameters": {"X-Key": "k"},
            "QueryStringParameters": {"q": "1"},
        },
    }
    other = {"Id": "const", "Arn": QUEUE, "Input": '{"a": 1}'}
    result = events.put_targets(Rule=name, Targets=[target, other])
    assert result["FailedEntryCount"] == 0
    listed = {t["Id"]: t for t in events.list_targets_by_rule(Rule=name)["Targets"]}
    assert listed == {"full": target, "const": other}


def test_at_most_five_targets(events: Any, name: str) -> None:
    events.put_rule(Name=name, EventPattern=PATTERN)
    events.put_targets(Rule=name, Targets=[{"Id": str(i), "Arn": QUEUE} for i in range(5)])
    # Replacing an existing id keeps the count at five.
    events.put_targets(Rule=name, Targets=[{"Id": "0", "Arn": QUEUE, "Input": "1"}])
    with pytest.raises(ClientError) as info:
        events.put_targets(Rule=name, Targets=[{"Id": "6", "Arn": QUEUE}])
    assert error_code(info) == "LimitExceededException"
    assert len(events.list_targets_by_rule(Rule=name)["Targets"]) == 5


def test_remove_targets_reports_unknown_ids(events: Any, name: str) -> None:
    events.put_rule(Name=name, EventPattern=PATTERN)
    events.put_targets(Rule=name, Targets=[{"Id": "a", "Arn": QUEUE}])
    result = events.remove_targets(Rule=name, Ids=["a", "zzz"])
    assert result["FailedEntryCount"] == 1
    assert result["FailedEntries"][0]["TargetId"] == "zzz"
    assert events.list_targets_by_rule(Rule=name)["Targets"] == []


def test_list_rule_names_by_target(events: Any, name: str) -> None:
    events.create_event_bus(Name=name)
    arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:{name}"
    for rule in ("a", "b", "c"):
        events.put_rule(Name=rule, EventBusName=name, EventPattern=PATTERN)
    for rule in ("a", "c"):
        events.put_targets(Rule=rule, EventBusName=name, Targets=[{"Id": "t", "Arn": arn}])
    first = events.list_rule_names_by_target(TargetArn=arn, EventBusName=name, Limit=1)
    assert first["RuleNames"] == ["a"]
    second = events.list_rule_names_by_target(
        TargetArn=arn, EventBusName=name, NextToken=first["NextToken"]
    )
    assert second["RuleNames"] == ["c"]
    assert "NextToken" not in second


def test_rules_per_bus_limit(events: Any, name: str, server: Any) -> None:
    # The servers run with a low quota (see conftest) so the limit is reachable quickly.
    events.create_event_bus(Name=name)
    for i in range(20):
        events.put_rule(Name=f"r{i}", EventBusName=name, EventPattern=PATTERN)
    with pytest.raises(ClientError) as info:
        events.put_rule(Name="r-over", EventBusName=name, EventPattern=PATTERN)
    assert error_code(info) == "LimitExceededException"
    # Updating an existing rule is still allowed at the limit.
    events.put_rule(Name="r0", EventBusName=name, EventPattern=PATTERN, Description="x")
