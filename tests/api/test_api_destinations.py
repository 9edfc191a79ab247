"""API destinations through boto3: every operation, state from the connection, pagination
and errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from eventbus.api_destinations import ApiDestinationService
from eventbus.connections import ConnectionService
from eventbus.context import Context
from eventbus.errors import LimitExceededError
from eventbus.settings import Settings
from eventbus.store import Store
from tests.api.test_buses import ACCOUNT, error_code
from tests.api.test_connections import api_key_auth, secret, unvalidated_events

__all__ = ["unvalidated_events"]  # a fixture, used by name

DESTINATION_ARN = re.compile(
    rf"arn:aws:events:us-east-1:{ACCOUNT}:api-destination/(?P<name>[\w.-]+)/[0-9a-f-]{{36}}"
)


def make_connection(events: Any, name: str) -> str:
    arn: str = events.create_connection(
        Name=name, AuthorizationType="API_KEY", AuthParameters=api_key_auth(secret())
    )["ConnectionArn"]
    return arn


def test_api_destination_lifecycle(events: Any, name: str) -> None:
    connection_arn = make_connection(events, name)
    created = events.create_api_destination(
        Name=name,
        Description="orders",
        ConnectionArn=connection_arn,
        InvocationEndpoint="https://example.com/orders/*",
        HttpMethod="POST",
    )
    match = DESTINATION_ARN.fullmatch(created["ApiDestinationArn"])
    assert match and match["name"] == name
    assert created["ApiDestinationState"] == "ACTIVE"
    assert created["CreationTime"] == created["LastModifiedTime"]

    described = events.describe_api_destination(Name=name)
    assert described["ApiDestinationArn"] == created["ApiDestinationArn"]
    assert described["Name"] == name
    assert described["Description"] == "orders"
    assert described["ApiDestinationState"] == "ACTIVE"
    assert described["ConnectionArn"] == connection_arn
    assert described["InvocationEndpoint"] == "https://example.com/orders/*"
    assert described["HttpMethod"] == "POST"
    # EventBridge shows its default rate when none was set.
    assert described["InvocationRateLimitPerSecond"] == 300

    listed = events.list_api_destinations(NamePrefix=name)["ApiDestinations"]
    assert len(listed) == 1
    assert {k: v for k, v in described.items() if k not in ("ResponseMetadata", "Description")} == (
        listed[0]
    )

    updated = events.update_api_destination(
        Name=name,
        Description="orders v2",
        InvocationEndpoint="http://127.0.0.1:8080/v2/orders",
        HttpMethod="PUT",
        InvocationRateLimitPerSecond=10,
    )
    assert set(updated) - {"ResponseMetadata"} == {
        "ApiDestinationArn",
        "ApiDestinationState",
        "CreationTime",
        "LastModifiedTime",
    }
    assert updated["ApiDestinationArn"] == created["ApiDestinationArn"]
    described = events.describe_api_destination(Name=name)
    assert described["Description"] == "orders v2"
    assert described["InvocationEndpoint"] == "http://127.0.0.1:8080/v2/orders"
    assert described["HttpMethod"] == "PUT"
    assert described["InvocationRateLimitPerSecond"] == 10
    assert described["ConnectionArn"] == connection_arn

    assert set(events.delete_api_destination(Name=name)) == {"ResponseMetadata"}
    with pytest.raises(ClientError) as info:
        events.describe_api_destination(Name=name)
    assert error_code(info) == "ResourceNotFoundException"
    assert info.value.response["Error"]["Message"] == (
        f"Failed to describe the api-destination(s). An api-destination '{name}' does not exist."
    )


def test_update_moves_a_destination_to_another_connection(events: Any, name: str) -> None:
    first = make_connection(events, f"{name}-a")
    second = make_connection(events, f"{name}-b")
    events.create_api_destination(
        Name=name, ConnectionArn=first, InvocationEndpoint="https://x.test", HttpMethod="GET"
    )
    events.update_api_destination(Name=name, ConnectionArn=second)
    assert events.describe_api_destination(Name=name)["ConnectionArn"] == second


def test_connection_must_exist(events: Any, name: str) -> None:
    missing = (
        f"arn:aws:events:us-east-1:{ACCOUNT}:connection/{name}/00000000-0000-0000-0000-000000000000"
    )
    with pytest.raises(ClientError) as info:
        events.create_api_destination(
            Name=name, ConnectionArn=missing, InvocationEndpoint="https://x.test", HttpMethod="POST"
        )
    assert error_code(info) == "ResourceNotFoundException"

    # The ARN of a deleted connection names nothing, even once a new one has its name.
    stale = make_connection(events, name)
    events.delete_connection(Name=name)
    make_connection(events, name)
    with pytest.raises(ClientError) as info:
        events.create_api_destination(
            Name=name, ConnectionArn=stale, InvocationEndpoint="https://x.test", HttpMethod="POST"
        )
    assert error_code(info) == "ResourceNotFoundException"

    events.create_api_destination(
        Name=name,
        ConnectionArn=make_connection(events, f"{name}-ok"),
        InvocationEndpoint="https://x.test",
        HttpMethod="POST",
    )
    with pytest.raises(ClientError) as info:
        events.update_api_destination(Name=name, ConnectionArn=missing)
    assert error_code(info) == "ResourceNotFoundException"


def test_state_follows_the_connection(events: Any, name: str) -> None:
    connection_arn = make_connection(events, name)
    events.create_api_destination(
        Name=name,
        ConnectionArn=connection_arn,
        InvocationEndpoint="https://x.test",
        HttpMethod="POST",
    )

    def state() -> str:
        listed = events.list_api_destinations(NamePrefix=name)["ApiDestinations"]
        described: str = events.describe_api_destination(Name=name)["ApiDestinationState"]
        assert [d["ApiDestinationState"] for d in listed] == [described]
        return described

    assert state() == "ACTIVE"
    events.deauthorize_connection(Name=name)
    assert state() == "INACTIVE"
    events.update_connection(
        Name=name, AuthParameters={"ApiKeyAuthParameters": {"ApiKeyValue": secret()}}
    )
    assert state() == "ACTIVE"
    # AWS documents no error for deleting a connection in use: the deletion succeeds and
    # the destination stays, inactive, until it is given another connection.
    events.delete_connection(Name=name)
    assert state() == "INACTIVE"
    assert events.describe_api_destination(Name=name)["ConnectionArn"] == connection_arn
    other = make_connection(events, f"{name}-other")
    assert events.update_api_destination(Name=name, ConnectionArn=other)["ApiDestinationState"] == (
        "ACTIVE"
    )


def test_list_with_prefix_connection_and_pagination(events: Any, name: str) -> None:
    first = make_connection(events, f"{name}-a")
    second = make_connection(events, f"{name}-b")
    names = [f"{name}-{i}" for i in range(5)]
    for i, destination in enumerate(names):
        events.create_api_destination(
            Name=destination,
            ConnectionArn=first if i % 2 == 0 else second,
            InvocationEndpoint="https://x.test",
            HttpMethod="POST",
        )

    def pages(**request: Any) -> list[list[str]]:
        seen: list[list[str]] = []
        token: dict[str, str] = {}
        while True:
            page = events.list_api_destinations(NamePrefix=name, Limit=2, **request, **token)
            seen.append([d["Name"] for d in page["ApiDestinations"]])
            if "NextToken" not in page:
                return seen
            token = {"NextToken": page["NextToken"]}

    assert pages() == [names[0:2], names[2:4], names[4:5]]
    assert pages(ConnectionArn=first) == [[names[0], names[2]], [names[4]]]
    assert pages(ConnectionArn=second) == [[names[1], names[3]]]
    assert events.list_api_destinations(NamePrefix=f"{name}-9")["ApiDestinations"] == []


def test_duplicate_and_missing_destinations(events: Any, name: str) -> None:
    connection_arn = make_connection(events, name)
    request = {
        "Name": name,
        "ConnectionArn": connection_arn,
        "InvocationEndpoint": "https://x.test",
        "HttpMethod": "POST",
    }
    events.create_api_destination(**request)
    with pytest.raises(ClientError) as info:
        events.create_api_destination(**request)
    assert error_code(info) == "ResourceAlreadyExistsException"

    missing = f"{name}-missing"
    calls: list[Callable[[], object]] = [
        lambda: events.describe_api_destination(Name=missing),
        lambda: events.update_api_destination(Name=missing, HttpMethod="GET"),
        lambda: events.delete_api_destination(Name=missing),
    ]
    for call in calls:
        with pytest.raises(ClientError) as info:
            call()
        assert error_code(info) == "ResourceNotFoundException"


@pytest.mark.parametrize(
    "endpoint", ["http://127.0.0.1:9000/hook", "https://api.example.com/a/*/b/*?x=1"]
)
def test_http_and_https_endpoints(events: Any, name: str, endpoint: str) -> None:
    events.create_api_destination(
        Name=name,
        ConnectionArn=make_connection(events, name),
        InvocationEndpoint=endpoint,
        HttpMethod="POST",
    )
    assert events.describe_api_destination(Name=name)["InvocationEndpoint"] == endpoint


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"InvocationEndpoint": "ftp://x.test/file"}, id="not-http"),
        pytest.param({"InvocationEndpoint": "/relative/path"}, id="no-host"),
        pytest.param({"HttpMethod": "CONNECT"}, id="method"),
        pytest.param({"InvocationRateLimitPerSecond": 0}, id="rate-below-1"),
        pytest.param({"Name": "n" * 65}, id="long-name"),
        pytest.param({"ConnectionArn": "not-an-arn"}, id="connection-arn"),
    ],
)
def test_invalid_requests(
    unvalidated_events: Any, events: Any, name: str, change: dict[str, Any]
) -> None:
    request = {
        "Name": name,
        "ConnectionArn": make_connection(events, name),
        "InvocationEndpoint": "https://x.test",
        "HttpMethod": "POST",
    }
    with pytest.raises(ClientError) as info:
        unvalidated_events.create_api_destination(**{**request, **change})
    assert error_code(info) == "ValidationException"
    events.create_api_destination(**request)
    if "Name" not in change:
        with pytest.raises(ClientError) as info:
            unvalidated_events.update_api_destination(Name=name, **change)
        assert error_code(info) == "ValidationException"


def test_tags_on_an_api_destination(events: Any, name: str) -> None:
    arn = events.create_api_destination(
        Name=name,
        ConnectionArn=make_connection(events, name),
        InvocationEndpoint="https://x.test",
        HttpMethod="POST",
    )["ApiDestinationArn"]
    events.tag_resource(ResourceARN=arn, Tags=[{"Key": "team", "Value": "a"}])
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "team", "Value": "a"}]
    events.delete_api_destination(Name=name)
    with pytest.raises(ClientError) as info:
        events.list_tags_for_resource(ResourceARN=arn)
    assert error_code(info) == "ResourceNotFoundException"


async def test_api_destination_quota(store: Store, tmp_path: Path) -> None:
    # AWS's quota is 3,000 API destinations; a small one shows the error.
    ctx = Context(settings=Settings(data_dir=tmp_path), store=store)
    connections = ConnectionService(ctx)
    destinations = ApiDestinationService(ctx, connections, max_destinations=1)
    change = await connections.create(
        "c", authorization_type="API_KEY", auth_parameters=api_key_auth("value")
    )
    request: dict[str, Any] = {
        "connection_arn": change.connection.arn,
        "endpoint": "https://x.test",
        "method": "POST",
    }
    await destinations.create("d0", **request)
    with pytest.raises(LimitExceededError):
        await destinations.create("d1", **request)
