"""Delivery paths observed with boto3 alone: API destination with an input transformer,
queue targets read back with the sqs client, retries and dead letters."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api.conftest import client
from tests.support.receiver import Receiver, http_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with http_receiver() as r:
        yield r


@pytest.fixture
def sqs(server: Any) -> Any:
    return client("sqs", server.url)


def api_destination(events: Any, name: str, url: str) -> str:
    connection = events.create_connection(
        Name=name,
        AuthorizationType="API_KEY",
        AuthParameters={
            "ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "s3cret"}
        },
    )
    destination = events.create_api_destination(
        Name=name,
        ConnectionArn=connection["ConnectionArn"],
        InvocationEndpoint=url,
        HttpMethod="POST",
    )
    arn: str = destination["ApiDestinationArn"]
    return arn


def queue(sqs: Any, name: str) -> tuple[str, str]:
    url: str = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn: str = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return url, arn


def receive_all(sqs: Any, queue_url: str, count: int, timeout: float = 15) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while len(messages) < count and time.monotonic() < deadline:
        got = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            MessageAttributeNames=["All"],
            AttributeNames=["All"],
        ).get("Messages", [])
        for message in got:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        messages += got
    return messages


def put(events: Any, bus: str, detail: dict[str, Any], source: str = "shop") -> str:
    result = events.put_events(
        Entries=[
            {
                "Source": source,
                "DetailType": "Order Placed",
                "Detail": json.dumps(detail),
                "EventBusName": bus,
            }
        ]
    )
    assert result["FailedEntryCount"] == 0
    event_id: str = result["Entries"][0]["EventId"]
    return event_id


def test_input_transformer_to_api_destination_with_api_key(
    events: Any, name: str, receiver: Receiver
) -> None:
    events.create_event_bus(Name=name)
    arn = api_destination(events, name, f"{receiver.url}/orders/*")
    events.put_rule(Name="r", EventBusName=name, EventPattern='{"source": ["shop"]}')
    events.put_targets(
        Rule="r",
        EventBusName=name,
        Targets=[
            {
                "Id": "http",
                "Arn": arn,
                "InputTransformer": {
                    "InputPathsMap": {"order": "$.detail.id", "total": "$.detail.total"},
                    "InputTemplate": '{"order": <order>, "total": <total>, '
                    '"rule": <aws.events.rule-name>, "text": "order <order>"}',
                },
                "HttpParameters": {
                    "PathParameterValues": ["eu"],
                    "HeaderParameters": {"X-Team": "checkout"},
                    "QueryStringParameters": {"v": "2"},
                },
            }
        ],
    )
    event_id = put(events, name, {"id": "o-1", "total": 42.5})
    [request] = receiver.wait_for(1)
    assert request.method == "POST"
    assert request.path == "/orders/eu?v=2"
    assert request.headers["x-api-key"] == "s3cret"
    assert request.headers["x-team"] == "checkout"
    assert json.loads(request.body) == {
        "order": "o-1",
        "total": 42.5,
        "rule": "r",
        "text": "order o-1",
    }
    assert request.headers["x-eventbus-idempotency-key"].startswith(f"{event_id}:")


def test_queue_target_read_back_with_sqs(events: Any, sqs: Any, name: str, server: Any) -> None:
    queue_url, queue_arn = queue(sqs, name)
    events.create_event_bus(Name=name)
    events.put_rule(
        Name="r", EventBusName=name, EventPattern='{"detail": {"n": [{"numeric": [">", 1]}]}}'
    )
    events.put_targets(Rule="r", EventBusName=name, Targets=[{"Id": "q", "Arn": queue_arn}])
    ids = {put(events, name, {"n": n}) for n in (1, 2, 3)}
    messages = receive_all(sqs, queue_url, 2)
    bodies = [json.loads(m["Body"]) for m in messages]
    assert sorted(b["detail"]["n"] for b in bodies) == [2, 3]
    assert {b["id"] for b in bodies} < ids
    assert all(b["detail-type"] == "Order Placed" for b in bodies)


def test_failing_target_is_retried_then_dead_lettered(
    events: Any, sqs: Any, name: str, receiver: Receiver, server: Any
) -> None:
    receiver.respond = lambda request: 503
    dlq_url, dlq_arn = queue(sqs, f"{name}-dlq")
    events.create_event_bus(Name=name)
    arn = api_destination(events, name, f"{receiver.url}/fail")
    rule_arn = events.put_rule(Name="r", EventBusName=name, EventPattern='{"source": ["shop"]}')[
        "RuleArn"
    ]
    events.put_targets(
        Rule="r",
        EventBusName=name,
        Targets=[
            {
                "Id": "flaky",
                "Arn": arn,
                "RetryPolicy": {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 600},
                "DeadLetterConfig": {"Arn": dlq_arn},
            }
        ],
    )
    event_id = put(events, name, {"id": "o-9"})
    [dead] = receive_all(sqs, dlq_url, 1)
    assert len(receiver.snapshot()) == 3  # the first attempt and two retries
    assert json.loads(dead["Body"])["id"] == event_id
    attributes = {k: v["StringValue"] for k, v in dead["MessageAttributes"].items()}
    assert attributes["RULE_ARN"] == rule_arn
    assert attributes["TARGET_ARN"] == arn
    assert attributes["ERROR_CODE"]
    assert attributes["ERROR_MESSAGE"]
    assert attributes["RETRY_ATTEMPTS"] == "2"
    metrics = httpx.get(f"{server.url}/metrics").text
    assert "eventbus_DeadLetterInvocations_total" in metrics
    assert "eventbus_RetryInvocationAttempts_total" in metrics


def test_client_errors_are_not_retried(
    events: Any, sqs: Any, name: str, receiver: Receiver
) -> None:
    receiver.respond = lambda request: 404
    dlq_url, dlq_arn = queue(sqs, f"{name}-dlq")
    events.create_event_bus(Name=name)
    arn = api_destination(events, name, f"{receiver.url}/missing")
    events.put_rule(Name="r", EventBusName=name, EventPattern='{"source": ["shop"]}')
    events.put_targets(
        Rule="r",
        EventBusName=name,
        Targets=[{"Id": "t", "Arn": arn, "DeadLetterConfig": {"Arn": dlq_arn}}],
    )
    put(events, name, {"id": "o-1"})
    [dead] = receive_all(sqs, dlq_url, 1)
    assert len(receiver.snapshot()) == 1
    assert dead["MessageAttributes"]["RETRY_ATTEMPTS"]["StringValue"] == "0"


def test_bus_to_bus_to_queue_seen_with_boto3_alone(events: Any, sqs: Any, name: str) -> None:
    first, second = f"{name}-a", f"{name}-b"
    first_arn = events.create_event_bus(Name=first)["EventBusArn"]
    second_arn = events.create_event_bus(Name=second)["EventBusArn"]
    url, arn = queue(sqs, name)
    events.put_rule(Name="hop", EventBusName=first, EventPattern='{"source": ["shop"]}')
    events.put_targets(Rule="hop", EventBusName=first, Targets=[{"Id": "b", "Arn": second_arn}])
    events.put_rule(Name="land", EventBusName=second, EventPattern='{"source": ["shop"]}')
    events.put_targets(Rule="land", EventBusName=second, Targets=[{"Id": "q", "Arn": arn}])
    event_id = put(events, first, {"id": "o-7"})
    [message] = receive_all(sqs, url, 1)
    body = json.loads(message["Body"])
    assert body["id"] == event_id
    assert body["detail"] == {"id": "o-7"}
    assert first_arn != second_arn


def test_archive_replayed_into_a_queue_seen_with_boto3_alone(
    events: Any, sqs: Any, name: str
) -> None:
    bus_arn = events.create_event_bus(Name=name)["EventBusArn"]
    url, arn = queue(sqs, name)
    events.create_archive(
        ArchiveName=name, EventSourceArn=bus_arn, EventPattern='{"source": ["shop"]}'
    )
    started = datetime.now(UTC) - timedelta(seconds=5)
    ids = {put(events, name, {"n": n}) for n in range(3)}
    deadline = time.monotonic() + 15
    while events.describe_archive(ArchiveName=name)["EventCount"] < 3:
        assert time.monotonic() < deadline, "the archive never held the events"
        time.sleep(0.05)
    # A rule for replayed events only (the originals may still be routing meanwhile).
    events.put_rule(
        Name="replayed",
        EventBusName=name,
        EventPattern='{"source": ["shop"], "replay-name": [{"exists": true}]}',
    )
    events.put_targets(Rule="replayed", EventBusName=name, Targets=[{"Id": "q", "Arn": arn}])
    events.start_replay(
        ReplayName=name,
        EventSourceArn=events.describe_archive(ArchiveName=name)["ArchiveArn"],
        EventStartTime=started,
        EventEndTime=datetime.now(UTC),
        Destination={"Arn": bus_arn},
    )
    messages = receive_all(sqs, url, 3)
    bodies = [json.loads(m["Body"]) for m in messages]
    assert {b["id"] for b in bodies} == ids
    assert all(b["replay-name"] == name for b in bodies)
    deadline = time.monotonic() + 15
    while events.describe_replay(ReplayName=name)["State"] != "COMPLETED":
        assert time.monotonic() < deadline, "the replay never completed"
        time.sleep(0.05)
