"""Connections through boto3: every operation, states, pagination, errors, and no secret
in any response."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import orjson
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from eventbus.connections import ConnectionService
from eventbus.context import Context
from eventbus.errors import LimitExceededError
from eventbus.settings import Settings
from eventbus.store import Store
from tests.api.test_buses import ACCOUNT, error_code
from tests.support.server import ServerProcess

CONNECTION_ARN = re.compile(
    rf"arn:aws:events:us-east-1:{ACCOUNT}:connection/(?P<name>[\w.-]+)/[0-9a-f-]{{36}}"
)
SECRET_ARN = re.compile(
    rf"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:events!connection/"
    r"(?P<name>[\w.-]+)/[0-9a-f-]{36}-[A-Za-z0-9]{6}"
)


def secret() -> str:
    return f"s3cret-{uuid.uuid4().hex}"


def assert_no_secret(response: Any, *secrets: str) -> None:
    """Fail when any secret appears anywhere in a response."""
    text = orjson.dumps(response, default=str).decode()
    for value in secrets:
        assert value not in text


@pytest.fixture
def unvalidated_events(server: ServerProcess) -> Any:
    """A client that sends what it is given, so the server's own validation answers."""
    return boto3.client(
        "events",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}, parameter_validation=False),
    )


def api_key_auth(value: str, **invocation: Any) -> dict[str, Any]:
    auth: dict[str, Any] = {
        "ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": value}
    }
    if invocation:
        auth["InvocationHttpParameters"] = invocation
    return auth


def test_api_key_connection_lifecycle(events: Any, name: str) -> None:
    created = events.create_connection(
        Name=name,
        Description="orders webhook",
        AuthorizationType="API_KEY",
        AuthParameters=api_key_auth(secret()),
    )
    match = CONNECTION_ARN.fullmatch(created["ConnectionArn"])
    assert match and match["name"] == name
    assert created["ConnectionState"] == "AUTHORIZED"
    assert created["CreationTime"] == created["LastModifiedTime"]
    # As on AWS, CreateConnection does not answer LastAuthorizedTime; Describe does.
    assert "LastAuthorizedTime" not in created

    described = events.describe_connection(Name=name)
    assert described["ConnectionArn"] == created["ConnectionArn"]
    assert described["Name"] == name
    assert described["Description"] == "orders webhook"
    assert described["ConnectionState"] == "AUTHORIZED"
    assert described["AuthorizationType"] == "API_KEY"
    assert described["AuthParameters"] == {"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key"}}
    secret_arn = SECRET_ARN.fullmatch(described["SecretArn"])
    assert secret_arn and secret_arn["name"] == name
    assert described["LastAuthorizedTime"] == described["CreationTime"]
    # The made-up secret ARN is stable.
    assert events.describe_connection(Name=name)["SecretArn"] == described["SecretArn"]

    listed = events.list_connections(NamePrefix=name)["Connections"]
    assert [c["Name"] for c in listed] == [name]
    assert listed[0]["ConnectionArn"] == created["ConnectionArn"]
    assert listed[0]["AuthorizationType"] == "API_KEY"
    assert listed[0]["ConnectionState"] == "AUTHORIZED"
    assert "AuthParameters" not in listed[0]

    deleted = events.delete_connection(Name=name)
    assert deleted["ConnectionArn"] == created["ConnectionArn"]
    assert deleted["ConnectionState"] == "DELETING"
    assert "LastAuthorizedTime" in deleted
    with pytest.raises(ClientError) as info:
        events.describe_connection(Name=name)
    assert error_code(info) == "ResourceNotFoundException"
    assert info.value.response["Error"]["Message"] == (
        f"Failed to describe the connection(s). Connection '{name}' does not exist."
    )


def test_basic_connection_shows_only_the_username(events: Any, name: str) -> None:
    password = secret()
    events.create_connection(
        Name=name,
        AuthorizationType="BASIC",
        AuthParameters={"BasicAuthParameters": {"Username": "svc", "Password": password}},
    )
    described = events.describe_connection(Name=name)
    assert described["AuthParameters"] == {"BasicAuthParameters": {"Username": "svc"}}
    assert_no_secret(described, password)


