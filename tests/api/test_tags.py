"""Tags on buses and rules."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.api.test_buses import ACCOUNT, error_code


def test_tag_bus_at_creation_and_later(events: Any, name: str) -> None:
    arn = events.create_event_bus(Name=name, Tags=[{"Key": "team", "Value": "a"}])["EventBusArn"]
    events.tag_resource(ResourceARN=arn, Tags=[{"Key": "env", "Value": "dev"}])
    tags = events.list_tags_for_resource(ResourceARN=arn)["Tags"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("env", "dev"), ("team", "a")]
    events.untag_resource(ResourceARN=arn, TagKeys=["team"])
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == [
        {"Key": "env", "Value": "dev"}
    ]


def test_tag_rule(events: Any, name: str) -> None:
    arn = events.put_rule(
        Name=name, EventPattern='{"source": ["x"]}', Tags=[{"Key": "k", "Value": "v"}]
    )["RuleArn"]
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "k", "Value": "v"}]
    events.tag_resource(ResourceARN=arn, Tags=[{"Key": "k", "Value": "w"}])
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "k", "Value": "w"}]


def test_tags_of_missing_resource(events: Any, name: str) -> None:
    arn = f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/{name}"
    for call in (
        lambda: events.list_tags_for_resource(ResourceARN=arn),
        lambda: events.tag_resource(ResourceARN=arn, Tags=[{"Key": "a", "Value": "b"}]),
        lambda: events.untag_resource(ResourceARN=arn, TagKeys=["a"]),
    ):
        with pytest.raises(ClientError) as info:
            call()
        assert error_code(info) == "ResourceNotFoundException"


def test_tag_limit(events: Any, name: str) -> None:
    arn = events.create_event_bus(Name=name)["EventBusArn"]
    events.tag_resource(ResourceARN=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    with pytest.raises(ClientError) as info:
        events.tag_resource(ResourceARN=arn, Tags=[{"Key": "one-more", "Value": "v"}])
    assert error_code(info) == "ValidationException"
    assert len(events.list_tags_for_resource(ResourceARN=arn)["Tags"]) == 50


def test_tags_removed_with_bus(events: Any, name: str) -> None:
    arn = events.create_event_bus(Name=name, Tags=[{"Key": "a", "Value": "b"}])["EventBusArn"]
    events.delete_event_bus(Name=name)
    events.create_event_bus(Name=name)
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == []
