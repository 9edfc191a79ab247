"""Event buses through boto3: create, describe, list with pagination, update, delete."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, ParamValidationError

ACCOUNT = "000000000000"


def error_code(info: pytest.ExceptionInfo[ClientError]) -> str:
    code: str = info.value.response["Error"]["Code"]
    return code


def test_default_bus_exists(events: Any) -> None:
    bus = events.describe_event_bus()
    assert bus["Name"] == "default"
    assert bus["Arn"] == f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/default"


def test_create_describe_delete_custom_bus(events: Any, name: str) -> None:
    created = events.create_event_bus(Name=name, Description="orders")
    assert created["EventBusArn"] == f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/{name}"
    assert created["Description"] == "orders"

    by_name = events.describe_event_bus(Name=name)
    by_arn = events.describe_event_bus(Name=created["EventBusArn"])
    assert by_name["Name"] == by_arn["Name"] == name
    assert by_name["Description"] == "orders"
    assert by_name["CreationTime"] <= by_name["LastModifiedTime"]

    events.delete_event_bus(Name=name)
    with pytest.raises(ClientError) as info:
        events.describe_event_bus(Name=name)
    assert error_code(info) == "ResourceNotFoundException"
    # Deleting again is not an error, as on AWS.
    events.delete_event_bus(Name=name)


def test_duplicate_bus_is_refused(events: Any, name: str) -> None:
    events.create_event_bus(Name=name)
    with pytest.raises(ClientError) as info:
        events.create_event_bus(Name=name)
    assert error_code(info) == "ResourceAlreadyExistsException"


def test_default_bus_cannot_be_deleted_or_created(events: Any) -> None:
    with pytest.raises(ClientError) as info:
        events.delete_event_bus(Name="default")
    assert error_code(info) == "ValidationException"
    with pytest.raises(ClientError) as info:
        events.create_event_bus(Name="default")
    assert error_code(info) == "ResourceAlreadyExistsException"


def test_invalid_bus_names(events: Any) -> None:
    with pytest.raises(ClientError) as info:
        events.create_event_bus(Name="has space")
    assert error_code(info) == "ValidationException"
    assert "regular expression pattern" in info.value.response["Error"]["Message"]
    # '/' is reserved for partner buses.
    with pytest.raises(ClientError) as info:
        events.create_event_bus(Name="a/b")
    assert error_code(info) == "ValidationException"
    with pytest.raises(ParamValidationError):
        events.create_event_bus(Name="")


def test_list_buses_with_prefix_and_pagination(events: Any, name: str) -> None:
    names = [f"{name}-{i}" for i in range(5)]
    for bus in names:
        events.create_event_bus(Name=bus)
    seen: list[str] = []
    token: dict[str, str] = {}
    pages = 0
    while True:
        page = events.list_event_buses(NamePrefix=name, Limit=2, **token)
        assert len(page["EventBuses"]) <= 2
        seen += [bus["Name"] for bus in page["EventBuses"]]
        pages += 1
        if "NextToken" not in page:
            break
        token = {"NextToken": page["NextToken"]}
    assert seen == sorted(names)
    assert pages == 3
    everything = events.list_event_buses()["EventBuses"]
    assert "default" in [bus["Name"] for bus in everything]


def test_update_bus(events: Any, name: str) -> None:
    events.create_event_bus(Name=name)
    updated = events.update_event_bus(
        Name=name,
        Description="new",
        DeadLetterConfig={"Arn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:dlq"},
    )
    assert updated["Description"] == "new"
    described = events.describe_event_bus(Name=name)
    assert described["Description"] == "new"
    assert described["DeadLetterConfig"] == {"Arn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:dlq"}
    with pytest.raises(ClientError) as info:
        events.update_event_bus(Name=f"{name}-missing", Description="x")
    assert error_code(info) == "ResourceNotFoundException"


def test_deleting_a_bus_deletes_its_rules(events: Any, name: str) -> None:
    events.create_event_bus(Name=name)
    events.put_rule(Name="r1", EventBusName=name, EventPattern='{"source": ["a"]}')
    events.delete_event_bus(Name=name)
    events.create_event_bus(Name=name)
    assert events.list_rules(EventBusName=name)["Rules"] == []