def test_oauth_connection_reports_authorizing_then_is_authorized(events: Any, name: str) -> None:
    client_secret, hidden = secret(), secret()
    created = events.create_connection(
        Name=name,
        AuthorizationType="OAUTH_CLIENT_CREDENTIALS",
        AuthParameters={
            "OAuthParameters": {
                "ClientParameters": {"ClientID": "client-1", "ClientSecret": client_secret},
                "AuthorizationEndpoint": "https://auth.example.com/oauth2/token",
                "HttpMethod": "POST",
                "OAuthHttpParameters": {
                    "BodyParameters": [
                        {"Key": "scope", "Value": "events", "IsValueSecret": False},
                        {"Key": "audience", "Value": hidden, "IsValueSecret": True},
                    ]
                },
            }
        },
    )
    # EventBridge answers AUTHORIZING while it fetches a first token; here the transition
    # is immediate, so Describe already shows AUTHORIZED.
    assert created["ConnectionState"] == "AUTHORIZING"
    described = events.describe_connection(Name=name)
    assert described["ConnectionState"] == "AUTHORIZED"
    assert described["AuthParameters"] == {
        "OAuthParameters": {
            "ClientParameters": {"ClientID": "client-1"},
            "AuthorizationEndpoint": "https://auth.example.com/oauth2/token",
            "HttpMethod": "POST",
            "OAuthHttpParameters": {
                "BodyParameters": [
                    {"Key": "scope", "Value": "events", "IsValueSecret": False},
                    {"Key": "audience", "IsValueSecret": True},
                ]
            },
        }
    }
    assert_no_secret([created, described], client_secret, hidden)


def auth_case(auth_type: str, value: str) -> dict[str, Any]:
    """AuthParameters of each type, with ``value`` as the secret."""
    if auth_type == "API_KEY":
        return {"ApiKeyAuthParameters": {"ApiKeyName": "x-key", "ApiKeyValue": value}}
    if auth_type == "BASIC":
        return {"BasicAuthParameters": {"Username": "user", "Password": value}}
    return {
        "OAuthParameters": {
            "ClientParameters": {"ClientID": "id", "ClientSecret": value},
            "AuthorizationEndpoint": "http://127.0.0.1:9/token",
            "HttpMethod": "GET",
        }
    }


@pytest.mark.parametrize("auth_type", ["API_KEY", "BASIC", "OAUTH_CLIENT_CREDENTIALS"])
def test_no_response_contains_a_secret(events: Any, name: str, auth_type: str) -> None:
    auth_secret, header_secret, query_secret, body_secret = (secret() for _ in range(4))
    new_secret = secret()
    invocation = {
        "HeaderParameters": [
            {"Key": "X-Secret", "Value": header_secret, "IsValueSecret": True},
            {"Key": "X-Plain", "Value": "visible", "IsValueSecret": False},
        ],
        "QueryStringParameters": [{"Key": "token", "Value": query_secret, "IsValueSecret": True}],
        "BodyParameters": [{"Key": "key", "Value": body_secret, "IsValueSecret": True}],
    }
    responses = [
        events.create_connection(
            Name=name,
            AuthorizationType=auth_type,
            AuthParameters={
                **auth_case(auth_type, auth_secret),
                "InvocationHttpParameters": invocation,
            },
        ),
        events.describe_connection(Name=name),
        events.list_connections(NamePrefix=name),
        events.update_connection(Name=name, AuthParameters=auth_case(auth_type, new_secret)),
        events.describe_connection(Name=name),
        events.deauthorize_connection(Name=name),
        events.describe_connection(Name=name),
        events.list_connections(NamePrefix=name, ConnectionState="DEAUTHORIZED"),
        events.delete_connection(Name=name),
    ]
    assert_no_secret(responses, auth_secret, header_secret, query_secret, body_secret, new_secret)
    # What is not secret is shown: the parameter's value and every key.
    headers = responses[1]["AuthParameters"]["InvocationHttpParameters"]["HeaderParameters"]
    assert headers == [
        {"Key": "X-Secret", "IsValueSecret": True},
        {"Key": "X-Plain", "Value": "visible", "IsValueSecret": False},
    ]


