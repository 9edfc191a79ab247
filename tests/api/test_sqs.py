"""The SQS-compatible API through boto3's ``sqs`` client, against the real server on both
backends, plus ``SqsService.send_to_arn`` (the event bus's way in) in-process."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from eventbus.context import Context
from eventbus.settings import Settings
from eventbus.sqs import SqsService
from eventbus.sqs.errors import InvalidMessageContents, InvalidParameterValue, QueueDoesNotExist
from eventbus.sqs.service import OutgoingMessage
from eventbus.store import Store
from tests.api.conftest import client
from tests.support.server import ServerProcess

ACCOUNT = "000000000000"


def error_code(info: pytest.ExceptionInfo[ClientError]) -> str:
    code: str = info.value.response["Error"]["Code"]
    return code


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


@pytest.fixture
def sqs(server: ServerProcess) -> Any:
    return client("sqs", server.url)


@pytest.fixture
def queue(sqs: Any, name: str) -> Iterator[str]:
    """The URL of a fresh queue, deleted afterwards."""
    url: str = sqs.create_queue(QueueName=name)["QueueUrl"]
    yield url
    with contextlib.suppress(sqs.exceptions.QueueDoesNotExist):
        sqs.delete_queue(QueueUrl=url)


def receive_one(sqs: Any, url: str, **options: Any) -> dict[str, Any]:
    messages = sqs.receive_message(QueueUrl=url, **options).get("Messages", [])
    assert len(messages) == 1, messages
    message: dict[str, Any] = messages[0]
    return message


# -- queues --------------------------------------------------------------------------------


def test_create_get_url_and_delete(sqs: Any, server: ServerProcess, name: str) -> None:
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    assert url == f"{server.url}/{ACCOUNT}/{name}"
    assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == url
    assert sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=ACCOUNT)["QueueUrl"] == url
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as info:
        sqs.get_queue_url(QueueName=name)
    assert error_code(info) == "AWS.SimpleQueueService.NonExistentQueue"
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.delete_queue(QueueUrl=url)


def test_queue_urls_name_the_host_the_client_called(server: ServerProcess, name: str) -> None:
    by_name = client("sqs", f"http://localhost:{server.port}")
    url = by_name.create_queue(QueueName=name)["QueueUrl"]
    try:
        assert url == f"http://localhost:{server.port}/{ACCOUNT}/{name}"
        # Any host reaches the same queue: only the account and the name count.
        by_ip = client("sqs", server.url)
        by_ip.send_message(QueueUrl=url, MessageBody="m")
        assert receive_one(by_ip, f"{server.url}/{ACCOUNT}/{name}")["Body"] == "m"
    finally:
        by_name.delete_queue(QueueUrl=url)


def test_creating_an_existing_queue(sqs: Any, name: str) -> None:
    url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "45"})["QueueUrl"]
    try:
        same = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "45"})
        assert same["QueueUrl"] == url
        assert sqs.create_queue(QueueName=name)["QueueUrl"] == url
        with pytest.raises(sqs.exceptions.QueueNameExists) as info:
            sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "46"})
        assert error_code(info) == "QueueAlreadyExists"
        assert "VisibilityTimeout" in info.value.response["Error"]["Message"]
    finally:
        sqs.delete_queue(QueueUrl=url)


@pytest.mark.parametrize(
    ("attribute", "value"),
    [
        ("VisibilityTimeout", "43201"),
        ("VisibilityTimeout", "-1"),
        ("VisibilityTimeout", "soon"),
        ("DelaySeconds", "901"),
        ("MessageRetentionPeriod", "59"),
        ("MaximumMessageSize", "1023"),
        ("MaximumMessageSize", "1048577"),
        ("ReceiveMessageWaitTimeSeconds", "21"),
        ("RedrivePolicy", "not json"),
        ("RedrivePolicy", '{"deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:x"}'),
        ("Policy", "[]"),
        ("SqsManagedSseEnabled", "maybe"),
    ],
)
def test_bad_attribute_values(sqs: Any, name: str, attribute: str, value: str) -> None:
    with pytest.raises(sqs.exceptions.InvalidAttributeValue) as info:
        sqs.create_queue(QueueName=name, Attributes={attribute: value})
    assert error_code(info) == "InvalidAttributeValue"
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName=name)


@pytest.mark.parametrize("attribute", ["Bogus", "QueueArn", "ApproximateNumberOfMessages", "All"])
def test_unknown_or_read_only_attribute_names(sqs: Any, name: str, attribute: str) -> None:
    with pytest.raises(sqs.exceptions.InvalidAttributeName):
        sqs.create_queue(QueueName=name, Attributes={attribute: "1"})


@pytest.mark.parametrize("queue_name", ["", "a" * 81, "has space", "dot.ted", "ünï"])
def test_bad_queue_names(sqs: Any, queue_name: str) -> None:
    with pytest.raises(ClientError) as info:
        sqs.create_queue(QueueName=queue_name)
    assert error_code(info) == "InvalidParameterValue"


def test_fifo_queues_are_refused_clearly(sqs: Any, name: str) -> None:
    with pytest.raises(sqs.exceptions.UnsupportedOperation) as info:
        sqs.create_queue(QueueName=f"{name}.fifo", Attributes={"FifoQueue": "true"})
    assert "FIFO" in info.value.response["Error"]["Message"]
    with pytest.raises(sqs.exceptions.UnsupportedOperation):
        sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})


def test_list_queues_by_prefix_and_page(sqs: Any, name: str) -> None:
    urls = [sqs.create_queue(QueueName=f"{name}-{i}")["QueueUrl"] for i in range(5)]
    try:
        assert sqs.list_queues(QueueNamePrefix=name)["QueueUrls"] == urls
        pages = []
        token: dict[str, str] = {}
        while True:
            page = sqs.list_queues(QueueNamePrefix=name, MaxResults=2, **token)
            pages.append(page["QueueUrls"])
            if "NextToken" not in page:
                break
            token = {"NextToken": page["NextToken"]}
        assert pages == [urls[0:2], urls[2:4], urls[4:5]]
        assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix=f"{name}-none")
        with pytest.raises(ClientError) as info:
            sqs.list_queues(MaxResults=1001)
        assert error_code(info) == "InvalidParameterValue"
        with pytest.raises(ClientError) as info:
            sqs.list_queues(MaxResults=1, NextToken="not a token")
        assert error_code(info) == "InvalidParameterValue"
    finally:
        for url in urls:
            sqs.delete_queue(QueueUrl=url)


def test_queue_attributes(sqs: Any, name: str) -> None:
    dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    redrive = {
        "deadLetterTargetArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:{name}-dlq",
        "maxReceiveCount": 3,
    }
    configured = {
        "VisibilityTimeout": "40",
        "MessageRetentionPeriod": "600",
        "DelaySeconds": "0",
        "ReceiveMessageWaitTimeSeconds": "2",
        "MaximumMessageSize": "2048",
        "RedrivePolicy": json.dumps(redrive),
    }
    url = sqs.create_queue(QueueName=name, Attributes=configured)["QueueUrl"]
    try:
        everything = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        for key, value in configured.items():
            if key == "RedrivePolicy":
                assert json.loads(everything[key]) == redrive
            else:
                assert everything[key] == value
        assert everything["QueueArn"] == f"arn:aws:sqs:us-east-1:{ACCOUNT}:{name}"
        assert int(everything["CreatedTimestamp"]) <= int(everything["LastModifiedTimestamp"])
        assert everything["ApproximateNumberOfMessages"] == "0"

        named = sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["VisibilityTimeout", "QueueArn"]
        )["Attributes"]
        assert named == {"VisibilityTimeout": "40", "QueueArn": everything["QueueArn"]}
        assert "Attributes" not in sqs.get_queue_attributes(QueueUrl=url)
        with pytest.raises(sqs.exceptions.InvalidAttributeName):
            sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Bogus"])

        sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "50"})
        after = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])
        assert after["Attributes"] == {"VisibilityTimeout": "50"}
        with pytest.raises(sqs.exceptions.InvalidAttributeValue):
            sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "1000"})
    finally:
        sqs.delete_queue(QueueUrl=url)
        sqs.delete_queue(QueueUrl=dlq)


def test_a_redrive_policy_needs_an_existing_dead_letter_queue(sqs: Any, name: str) -> None:
    policy = {
        "deadLetterTargetArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:{name}-none",
        "maxReceiveCount": 1,
    }
    with pytest.raises(ClientError) as info:
        sqs.create_queue(QueueName=name, Attributes={"RedrivePolicy": json.dumps(policy)})
    assert error_code(info) == "InvalidParameterValue"
    assert "Dead letter target does not exist" in info.value.response["Error"]["Message"]


def test_message_counts(sqs: Any, queue: str) -> None:
    for body in ("visible", "in flight"):
        sqs.send_message(QueueUrl=queue, MessageBody=body)
    sqs.send_message(QueueUrl=queue, MessageBody="delayed", DelaySeconds=900)
    receive_one(sqs, queue)
    counts = sqs.get_queue_attributes(
        QueueUrl=queue,
        AttributeNames=[
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        ],
    )["Attributes"]
    assert counts == {
        "ApproximateNumberOfMessages": "1",
        "ApproximateNumberOfMessagesNotVisible": "1",
        "ApproximateNumberOfMessagesDelayed": "1",
    }


def test_purge(sqs: Any, queue: str) -> None:
    for i in range(3):
        sqs.send_message(QueueUrl=queue, MessageBody=str(i))
    sqs.purge_queue(QueueUrl=queue)
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.purge_queue(QueueUrl=f"{queue}-none")


def test_tags(sqs: Any, name: str) -> None:
    url = sqs.create_queue(QueueName=name, tags={"team": "orders"})["QueueUrl"]
    try:
        assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "orders"}
        sqs.tag_queue(QueueUrl=url, Tags={"env": "test", "team": "billing"})
        assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "billing", "env": "test"}
        sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
        assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "test"}
    finally:
        sqs.delete_queue(QueueUrl=url)


# -- messages ------------------------------------------------------------------------------


def test_send_receive_delete(sqs: Any, queue: str) -> None:
    sent = sqs.send_message(QueueUrl=queue, MessageBody="hello ünïcödé 🎉")
    assert sent["MD5OfMessageBody"] == md5("hello ünïcödé 🎉")
    assert "MD5OfMessageAttributes" not in sent
    message = receive_one(sqs, queue)
    assert message["MessageId"] == sent["MessageId"]
    assert message["Body"] == "hello ünïcödé 🎉"
    assert message["MD5OfBody"] == sent["MD5OfMessageBody"]
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    # Deleting again is no error, as on AWS: the handle is well formed, the message gone.
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    counts = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert (
        counts["ApproximateNumberOfMessages"]
        == counts["ApproximateNumberOfMessagesNotVisible"]
        == "0"
    )


def test_messages_come_oldest_first_up_to_the_maximum(sqs: Any, queue: str) -> None:
    for i in range(12):
        sqs.send_message(QueueUrl=queue, MessageBody=str(i))
    first = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    rest = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in first + rest] == [str(i) for i in range(12)]


def test_message_attributes_and_their_md5(sqs: Any, queue: str) -> None:
    # The digest AWS gave for these attributes in a real Lambda event.
    attributes = {"sample-attribute": {"DataType": "String", "StringValue": "sample-value"}}
    sent = sqs.send_message(
        QueueUrl=queue, MessageBody="Sample content.", MessageAttributes=attributes
    )
    assert sent["MD5OfMessageBody"] == "b58e1d0a86521415d25b85b89f6ad6cd"
    assert sent["MD5OfMessageAttributes"] == "7c815262be77a62f56671125069ca888"
    message = receive_one(sqs, queue, MessageAttributeNames=["All"])
    assert message["MessageAttributes"] == attributes
    assert message["MD5OfMessageAttributes"] == "7c815262be77a62f56671125069ca888"


def test_binary_and_number_attributes_and_selection(sqs: Any, queue: str) -> None:
    attributes = {
        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\xffdata"},
        "count": {"DataType": "Number.int", "StringValue": "-12.5e3"},
        "trace.id": {"DataType": "String", "StringValue": "abc"},
        "trace.span": {"DataType": "String", "StringValue": "def"},
    }
    sent = sqs.send_message(QueueUrl=queue, MessageBody="b", MessageAttributes=attributes)
    message = receive_one(sqs, queue, MessageAttributeNames=["All"], VisibilityTimeout=0)
    assert message["MessageAttributes"] == attributes
    assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]

    some = receive_one(sqs, queue, MessageAttributeNames=["blob", "trace.*"], VisibilityTimeout=0)
    assert set(some["MessageAttributes"]) == {"blob", "trace.id", "trace.span"}
    # The digest covers what is returned, so that SDKs checking it agree.
    assert some["MD5OfMessageAttributes"] != sent["MD5OfMessageAttributes"]

    none = receive_one(sqs, queue)
    assert "MessageAttributes" not in none
    assert "MD5OfMessageAttributes" not in none


@pytest.mark.parametrize(
    "attributes",
    [
        {"AWS.reserved": {"DataType": "String", "StringValue": "x"}},
        {"bad name": {"DataType": "String", "StringValue": "x"}},
        {"a..b": {"DataType": "String", "StringValue": "x"}},
        {"n": {"DataType": "Integer", "StringValue": "1"}},
        {"n": {"DataType": "Number", "StringValue": "one"}},
        {"n": {"DataType": "String", "StringValue": ""}},
        {"n": {"DataType": "String"}},
        {"n": {"DataType": "Binary", "StringValue": "x"}},
        {"n": {"DataType": "String", "StringListValues": ["a"]}},
        {f"a{i}": {"DataType": "String", "StringValue": "x"} for i in range(11)},
    ],
)
def test_bad_message_attributes(sqs: Any, queue: str, attributes: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as info:
        sqs.send_message(QueueUrl=queue, MessageBody="m", MessageAttributes=attributes)
    assert error_code(info) == "InvalidParameterValue"


def test_message_size_limit(sqs: Any, name: str) -> None:
    url = sqs.create_queue(QueueName=name, Attributes={"MaximumMessageSize": "1024"})["QueueUrl"]
    try:
        sqs.send_message(QueueUrl=url, MessageBody="x" * 1024)
        with pytest.raises(ClientError) as info:
            sqs.send_message(QueueUrl=url, MessageBody="x" * 1025)
        assert error_code(info) == "InvalidParameterValue"
        assert "shorter than 1024 bytes" in info.value.response["Error"]["Message"]
        # Attributes count towards the size (name, type and value: 1 + 6 + 1 bytes here),
        # and characters by their UTF-8 bytes.
        attribute = {"k": {"DataType": "String", "StringValue": "v"}}
        sqs.send_message(QueueUrl=url, MessageBody="x" * 1016, MessageAttributes=attribute)
        for body, attributes in (("x" * 1017, attribute), ("é" * 513, {})):
            with pytest.raises(ClientError) as info:
                sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes=attributes)
            assert error_code(info) == "InvalidParameterValue"
    finally:
        sqs.delete_queue(QueueUrl=url)


def test_the_default_limit_is_aws_one_mebibyte(sqs: Any, queue: str) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="x" * 1_048_576)
    with pytest.raises(ClientError) as info:
        sqs.send_message(QueueUrl=queue, MessageBody="x" * 1_048_577)
    assert error_code(info) == "InvalidParameterValue"


@pytest.mark.parametrize("body", ["bell \x07", "nul \x00", "\ufffe"])
def test_invalid_characters(sqs: Any, queue: str, body: str) -> None:
    with pytest.raises(sqs.exceptions.InvalidMessageContents):
        sqs.send_message(QueueUrl=queue, MessageBody=body)


def test_an_empty_body_is_refused(sqs: Any, queue: str) -> None:
    with pytest.raises(ClientError) as info:
        sqs.send_message(QueueUrl=queue, MessageBody="")
    assert error_code(info) == "InvalidParameterValue"


def test_system_attributes(sqs: Any, queue: str) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="m")
    before = int(time.time() * 1000)
    first = receive_one(sqs, queue, AttributeNames=["All"], VisibilityTimeout=0)
    attributes = first["Attributes"]
    assert attributes["ApproximateReceiveCount"] == "1"
    assert attributes["SenderId"] == ACCOUNT
    sent, first_receive = (
        int(attributes["SentTimestamp"]),
        int(attributes["ApproximateFirstReceiveTimestamp"]),
    )
    assert sent <= first_receive
    assert abs(first_receive - before) < 600_000  # milliseconds, not seconds
    second = receive_one(
        sqs, queue, MessageSystemAttributeNames=["ApproximateReceiveCount", "SentTimestamp"]
    )
    assert second["Attributes"] == {"ApproximateReceiveCount": "2", "SentTimestamp": str(sent)}


def test_trace_header_system_attribute(sqs: Any, queue: str) -> None:
    trace = {
        "AWSTraceHeader": {
            "DataType": "String",
            "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793",
        }
    }
    sent = sqs.send_message(QueueUrl=queue, MessageBody="m", MessageSystemAttributes=trace)
    assert len(sent["MD5OfMessageSystemAttributes"]) == 32
    message = receive_one(sqs, queue, MessageSystemAttributeNames=["AWSTraceHeader"])
    assert message["Attributes"] == {"AWSTraceHeader": trace["AWSTraceHeader"]["StringValue"]}


def test_delay_seconds(sqs: Any, name: str) -> None:
    url = sqs.create_queue(QueueName=name, Attributes={"DelaySeconds": "900"})["QueueUrl"]
    try:
        sqs.send_message(QueueUrl=url, MessageBody="queue default: late")
        sqs.send_message(QueueUrl=url, MessageBody="now", DelaySeconds=0)
        assert receive_one(sqs, url, MaxNumberOfMessages=10)["Body"] == "now"
        with pytest.raises(ClientError) as info:
            sqs.send_message(QueueUrl=url, MessageBody="m", DelaySeconds=901)
        assert error_code(info) == "InvalidParameterValue"
    finally:
        sqs.delete_queue(QueueUrl=url)


def _client_with_read_timeout(server: ServerProcess, seconds: int) -> Any:
    return boto3.client(
        "sqs",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(read_timeout=seconds, retries={"max_attempts": 1}),
    )


def test_long_polling_returns_when_a_message_arrives(
    server: ServerProcess, sqs: Any, queue: str
) -> None:
    # A read timeout well below the wait: were the poll to run its full 20 seconds, the
    # client would give up and the test fail, without the test measuring any time.
    poller = _client_with_read_timeout(server, 10)
    # Sent from another thread once the receive below is (most likely) waiting; sent
    # before, the message would be received all the same.
    sender = threading.Timer(0.3, lambda: sqs.send_message(QueueUrl=queue, MessageBody="hi"))
    sender.start()
    try:
        messages = poller.receive_message(QueueUrl=queue, WaitTimeSeconds=20)["Messages"]
    finally:
        sender.join()
    assert [m["Body"] for m in messages] == ["hi"]


def test_long_polling_gives_up_empty(sqs: Any, queue: str) -> None:
    assert "Messages" not in sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)


def test_the_queue_default_wait_time_applies(server: ServerProcess, sqs: Any, name: str) -> None:
    url = sqs.create_queue(QueueName=name, Attributes={"ReceiveMessageWaitTimeSeconds": "20"})[
        "QueueUrl"
    ]
    try:
        sender = threading.Timer(0.3, lambda: sqs.send_message(QueueUrl=url, MessageBody="m"))
        sender.start()
        try:
            messages = _client_with_read_timeout(server, 10).receive_message(QueueUrl=url)[
                "Messages"
            ]
        finally:
            sender.join()
        assert [m["Body"] for m in messages] == ["m"]
    finally:
        sqs.delete_queue(QueueUrl=url)


def test_visibility_timeout_expiry_redelivers(sqs: Any, queue: str) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="m")
    first = receive_one(sqs, queue, VisibilityTimeout=1, AttributeNames=["ApproximateReceiveCount"])
    assert first["Attributes"]["ApproximateReceiveCount"] == "1"
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)
    second = receive_one(sqs, queue, WaitTimeSeconds=10, AttributeNames=["ApproximateReceiveCount"])
    assert second["MessageId"] == first["MessageId"]
    assert second["Attributes"]["ApproximateReceiveCount"] == "2"
    assert second["ReceiptHandle"] != first["ReceiptHandle"]
    # The stale handle deletes nothing (and is no error); the latest one deletes.
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=first["ReceiptHandle"])
    sqs.change_message_visibility(
        QueueUrl=queue, ReceiptHandle=second["ReceiptHandle"], VisibilityTimeout=0
    )
    third = receive_one(sqs, queue, AttributeNames=["ApproximateReceiveCount"])
    assert third["Attributes"]["ApproximateReceiveCount"] == "3"
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=third["ReceiptHandle"])
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)


def test_change_message_visibility(sqs: Any, queue: str) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="m")
    message = receive_one(sqs, queue, VisibilityTimeout=600)
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)
    sqs.change_message_visibility(
        QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
    )
    again = receive_one(sqs, queue, VisibilityTimeout=600)
    with pytest.raises(ClientError) as info:
        sqs.change_message_visibility(
            QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
        )
    assert error_code(info) == "InvalidParameterValue"
    with pytest.raises(ClientError) as info:
        sqs.change_message_visibility(
            QueueUrl=queue, ReceiptHandle=again["ReceiptHandle"], VisibilityTimeout=43_201
        )
    assert error_code(info) == "InvalidParameterValue"


@pytest.mark.parametrize("handle", ["garbage", "", base64.b64encode(b"other/1.x").decode()])
def test_invalid_receipt_handles(sqs: Any, queue: str, handle: str) -> None:
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid) as info:
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=handle)
    assert error_code(info) == "ReceiptHandleIsInvalid"
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
        sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=handle, VisibilityTimeout=0)


def test_a_handle_of_another_queue_is_invalid(sqs: Any, queue: str, name: str) -> None:
    other = sqs.create_queue(QueueName=f"{name}-other")["QueueUrl"]
    try:
        sqs.send_message(QueueUrl=other, MessageBody="m")
        handle = receive_one(sqs, other)["ReceiptHandle"]
        with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=handle)
    finally:
        sqs.delete_queue(QueueUrl=other)


@pytest.mark.parametrize(
    ("options", "parameter"),
    [
        ({"MaxNumberOfMessages": 11}, "MaxNumberOfMessages"),
        ({"MaxNumberOfMessages": 0}, "MaxNumberOfMessages"),
        ({"WaitTimeSeconds": 21}, "WaitTimeSeconds"),
        ({"VisibilityTimeout": 43_201}, "VisibilityTimeout"),
    ],
)
def test_receive_parameter_ranges(
    sqs: Any, queue: str, options: dict[str, int], parameter: str
) -> None:
    with pytest.raises(ClientError) as info:
        sqs.receive_message(QueueUrl=queue, **options)
    assert error_code(info) == "InvalidParameterValue"
    assert parameter in info.value.response["Error"]["Message"]


def test_unknown_attribute_names_on_receive(sqs: Any, queue: str) -> None:
    with pytest.raises(sqs.exceptions.InvalidAttributeName):
        sqs.receive_message(QueueUrl=queue, AttributeNames=["Bogus"])


def test_dead_letter_queue(sqs: Any, name: str) -> None:
    dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    source_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:{name}"
    policy = {
        "deadLetterTargetArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:{name}-dlq",
        "maxReceiveCount": 2,
    }
    url = sqs.create_queue(QueueName=name, Attributes={"RedrivePolicy": json.dumps(policy)})[
        "QueueUrl"
    ]
    try:
        sent = sqs.send_message(
            QueueUrl=url,
            MessageBody="poison",
            MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}},
        )
        for _ in range(2):
            receive_one(sqs, url, VisibilityTimeout=0)
        # The third receive exceeds maxReceiveCount: the message moves instead.
        assert "Messages" not in sqs.receive_message(QueueUrl=url)
        moved = receive_one(sqs, dlq, AttributeNames=["All"], MessageAttributeNames=["All"])
        assert moved["MessageId"] == sent["MessageId"]
        assert moved["Body"] == "poison"
        assert moved["MessageAttributes"] == {"k": {"DataType": "String", "StringValue": "v"}}
        assert moved["Attributes"]["DeadLetterQueueSourceArn"] == source_arn
        assert moved["Attributes"]["ApproximateReceiveCount"] == "1"
    finally:
        sqs.delete_queue(QueueUrl=url)
        sqs.delete_queue(QueueUrl=dlq)


# -- batches -------------------------------------------------------------------------------


def test_send_message_batch(sqs: Any, queue: str) -> None:
    result = sqs.send_message_batch(
        QueueUrl=queue,
        Entries=[
            {"Id": "a", "MessageBody": "first"},
            {"Id": "b", "MessageBody": "bad \x07"},
            {"Id": "c", "MessageBody": "late", "DelaySeconds": 900},
            {
                "Id": "d",
                "MessageBody": "attrs",
                "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}},
            },
            {
                "Id": "e",
                "MessageBody": "bad attribute",
                "MessageAttributes": {"k": {"DataType": "Number", "StringValue": "one"}},
            },
        ],
    )
    successful = {entry["Id"]: entry for entry in result["Successful"]}
    assert set(successful) == {"a", "c", "d"}
    assert successful["a"]["MD5OfMessageBody"] == md5("first")
    assert len(successful["d"]["MD5OfMessageAttributes"]) == 32
    assert [(f["Id"], f["Code"], f["SenderFault"]) for f in result["Failed"]] == [
        ("b", "InvalidMessageContents", True),
        ("e", "InvalidParameterValue", True),
    ]
    bodies = [
        m["Body"] for m in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    ]
    assert bodies == ["first", "attrs"]


@pytest.mark.parametrize(
    ("entries", "exception", "code"),
    [
        ([], "EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest"),
        (
            [{"Id": str(i), "MessageBody": "m"} for i in range(11)],
            "TooManyEntriesInBatchRequest",
            "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
        ),
        (
            [{"Id": "same", "MessageBody": "m"}, {"Id": "same", "MessageBody": "n"}],
            "BatchEntryIdsNotDistinct",
            "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
        ),
        (
            [{"Id": "no spaces", "MessageBody": "m"}],
            "InvalidBatchEntryId",
            "AWS.SimpleQueueService.InvalidBatchEntryId",
        ),
        (
            [{"Id": str(i), "MessageBody": "x" * 200_000} for i in range(6)],
            "BatchRequestTooLong",
            "AWS.SimpleQueueService.BatchRequestTooLong",
        ),
    ],
)
def test_send_message_batch_errors(
    sqs: Any, queue: str, entries: list[dict[str, Any]], exception: str, code: str
) -> None:
    with pytest.raises(getattr(sqs.exceptions, exception)) as info:
        sqs.send_message_batch(QueueUrl=queue, Entries=entries)
    assert error_code(info) == code
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)


def test_delete_and_change_visibility_batches(sqs: Any, queue: str) -> None:
    for i in range(3):
        sqs.send_message(QueueUrl=queue, MessageBody=str(i))
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, VisibilityTimeout=600)[
        "Messages"
    ]
    assert len(messages) == 3
    changed = sqs.change_message_visibility_batch(
        QueueUrl=queue,
        Entries=[
            {"Id": "zero", "ReceiptHandle": messages[0]["ReceiptHandle"], "VisibilityTimeout": 0},
            {"Id": "bad", "ReceiptHandle": "garbage", "VisibilityTimeout": 0},
        ],
    )
    assert [e["Id"] for e in changed["Successful"]] == ["zero"]
    assert [(f["Id"], f["Code"]) for f in changed["Failed"]] == [("bad", "ReceiptHandleIsInvalid")]
    again = receive_one(sqs, queue, VisibilityTimeout=600)
    deleted = sqs.delete_message_batch(
        QueueUrl=queue,
        Entries=[
            {"Id": "one", "ReceiptHandle": again["ReceiptHandle"]},
            {"Id": "two", "ReceiptHandle": messages[1]["ReceiptHandle"]},
            {"Id": "three", "ReceiptHandle": messages[2]["ReceiptHandle"]},
            {"Id": "bad", "ReceiptHandle": "garbage"},
        ],
    )
    assert sorted(e["Id"] for e in deleted["Successful"]) == ["one", "three", "two"]
    assert [(f["Id"], f["Code"]) for f in deleted["Failed"]] == [("bad", "ReceiptHandleIsInvalid")]
    counts = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert (
        counts["ApproximateNumberOfMessages"]
        == counts["ApproximateNumberOfMessagesNotVisible"]
        == "0"
    )


# -- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "parameters"),
    [
        ("send_message", {"MessageBody": "m"}),
        ("receive_message", {}),
        ("delete_message", {"ReceiptHandle": "x"}),
        ("change_message_visibility", {"ReceiptHandle": "x", "VisibilityTimeout": 0}),
        ("get_queue_attributes", {"AttributeNames": ["All"]}),
        ("set_queue_attributes", {"Attributes": {"DelaySeconds": "1"}}),
        ("purge_queue", {}),
        ("delete_queue", {}),
        ("list_queue_tags", {}),
        ("tag_queue", {"Tags": {"k": "v"}}),
        ("send_message_batch", {"Entries": [{"Id": "a", "MessageBody": "m"}]}),
        ("delete_message_batch", {"Entries": [{"Id": "a", "ReceiptHandle": "x"}]}),
    ],
)
@pytest.mark.parametrize(
    "url",
    [
        f"http://127.0.0.1:1/{ACCOUNT}/never-created",
        "http://h/123456789012/other-account",
        "http://h/x",
    ],
)
def test_unknown_queues(sqs: Any, operation: str, parameters: dict[str, Any], url: str) -> None:
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as info:
        getattr(sqs, operation)(QueueUrl=url, **parameters)
    assert error_code(info) == "AWS.SimpleQueueService.NonExistentQueue"


def test_a_queue_url_that_is_no_url(sqs: Any) -> None:
    with pytest.raises(ClientError) as info:
        sqs.send_message(QueueUrl="just-a-name", MessageBody="m")
    assert error_code(info) == "InvalidAddress"


def test_get_queue_url_of_another_account(sqs: Any, queue: str, name: str) -> None:
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId="123456789012")


def _post(server: ServerProcess, target: str, body: bytes) -> httpx.Response:
    return httpx.post(
        server.url,
        content=body,
        headers={
            "X-Amz-Target": f"AmazonSQS.{target}",
            "Content-Type": "application/x-amz-json-1.0",
        },
        timeout=30,
    )


#: A queue URL for requests that fail before the queue is looked up.
SOME_URL = f"http://h/{ACCOUNT}/q"


@pytest.mark.parametrize(
    ("target", "body"),
    [
        ("SendMessage", b"{not json"),
        ("SendMessage", []),
        ("SendMessage", {"QueueUrl": 5, "MessageBody": "m"}),
        ("SendMessage", {"QueueUrl": SOME_URL}),
        ("SendMessage", {"QueueUrl": SOME_URL, "MessageBody": "m", "DelaySeconds": "x"}),
        ("SendMessage", {"QueueUrl": SOME_URL, "MessageBody": "m", "MessageAttributes": []}),
        ("SendMessage", {"QueueUrl": SOME_URL, "MessageBody": "m", "MessageAttributes": {"a": 1}}),
        (
            "SendMessage",
            {
                "QueueUrl": SOME_URL,
                "MessageBody": "m",
                "MessageAttributes": {"a": {"DataType": "Binary", "BinaryValue": "%%%"}},
            },
        ),
        ("ReceiveMessage", {"QueueUrl": SOME_URL, "MaxNumberOfMessages": 1.5}),
        ("ReceiveMessage", {"QueueUrl": SOME_URL, "AttributeNames": "All"}),
        ("ReceiveMessage", {"QueueUrl": SOME_URL, "AttributeNames": [5]}),
        ("ReceiveMessage", {"QueueUrl": SOME_URL, "MessageAttributeNames": [None]}),
        ("CreateQueue", {"QueueName": "q", "Attributes": ["VisibilityTimeout"]}),
        ("CreateQueue", {"QueueName": "q", "Attributes": {"VisibilityTimeout": 30}}),
        ("CreateQueue", {"QueueName": "q", "tags": {"k": 1}}),
        ("CreateQueue", {}),
        ("SendMessageBatch", {"QueueUrl": SOME_URL, "Entries": {"Id": "a"}}),
        ("SendMessageBatch", {"QueueUrl": SOME_URL, "Entries": [{"Id": "a"}]}),
        ("DeleteMessageBatch", {"QueueUrl": SOME_URL, "Entries": [5]}),
        ("ChangeMessageVisibility", {"QueueUrl": SOME_URL, "ReceiptHandle": "x"}),
        ("ListQueues", {"MaxResults": "ten"}),
        ("ListQueues", {"QueueNamePrefix": ["a"]}),
        ("GetQueueUrl", {"QueueName": ""}),
        ("NoSuchOperation", {}),
    ],
)
def test_malformed_requests_are_client_errors(
    server: ServerProcess, target: str, body: object
) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = _post(server, target, raw)
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["__type"]
    assert response.headers["content-type"] == "application/x-amz-json-1.0"


def test_a_malformed_request_on_an_existing_queue(server: ServerProcess, queue: str) -> None:
    bodies = [
        {
            "QueueUrl": queue,
            "MessageBody": "m",
            "MessageAttributes": {"a": {"DataType": "String", "StringValue": 5}},
        },
        {"QueueUrl": queue, "MessageBody": "m", "MessageAttributes": {"a": {"DataType": 5}}},
        {
            "QueueUrl": queue,
            "MessageBody": "m",
            "MessageSystemAttributes": {"Bogus": {"DataType": "String", "StringValue": "x"}},
        },
        {"QueueUrl": queue, "MessageBody": "m" * 10, "DelaySeconds": 10**20},
    ]
    for body in bodies:
        response = _post(server, "SendMessage", json.dumps(body).encode())
        assert 400 <= response.status_code < 500, response.text
    response = _post(
        server, "ReceiveMessage", json.dumps({"QueueUrl": queue, "WaitTimeSeconds": -1}).encode()
    )
    assert response.status_code == 400
    assert response.headers["x-amzn-query-error"] == "InvalidParameterValue;Sender"


# -- the event bus's way in ----------------------------------------------------------------


@pytest.fixture
def service(store: Store) -> SqsService:
    return SqsService(Context(settings=Settings(), store=store))


async def test_send_to_arn(service: SqsService) -> None:
    name = f"q{uuid.uuid4().hex[:8]}"
    queue = await service.create(name, {}, {})
    attributes = {
        "ERROR_CODE": {"DataType": "String", "StringValue": "SDK_CLIENT_ERROR"},
        "RAW": {"DataType": "Binary", "BinaryValue": b"\x01\x02"},
    }
    message_id = await service.send_to_arn(queue.arn, '{"detail": {}}', attributes)
    [received] = await service.receive(name, message_attributes=["All"])
    assert received.id == message_id
    assert received.body == '{"detail": {}}'
    assert {k: v.wire() for k, v in received.attributes.items()} == {
        "ERROR_CODE": {"DataType": "String", "StringValue": "SDK_CLIENT_ERROR"},
        "RAW": {"DataType": "Binary", "BinaryValue": base64.b64encode(b"\x01\x02").decode()},
    }


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:sqs:us-east-1:000000000000:never-created",
        "arn:aws:sqs:eu-west-1:000000000000:{name}",
        "arn:aws:sqs:us-east-1:123456789012:{name}",
        "not an arn",
    ],
)
async def test_send_to_arn_of_a_missing_queue(service: SqsService, arn: str) -> None:
    name = f"q{uuid.uuid4().hex[:8]}"
    await service.create(name, {}, {})
    with pytest.raises(QueueDoesNotExist, match="does not exist"):
        await service.send_to_arn(arn.format(name=name), "body", {})


async def test_send_to_arn_keeps_the_rules(service: SqsService) -> None:
    queue = await service.create(f"q{uuid.uuid4().hex[:8]}", {"MaximumMessageSize": "1024"}, {})
    with pytest.raises(InvalidParameterValue):
        await service.send_to_arn(queue.arn, "x" * 1025, {})
    with pytest.raises(InvalidParameterValue):
        await service.send_to_arn(queue.arn, "m", {"n": {"DataType": "Number", "StringValue": "x"}})
    with pytest.raises(InvalidMessageContents):
        await service.send_to_arn(queue.arn, "\x00", {})


async def test_messages_past_the_retention_period_are_dropped(store: Store) -> None:
    now = [1_700_000_000.0]
    service = SqsService(Context(settings=Settings(), store=store, clock=lambda: now[0]))
    name = f"q{uuid.uuid4().hex[:8]}"
    await service.create(name, {"MessageRetentionPeriod": "60"}, {})
    await service.send(name, OutgoingMessage("old"))
    now[0] += 61
    await service.send(name, OutgoingMessage("new"))
    received = await service.receive(name, max_messages=10)
    assert [m.body for m in received] == ["new"]
    stats = await service.attributes(name, ["ApproximateNumberOfMessages"])
    assert stats == {"ApproximateNumberOfMessages": "0"}
