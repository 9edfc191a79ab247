"""The AmazonSQS operations over AWS JSON 1.0: wire shapes in, service calls, wire shapes out.

Besides renaming members, this module knows queue URLs: ``http://<host>/<account>/<name>``
with the host the client called, so a URL works with whatever endpoint the client used.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from eventbus.handlers.wire import Wire, compact
from eventbus.protocol.awsjson import AwsJsonService, Handler, current_request
from eventbus.protocol.shapes import ShapeValidators, load_service_model
from eventbus.sqs.errors import (
    InvalidAddress,
    InvalidAttributeName,
    QueueDoesNotExist,
    render_error,
)
from eventbus.sqs.messages import MessageAttribute
from eventbus.sqs.queues import KNOWN_ATTRIBUTES, Queue
from eventbus.sqs.service import (
    SYSTEM_ATTRIBUTES,
    BatchResult,
    OutgoingMessage,
    ReceivedMessage,
    SentMessage,
    SqsService,
)

TARGET_PREFIX = "AmazonSQS"
CONTENT_TYPE = "application/x-amz-json-1.0"


class SqsValidators(ShapeValidators):
    """The model's checks, after the attribute names SQS itself checks.

    SQS answers an unknown attribute name with ``InvalidAttributeName``, where the model's
    enums would give a ValidationException; and ReceiveMessage's ``AttributeNames``, typed
    with the names of queue attributes, carries message system attributes in practice.
    """

    _QUEUE_NAMES = KNOWN_ATTRIBUTES | {"All"}
    _SYSTEM_NAMES = frozenset(SYSTEM_ATTRIBUTES) | {
        "All",
        "SequenceNumber",
        "MessageDeduplicationId",
        "MessageGroupId",
    }

    def validate_input(self, operation: str, body: Any) -> None:
        if isinstance(body, dict):
            body = dict(body)
            if operation in ("CreateQueue", "SetQueueAttributes"):
                attributes = body.get("Attributes")
                if isinstance(attributes, dict):
                    self._check_names(attributes, self._QUEUE_NAMES)
            elif operation == "GetQueueAttributes":
                self._check_names(body.get("AttributeNames"), self._QUEUE_NAMES)
            elif operation == "ReceiveMessage":
                for member in ("AttributeNames", "MessageSystemAttributeNames"):
                    names = body.get(member)
                    self._check_names(names, self._SYSTEM_NAMES | self._QUEUE_NAMES)
                    if isinstance(names, list) and all(isinstance(n, str) for n in names):
                        del body[member]  # checked above, against the names SQS takes
        super().validate_input(operation, body)

    @staticmethod
    def _check_names(names: Any, known: frozenset[str]) -> None:
        if not isinstance(names, Iterable) or isinstance(names, str):
            return  # the model's checks report the wrong type
        for name in names:
            if isinstance(name, str) and name not in known:
                raise InvalidAttributeName(f"Unknown Attribute {name}.")


@functools.cache
def _validators() -> SqsValidators:
    return SqsValidators(load_service_model("sqs"))


class _Urls:
    """Queue URLs for the request being answered."""

    def __init__(self, account_id: str, default_host: str) -> None:
        self._account = account_id
        self._default_host = default_host

    def url(self, name: str) -> str:
        request = current_request.get()
        if request is None:
            return f"http://{self._default_host}/{self._account}/{name}"
        host = request.headers.get("host") or self._default_host
        return f"{request.url.scheme}://{host}/{self._account}/{name}"

    def name(self, url: str) -> str:
        """The queue name of a QueueUrl; any host is fine, the account must be ours."""
        parts = urlsplit(url)
        if not parts.scheme or not parts.netloc:
            raise InvalidAddress(f"The address {url} is not valid for this endpoint.")
        segments = parts.path.strip("/").split("/")
        if len(segments) != 2 or segments[0] != self._account:
            raise QueueDoesNotExist()
        return segments[1]


def _attributes_wire(attributes: Mapping[str, MessageAttribute]) -> Wire | None:
    return {name: value.wire() for name, value in attributes.items()} or None


def _message_wire(message: ReceivedMessage) -> Wire:
    return compact(
        MessageId=message.id,
        ReceiptHandle=message.receipt_handle,
        MD5OfBody=message.md5_of_body,
        Body=message.body,
        Attributes=message.system or None,
        MD5OfMessageAttributes=message.md5_of_attributes,
        MessageAttributes=_attributes_wire(message.attributes),
    )


def _sent_wire(sent: SentMessage) -> Wire:
    return compact(
        MessageId=sent.id,
        MD5OfMessageBody=sent.md5_of_body,
        MD5OfMessageAttributes=sent.md5_of_attributes,
        MD5OfMessageSystemAttributes=sent.md5_of_system_attributes,
    )


def _batch_wire(result: BatchResult, success: Callable[[str, SentMessage | None], Wire]) -> Wire:
    return {
        "Successful": [success(entry_id, value) for entry_id, value in result.successful.items()],
        "Failed": [
            compact(Id=f.id, SenderFault=f.sender_fault, Code=f.code, Message=f.message)
            for f in result.failed
        ],
    }


def _outgoing(req: Wire) -> OutgoingMessage:
    return OutgoingMessage(
        body=req["MessageBody"],
        delay_seconds=req.get("DelaySeconds"),
        attributes=req.get("MessageAttributes") or {},
        system=req.get("MessageSystemAttributes") or {},
    )


def handlers(s: SqsService, urls: _Urls) -> dict[str, Handler]:
    def queue_name(req: Wire) -> str:
        return urls.name(req["QueueUrl"])

    def queue_wire(queue: Queue) -> str:
        return urls.url(queue.name)

    async def create_queue(req: Wire) -> Wire:
        queue = await s.create(req["QueueName"], req.get("Attributes") or {}, req.get("tags") or {})
        return {"QueueUrl": queue_wire(queue)}

    async def get_queue_url(req: Wire) -> Wire:
        owner = req.get("QueueOwnerAWSAccountId")
        if owner is not None and owner != s.account_id:
            raise QueueDoesNotExist()
        return {"QueueUrl": queue_wire(await s.get(req["QueueName"]))}

    async def list_queues(req: Wire) -> Wire:
        page = await s.page(
            req.get("QueueNamePrefix") or "", req.get("NextToken"), req.get("MaxResults")
        )
        return compact(
            QueueUrls=[queue_wire(queue) for queue in page.items] or None,
            NextToken=page.next_token,
        )

    async def delete_queue(req: Wire) -> None:
        await s.delete(queue_name(req))

    async def get_queue_attributes(req: Wire) -> Wire:
        values = await s.attributes(queue_name(req), req.get("AttributeNames") or [])
        return compact(Attributes=values or None)

    async def set_queue_attributes(req: Wire) -> None:
        await s.set_attributes(queue_name(req), req["Attributes"])

    async def purge_queue(req: Wire) -> None:
        await s.purge(queue_name(req))

    async def tag_queue(req: Wire) -> None:
        await s.tag(queue_name(req), req["Tags"])

    async def untag_queue(req: Wire) -> None:
        await s.untag(queue_name(req), req["TagKeys"])

    async def list_queue_tags(req: Wire) -> Wire:
        return compact(Tags=await s.tags(queue_name(req)) or None)

    async def send_message(req: Wire) -> Wire:
        return _sent_wire(await s.send(queue_name(req), _outgoing(req)))

    async def send_message_batch(req: Wire) -> Wire:
        name = queue_name(req)
        entries = [(entry["Id"], _outgoing(entry)) for entry in req["Entries"]]
        result = await s.send_batch(name, entries)
        return _batch_wire(
            result, lambda entry_id, sent: {"Id": entry_id, **(_sent_wire(sent) if sent else {})}
        )

    async def receive_message(req: Wire) -> Wire:
        messages = await s.receive(
            queue_name(req),
            max_messages=req.get("MaxNumberOfMessages"),
            visibility=req.get("VisibilityTimeout"),
            wait=req.get("WaitTimeSeconds"),
            system_attributes=[
                *(req.get("AttributeNames") or ()),
                *(req.get("MessageSystemAttributeNames") or ()),
            ],
            message_attributes=req.get("MessageAttributeNames") or (),
        )
        return compact(Messages=[_message_wire(m) for m in messages] or None)

    async def delete_message(req: Wire) -> None:
        await s.delete_message(queue_name(req), req["ReceiptHandle"])

    async def delete_message_batch(req: Wire) -> Wire:
        entries = [(entry["Id"], entry["ReceiptHandle"]) for entry in req["Entries"]]
        result = await s.delete_batch(queue_name(req), entries)
        return _batch_wire(result, lambda entry_id, _: {"Id": entry_id})

    async def change_message_visibility(req: Wire) -> None:
        await s.change_visibility(queue_name(req), req["ReceiptHandle"], req["VisibilityTimeout"])

    async def change_message_visibility_batch(req: Wire) -> Wire:
        entries = [
            (entry["Id"], entry["ReceiptHandle"], entry.get("VisibilityTimeout") or 0)
            for entry in req["Entries"]
        ]
        result = await s.change_visibility_batch(queue_name(req), entries)
        return _batch_wire(result, lambda entry_id, _: {"Id": entry_id})

    return {
        "CreateQueue": create_queue,
        "GetQueueUrl": get_queue_url,
        "ListQueues": list_queues,
        "DeleteQueue": delete_queue,
        "GetQueueAttributes": get_queue_attributes,
        "SetQueueAttributes": set_queue_attributes,
        "PurgeQueue": purge_queue,
        "TagQueue": tag_queue,
        "UntagQueue": untag_queue,
        "ListQueueTags": list_queue_tags,
        "SendMessage": send_message,
        "SendMessageBatch": send_message_batch,
        "ReceiveMessage": receive_message,
        "DeleteMessage": delete_message,
        "DeleteMessageBatch": delete_message_batch,
        "ChangeMessageVisibility": change_message_visibility,
        "ChangeMessageVisibilityBatch": change_message_visibility_batch,
    }


def sqs_json_service(service: SqsService, default_host: str) -> AwsJsonService:
    """The AmazonSQS door of the app; ``default_host`` names queues outside a request."""
    return AwsJsonService(
        target_prefix=TARGET_PREFIX,
        validators=_validators(),
        handlers=handlers(service, _Urls(service.account_id, default_host)),
        content_type=CONTENT_TYPE,
        render_error=render_error,
    )