def test_update_connection(events: Any, name: str) -> None:
    created = events.create_connection(
        Name=name,
        AuthorizationType="BASIC",
        AuthParameters={"BasicAuthParameters": {"Username": "old", "Password": secret()}},
    )
    # Only the username: the password is kept, so the connection stays authorized.
    updated = events.update_connection(
        Name=name,
        Description="new description",
        AuthParameters={"BasicAuthParameters": {"Username": "new"}},
    )
    assert updated["ConnectionArn"] == created["ConnectionArn"]
    assert updated["ConnectionState"] == "AUTHORIZED"
    assert updated["LastModifiedTime"] >= created["LastModifiedTime"]
    described = events.describe_connection(Name=name)
    assert described["Description"] == "new description"
    assert described["AuthParameters"]["BasicAuthParameters"] == {"Username": "new"}

    # Changing the type needs the new type's parameters in full.
    with pytest.raises(ClientError) as info:
        events.update_connection(
            Name=name,
            AuthorizationType="API_KEY",
            AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "x-key"}},
        )
    assert error_code(info) == "ValidationException"
    events.update_connection(
        Name=name,
        AuthorizationType="API_KEY",
        AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "x-key", "ApiKeyValue": secret()}},
    )
    described = events.describe_connection(Name=name)
    assert described["AuthorizationType"] == "API_KEY"
    assert described["AuthParameters"] == {"ApiKeyAuthParameters": {"ApiKeyName": "x-key"}}
    assert described["ConnectionArn"] == created["ConnectionArn"]


def test_invocation_parameters_are_replaced_by_an_update(events: Any, name: str) -> None:
    events.create_connection(
        Name=name,
        AuthorizationType="API_KEY",
        AuthParameters=api_key_auth(
            secret(), HeaderParameters=[{"Key": "X-One", "Value": "1", "IsValueSecret": False}]
        ),
    )
    # Parameters of an update that leaves InvocationHttpParameters out are kept...
    events.update_connection(Name=name, Description="d")
    invocation = events.describe_connection(Name=name)["AuthParameters"]["InvocationHttpParameters"]
    assert invocation == {
        "HeaderParameters": [{"Key": "X-One", "Value": "1", "IsValueSecret": False}]
    }
    # ...and replaced by one that has them.
    events.update_connection(
        Name=name,
        AuthParameters={
            "InvocationHttpParameters": {"QueryStringParameters": [{"Key": "q", "Value": "2"}]}
        },
    )
    invocation = events.describe_connection(Name=name)["AuthParameters"]["InvocationHttpParameters"]
    assert invocation == {
        "QueryStringParameters": [{"Key": "q", "Value": "2", "IsValueSecret": False}]
    }


def test_deauthorize_and_authorize_again(events: Any, name: str) -> None:
    events.create_connection(
        Name=name, AuthorizationType="API_KEY", AuthParameters=api_key_auth(secret())
    )
    authorized_at = events.describe_connection(Name=name)["LastAuthorizedTime"]

    deauthorized = events.deauthorize_connection(Name=name)
    assert deauthorized["ConnectionState"] == "DEAUTHORIZING"
    described = events.describe_connection(Name=name)
    assert described["ConnectionState"] == "DEAUTHORIZED"
    assert described["LastAuthorizedTime"] == authorized_at
    assert described["AuthParameters"] == {"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key"}}
    states = {
        c["Name"]: c["ConnectionState"]
        for c in events.list_connections(NamePrefix=name, ConnectionState="DEAUTHORIZED")[
            "Connections"
        ]
    }
    assert states == {name: "DEAUTHORIZED"}
    assert (
        events.list_connections(NamePrefix=name, ConnectionState="AUTHORIZED")["Connections"] == []
    )

    # The secret is gone: an update without a new one leaves the connection deauthorized.
    assert events.update_connection(Name=name, Description="x")["ConnectionState"] == "DEAUTHORIZED"
    updated = events.update_connection(
        Name=name, AuthParameters={"ApiKeyAuthParameters": {"ApiKeyValue": secret()}}
    )
    assert updated["ConnectionState"] == "AUTHORIZED"
    assert events.describe_connection(Name=name)["LastAuthorizedTime"] >= authorized_at


