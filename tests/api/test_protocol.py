"""The wire protocol with raw HTTP: malformed input is a 4xx with AWS's error, never a 500."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.support.server import ServerProcess

JSON11 = "application/x-amz-json-1.1"


def call(
    server: ServerProcess, operation: str, body: bytes | str, **headers: str
) -> httpx.Response:
    return httpx.post(
        server.url + "/",
        content=body,
        headers={"X-Amz-Target": f"AWSEvents.{operation}", "Content-Type": JSON11, **headers},
        timeout=30,
    )


def error(response: httpx.Response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["__type"], body["message"]


def test_success_shape_and_content_type(server: ServerProcess) -> None:
    response = call(server, "ListEventBuses", "{}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(JSON11)
    assert "EventBuses" in response.json()
    assert response.headers["x-amzn-requestid"]


def test_empty_body_means_empty_request(server: ServerProcess) -> None:
    assert call(server, "ListEventBuses", "").status_code == 200


@pytest.mark.parametrize(
    ("operation", "body", "status", "code", "fragment"),
    [
        ("NoSuchThing", "{}", 400, "UnknownOperationException", "NoSuchThing"),
        ("ListEventBuses", "{not json", 400, "SerializationException", "not valid JSON"),
        ("ListEventBuses", "[1]", 400, "SerializationException", "object"),
        ("DescribeEventBus", '{"Name": 5}', 400, "SerializationException", "string"),
        ("PutEvents", '{"Entries": {"a": 1}}', 400, "SerializationException", "list"),
        ("PutEvents", '{"Entries": [1]}', 400, "SerializationException", "object"),
        ("PutRule", '{"Name": "r", "State": true}', 400, "SerializationException", "string"),
        ("ListRules", '{"Limit": "ten"}', 400, "SerializationException", "integer"),
        ("ListRules", '{"Limit": true}', 400, "SerializationException", "integer"),
        ("ListRules", '{"Limit": 0}', 400, "ValidationException", "greater than or equal to 1"),
        ("ListRules", '{"Limit": 101}', 400, "ValidationException", "less than or equal to 100"),
        ("PutRule", "{}", 400, "ValidationException", "Value null at 'name'"),
        ("PutRule", '{"Name": "' + "r" * 65 + '"}', 400, "ValidationException", "length"),
        ("PutRule", '{"Name": "r", "State": "ON"}', 400, "ValidationException", "enum"),
        ("PutEvents", '{"Entries": []}', 400, "ValidationException", "length"),
        ("ListEventBuses", '{"NextToken": "%%%"}', 400, "ValidationException", "NextToken"),
        (
            "PutTargets",
            '{"Rule": "r", "Targets": [{"Id": "t", "Arn": "a", "RetryPolicy": '
            '{"MaximumRetryAttempts": 186}}]}',
            400,
            "ValidationException",
            "less than or equal to 185",
        ),
        (
            "PutTargets",
            '{"Rule": "r", "Targets": [{"Id": "t", "Arn": "a", "RetryPolicy": '
            '{"MaximumEventAgeInSeconds": 59}}]}',
            400,
            "ValidationException",
            "greater than or equal to 60",
        ),
        ("DescribeRule", '{"Name": "nope"}', 400, "ResourceNotFoundException", "nope"),
    ],
)
def test_bad_requests(
    server: ServerProcess, operation: str, body: str, status: int, code: str, fragment: str
) -> None:
    got_status, got_code, message = error(call(server, operation, body))
    assert (got_status, got_code) == (status, code)
    assert fragment in message


def test_missing_or_foreign_target_header(server: ServerProcess) -> None:
    response = httpx.post(server.url + "/", content="{}", headers={"Content-Type": JSON11})
    assert error(response)[:2] == (400, "UnknownOperationException")
    response = httpx.post(
        server.url + "/", content="{}", headers={"X-Amz-Target": "DynamoDB_20120810.ListTables"}
    )
    assert error(response)[:2] == (400, "UnknownOperationException")


def test_oversize_body_is_refused(server: ServerProcess) -> None:
    big = json.dumps({"Entries": [{"Source": "s", "DetailType": "d", "Detail": "x" * (6 << 20)}]})
    status, code, message = error(call(server, "PutEvents", big))
    assert (status, code) == (400, "ValidationException")
    assert "larger than" in message


def test_deeply_nested_detail_is_refused_per_entry(server: ServerProcess) -> None:
    detail = '{"a":' * 2000 + "1" + "}" * 2000
    body = json.dumps({"Entries": [{"Source": "s", "DetailType": "d", "Detail": detail}]})
    response = call(server, "PutEvents", body)
    assert response.status_code == 200
    result: dict[str, Any] = response.json()
    assert result["FailedEntryCount"] == 1
    assert result["Entries"][0]["ErrorCode"] == "MalformedDetail"


def test_signed_and_unsigned_requests_are_both_accepted(server: ServerProcess) -> None:
    signed = call(
        server,
        "ListEventBuses",
        "{}",
        Authorization="AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/events/"
        "aws4_request, SignedHeaders=host;x-amz-date, Signature=deadbeef",
        **{"X-Amz-Date": "20240101T000000Z"},
    )
    assert signed.status_code == 200
    assert call(server, "ListEventBuses", "{}").status_code == 200