def test_list_connections_with_prefix_state_and_pagination(events: Any, name: str) -> None:
    names = [f"{name}-{i}" for i in range(5)]
    for connection in names:
        events.create_connection(
            Name=connection, AuthorizationType="API_KEY", AuthParameters=api_key_auth(secret())
        )
    events.deauthorize_connection(Name=names[1])
    events.deauthorize_connection(Name=names[3])

    def pages(**request: Any) -> list[list[str]]:
        seen: list[list[str]] = []
        token: dict[str, str] = {}
        while True:
            page = events.list_connections(NamePrefix=name, Limit=2, **request, **token)
            seen.append([c["Name"] for c in page["Connections"]])
            if "NextToken" not in page:
                return seen
            token = {"NextToken": page["NextToken"]}

    assert pages() == [names[0:2], names[2:4], names[4:5]]
    assert pages(ConnectionState="AUTHORIZED") == [[names[0], names[2]], [names[4]]]
    assert pages(ConnectionState="DEAUTHORIZED") == [[names[1], names[3]]]
    # A token survives the deletion of the item it names.
    first = events.list_connections(NamePrefix=name, Limit=2)
    events.delete_connection(Name=names[1])
    rest = events.list_connections(NamePrefix=name, NextToken=first["NextToken"])
    assert [c["Name"] for c in rest["Connections"]] == names[2:]


def test_bad_next_token(events: Any, name: str) -> None:
    with pytest.raises(ClientError) as info:
        events.list_connections(NamePrefix=name, NextToken="not-a-token!")
    assert error_code(info) == "ValidationException"


def test_duplicate_and_missing_connections(events: Any, name: str) -> None:
    events.create_connection(
        Name=name, AuthorizationType="API_KEY", AuthParameters=api_key_auth(secret())
    )
    with pytest.raises(ClientError) as info:
        events.create_connection(
            Name=name, AuthorizationType="API_KEY", AuthParameters=api_key_auth(secret())
        )
    assert error_code(info) == "ResourceAlreadyExistsException"

    missing = f"{name}-missing"
    calls: list[Callable[[], object]] = [
        lambda: events.describe_connection(Name=missing),
        lambda: events.update_connection(Name=missing, Description="x"),
        lambda: events.deauthorize_connection(Name=missing),
        lambda: events.delete_connection(Name=missing),
    ]
    for call in calls:
        with pytest.raises(ClientError) as info:
            call()
        assert error_code(info) == "ResourceNotFoundException"
        assert f"Connection '{missing}' does not exist." in info.value.response["Error"]["Message"]


BAD_AUTH = [
    pytest.param("API_KEY", {}, id="missing-block"),
    pytest.param(
        "API_KEY",
        {"BasicAuthParameters": {"Username": "u", "Password": "p"}},
        id="block-of-another-type",
    ),
    pytest.param(
        "API_KEY",
        {
            "ApiKeyAuthParameters": {"ApiKeyName": "k", "ApiKeyValue": "v"},
            "BasicAuthParameters": {"Username": "u", "Password": "p"},
        },
        id="two-blocks",
    ),
    pytest.param(
        "API_KEY",
        {"ApiKeyAuthParameters": {"ApiKeyName": "not a header", "ApiKeyValue": "v"}},
        id="api-key-name-not-a-header-name",
    ),
    pytest.param(
        "OAUTH_CLIENT_CREDENTIALS",
        {
            "OAuthParameters": {
                "ClientParameters": {"ClientID": "id", "ClientSecret": "s"},
                "AuthorizationEndpoint": "ftp://auth.example.com/token",
                "HttpMethod": "POST",
            }
        },
        id="oauth-endpoint-not-http",
    ),
    pytest.param(
        "API_KEY",
        {
            "ApiKeyAuthParameters": {"ApiKeyName": "k", "ApiKeyValue": "v"},
            "InvocationHttpParameters": {"HeaderParameters": [{"Key": "X-No-Value"}]},
        },
        id="parameter-without-value",
    ),
    pytest.param(
        "API_KEY",
        {
            "ApiKeyAuthParameters": {"ApiKeyName": "k", "ApiKeyValue": "v"},
            "InvocationHttpParameters": {
                "HeaderParameters": [{"Key": f"X-{i}", "Value": "v"} for i in range(101)]
            },
        },
        id="over-100-parameters",
    ),
    pytest.param(
        "API_KEY",
        {
            "ApiKeyAuthParameters": {"ApiKeyName": "k", "ApiKeyValue": "v"},
            "ConnectivityParameters": {
                "ResourceParameters": {
                    "ResourceConfigurationArn": "arn:aws:vpc-lattice:us-east-1:"
                    "000000000000:resourceconfiguration/rcfg-0123456789abcdef0"
                }
            },
        },
        id="private-api",
    ),
]


@pytest.mark.parametrize(("auth_type", "auth"), BAD_AUTH)
def test_bad_auth_parameters(events: Any, name: str, auth_type: str, auth: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as info:
        events.create_connection(Name=name, AuthorizationType=auth_type, AuthParameters=auth)
    assert error_code(info) == "ValidationException"
    with pytest.raises(ClientError):
        events.describe_connection(Name=name)


def test_model_constraints_checked_by_the_server(unvalidated_events: Any, name: str) -> None:
    for request in (
        {"Name": "x" * 65, "AuthorizationType": "API_KEY"},
        {"Name": "has space", "AuthorizationType": "API_KEY"},
        {"Name": name, "AuthorizationType": "KERBEROS"},
    ):
        with pytest.raises(ClientError) as info:
            unvalidated_events.create_connection(**request, AuthParameters=api_key_auth(secret()))
        assert error_code(info) == "ValidationException"
    with pytest.raises(ClientError) as info:
        unvalidated_events.list_connections(ConnectionState="SLEEPING")
    assert error_code(info) == "ValidationException"


def test_tags_on_a_connection(events: Any, name: str) -> None:
    arn = events.create_connection(
        Name=name, AuthorizationType="API_KEY", AuthParameters=api_key_auth(secret())
    )["ConnectionArn"]
    events.tag_resource(ResourceARN=arn, Tags=[{"Key": "team", "Value": "a"}])
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "team", "Value": "a"}]
    events.delete_connection(Name=name)
    with pytest.raises(ClientError) as info:
        events.list_tags_for_resource(ResourceARN=arn)
    assert error_code(info) == "ResourceNotFoundException"
    # A new connection of the same name is another resource, with its own ARN and no tags.
    new_arn = events.create_connection(
        Name=name, AuthorizationType="API_KEY", AuthParameters=api_key_auth(secret())
    )["ConnectionArn"]
    assert new_arn != arn
    assert events.list_tags_for_resource(ResourceARN=new_arn)["Tags"] == []


async def test_connection_quota(store: Store, tmp_path: Path) -> None:
    # AWS's quota is 3,000 connections; a small one shows the error without making them.
    ctx = Context(settings=Settings(data_dir=tmp_path), store=store)
    connections = ConnectionService(ctx, max_connections=2)
    auth = api_key_auth("value")
    for i in range(2):
        await connections.create(f"c{i}", authorization_type="API_KEY", auth_parameters=auth)
    with pytest.raises(LimitExceededError):
        await connections.create("c2", authorization_type="API_KEY", auth_parameters=auth)
    await connections.delete("c0")
    await connections.create("c2", authorization_type="API_KEY", auth_parameters=auth)
