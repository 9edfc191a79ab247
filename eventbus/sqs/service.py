"""The SQS-compatible queues: lifecycle, attributes, sending and receiving, and the small
Python API the event bus uses to put events into queues (``send_to_arn``).

A queue is a document (``queues.Queue``); its messages are ``messages.StoredMessage`` values
in the store queue ``sqs:<name>``, which gives them delays, visibility timeouts and receive
counts. On top of the store, receiving applies the queue's retention period (a message older
than it is dropped when it comes up) and its redrive policy (a message received more often
than ``maxReceiveCount`` moves to the dead-letter queue instead of being returned).

A receipt handle is the store's receipt together with the queue name, base64-encoded, so
that a handle of another queue or a made-up one is told apart from a stale one: SQS refuses
the first with ``ReceiptHandleIsInvalid`` and, for DeleteMessage, accepts the second without
deleting anything.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eventbus.context import Context
from eventbus.documents import Collection, Page
from eventbus.errors import ValidationError
from eventbus.sqs.errors import (
    BatchEntryIdsNotDistinct,
    BatchRequestTooLong,
    EmptyBatchRequest,
    InvalidBatchEntryId,
    InvalidParameterValue,
    QueueDoesNotExist,
    QueueNameExists,
    ReceiptHandleIsInvalid,
    SqsError,
    TooManyEntriesInBatchRequest,
)
from eventbus.sqs.messages import (
    Attributes,
    StoredMessage,
    check_body,
    md5_of_attributes,
    md5_of_body,
    message_size,
    parse_attributes,
    select_attributes,
)
from eventbus.sqs.queues import (
    KNOWN_ATTRIBUTES,
    MAX_MESSAGE_BYTES,
    Queue,
    QueueArn,
    QueueConfig,
    check_name,
    differing_attribute,
    is_valid_name,
    parse_arn,
    store_queue,
)
from eventbus.sqs.queues import parse_attributes as parse_queue_attributes
from eventbus.store import QueueMessage

log = logging.getLogger(__name__)

KIND = "sqs-queue"

MAX_BATCH_ENTRIES = 10
MAX_TAGS = 50
_MAX_LIST_RESULTS = 1000

#: System attributes of a received message a client may ask for (FIFO ones aside).
SYSTEM_ATTRIBUTES = (
    "SenderId",
    "SentTimestamp",
    "ApproximateReceiveCount",
    "ApproximateFirstReceiveTimestamp",
    "AWSTraceHeader",
    "DeadLetterQueueSourceArn",
)


_BATCH_ENTRY_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")

#: Message attributes as the SQS wire has them: ``{name: {"DataType": ..., "StringValue":
#: ...}}``; a ``BinaryValue`` is base64 text, or bytes through the Python API.
WireAttributes = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """A message to send, unchecked; ``delay_seconds`` None means the queue's DelaySeconds."""

    body: str
    delay_seconds: int | None = None
    attributes: WireAttributes = field(default_factory=dict)
    #: Only AWSTraceHeader exists.
    system: WireAttributes = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SentMessage:
    id: str
    md5_of_body: str
    md5_of_attributes: str | None
    md5_of_system_attributes: str | None


@dataclass(frozen=True, slots=True)
class ReceivedMessage:
    id: str
    receipt_handle: str
    body: str
    md5_of_body: str
    #: Only the message attributes asked for, and their digest.
    attributes: Attributes
    md5_of_attributes: str | None
    #: Only the system attributes asked for, as strings.
    system: dict[str, str]


@dataclass(frozen=True, slots=True)
class BatchFailure:
    """Why one entry of a batch failed, as SQS reports it."""

    id: str
    code: str
    message: str
    sender_fault: bool = True

    @classmethod
    def of(cls, entry_id: str, error: SqsError) -> BatchFailure:
        return cls(entry_id, error.query_code, error.message, error.fault == "Sender")


@dataclass(frozen=True, slots=True)
class BatchResult:
    #: Entry id -> what the operation gives back for it (None when nothing).
    successful: dict[str, SentMessage | None]
    failed: list[BatchFailure]


def _receipt_handle(queue: str, receipt: str) -> str:
    return base64.urlsafe_b64encode(f"{queue}/{receipt}".encode()).decode()


def _store_receipt(queue: str, handle: str) -> str:
    """The store receipt inside a handle given for ``queue``; raises when it is not one."""
    try:
        decoded = base64.urlsafe_b64decode(handle.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    name, slash, receipt = decoded.partition("/")
    if not slash or name != queue or not receipt or _receipt_handle(name, receipt) != handle:
        raise ReceiptHandleIsInvalid(
            f'The input receipt handle "{handle}" is not a valid receipt handle.'
        )
    return receipt


def _check_range(parameter: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise InvalidParameterValue(
            f"Value {value} for parameter {parameter} is invalid. Reason: Must be between "
            f"{low} and {high}, if provided."
        )


def _check_batch(ids: Sequence[str]) -> None:
    if not ids:
        raise EmptyBatchRequest("There should be at least one SendMessageBatchRequestEntry.")
    if len(ids) > MAX_BATCH_ENTRIES:
        raise TooManyEntriesInBatchRequest(
            f"Maximum number of entries per request are {MAX_BATCH_ENTRIES}. You have sent "
            f"{len(ids)}."
        )
    for entry_id in ids:
        if not _BATCH_ENTRY_ID.fullmatch(entry_id):
            raise InvalidBatchEntryId(
                "A batch entry id can only contain alphanumeric characters, hyphens and "
                "underscores. It can be at most 80 letters long."
            )
    if len(set(ids)) != len(ids):
        raise BatchEntryIdsNotDistinct("Two or more batch entries in the request have the same Id.")


class SqsService:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._queues = Collection(ctx.store, KIND, Queue)

    # -- queues ----------------------------------------------------------------------------

    @property
    def account_id(self) -> str:
        return self._ctx.settings.account_id

    def arn(self, name: str) -> str:
        return f"arn:aws:sqs:{self._ctx.settings.region}:{self.account_id}:{name}"

    async def get(self, name: str) -> Queue:
        queue = await self._queues.get(name) if is_valid_name(name) else None
        if queue is None:
            raise QueueDoesNotExist()
        return queue

    async def create(
        self, name: str, attributes: Mapping[str, str], tags: Mapping[str, str]
    ) -> Queue:
        """Create a queue, or return the existing one when the attributes given match it."""
        check_name(name)
        fields = parse_queue_attributes(attributes)
        await self._check_redrive(name, fields)
        self._check_tags(tags)
        now = int(self._ctx.clock())
        queue = Queue(
            name=name,
            arn=self.arn(name),
            created=now,
            modified=now,
            config=QueueConfig(**fields),
            tags=dict(tags),
        )
        while not await self._queues.create(name, queue):
            existing = await self._queues.get(name)
            if existing is None:
                continue  # deleted meanwhile: create it after all
            differing = differing_attribute(existing.config, fields)
            if differing is not None:
                raise QueueNameExists(
                    "A queue already exists with the same name and a different value for "
                    f"attribute {differing}"
                )
            return existing
        return queue

    async def delete(self, name: str) -> None:
        await self.get(name)
        await self._queues.delete(name)
        # A message sent while the queue was being deleted may stay behind; SQS, too, tells
        # clients to wait before creating a queue of the same name.
        await self._ctx.store.purge(store_queue(name))

    async def page(self, prefix: str, token: str | None, limit: int | None) -> Page[Queue]:
        """Queues whose name starts with ``prefix``; a next token only when ``limit`` is set."""
        if limit is not None:
            _check_range("MaxResults", limit, 1, _MAX_LIST_RESULTS)
        try:
            page = await self._queues.page(
                prefix=prefix, token=token, limit=limit or _MAX_LIST_RESULTS
            )
        except ValidationError:
            raise InvalidParameterValue("Invalid NextToken value.") from None
        return page if limit is not None else Page(page.items, None)

    async def set_attributes(self, name: str, attributes: Mapping[str, str]) -> None:
        fields = parse_queue_attributes(attributes)
        await self._check_redrive(name, fields)
        now = int(self._ctx.clock())

        def change(queue: Queue) -> Queue:
            config = queue.config.model_copy(update=fields)
            return queue.model_copy(update={"config": config, "modified": now})

        if await self._queues.update(name, change) is None:
            raise QueueDoesNotExist()

    async def attributes(self, name: str, names: Sequence[str]) -> dict[str, str]:
        """The attributes asked for ("All": every one) that the queue has."""
        queue = await self.get(name)
        wanted = KNOWN_ATTRIBUTES if "All" in names else frozenset(names)
        values = queue.config.wire()
        values.update(
            QueueArn=queue.arn,
            CreatedTimestamp=str(queue.created),
            LastModifiedTimestamp=str(queue.modified),
        )
        if wanted & {
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        }:
            stats = await self._ctx.store.queue_stats(store_queue(name))
            values.update(
                ApproximateNumberOfMessages=str(stats.visible),
                ApproximateNumberOfMessagesNotVisible=str(stats.in_flight),
                ApproximateNumberOfMessagesDelayed=str(stats.delayed),
            )
        return {key: value for key, value in values.items() if key in wanted}

    async def purge(self, name: str) -> None:
        await self.get(name)
        await self._ctx.store.purge(store_queue(name))

    async def tags(self, name: str) -> dict[str, str]:
        return dict((await self.get(name)).tags)

    async def tag(self, name: str, tags: Mapping[str, str]) -> None:
        def change(queue: Queue) -> Queue:
            merged = {**queue.tags, **tags}
            self._check_tags(merged)
            return queue.model_copy(update={"tags": merged})

        if not is_valid_name(name) or await self._queues.update(name, change) is None:
            raise QueueDoesNotExist()

    async def untag(self, name: str, keys: Sequence[str]) -> None:
        def change(queue: Queue) -> Queue:
            kept = {key: value for key, value in queue.tags.items() if key not in keys}
            return queue.model_copy(update={"tags": kept})

        if not is_valid_name(name) or await self._queues.update(name, change) is None:
            raise QueueDoesNotExist()

    async def _check_redrive(self, name: str, fields: Mapping[str, Any]) -> None:
        redrive = QueueConfig(redrive_policy=fields.get("redrive_policy")).redrive()
        if redrive is None:
            return
        target = parse_arn(redrive.dead_letter_target_arn)
        local = None if target is None else self._local(target)
        if local == name:
            reason = "A queue cannot be its own dead-letter queue."
        elif local is None or await self._queues.get(local) is None:
            reason = "Dead letter target does not exist."
        else:
            return
        raise InvalidParameterValue(
            f"Value {fields['redrive_policy']} for parameter RedrivePolicy is invalid. "
            f"Reason: {reason}"
        )

    def _local(self, arn: QueueArn) -> str | None:
        """The queue name of a parsed ARN when it is of this region and account."""
        if arn.region != self._ctx.settings.region or arn.account != self.account_id:
            return None
        return arn.name

    @staticmethod
    def _check_tags(tags: Mapping[str, str]) -> None:
        if len(tags) > MAX_TAGS:
            raise InvalidParameterValue(f"Too many tags: a queue can have at most {MAX_TAGS}.")
        for key, value in tags.items():
            if not 1 <= len(key) <= 128 or len(value) > 256:
                raise InvalidParameterValue(
                    f"Tag {key!r} is invalid: keys have 1 to 128 characters, values at most 256."
                )

    # -- sending ---------------------------------------------------------------------------

    async def send(self, name: str, message: OutgoingMessage) -> SentMessage:
        queue = await self.get(name)
        stored, delay, sent = self._prepare(queue, message)
        await self._ctx.store.enqueue(
            store_queue(name), [(stored.model_dump_json().encode(), delay)]
        )
        return sent

    async def send_batch(
        self, name: str, entries: Sequence[tuple[str, OutgoingMessage]]
    ) -> BatchResult:
        """Send the entries that are valid in one step; report the others one by one."""
        _check_batch([entry_id for entry_id, _ in entries])
        queue = await self.get(name)
        prepared: list[tuple[str, StoredMessage, float, SentMessage]] = []
        failed: list[BatchFailure] = []
        for entry_id, message in entries:
            try:
                prepared.append((entry_id, *self._prepare(queue, message)))
            except SqsError as error:
                failed.append(BatchFailure.of(entry_id, error))
        total = sum(message_size(stored.body, stored.attributes) for _, stored, _, _ in prepared)
        if total > MAX_MESSAGE_BYTES:
            raise BatchRequestTooLong(
                f"Batch requests cannot be longer than {MAX_MESSAGE_BYTES} bytes. You have sent "
                f"{total} bytes."
            )
        items = [(stored.model_dump_json().encode(), delay) for _, stored, delay, _ in prepared]
        successful: dict[str, SentMessage | None] = {
            entry_id: sent for entry_id, _, _, sent in prepared
        }
        if items:
            await self._ctx.store.enqueue(store_queue(name), items)
        return BatchResult(successful, failed)

    async def send_to_arn(
        self, queue_arn: str, body: str, attributes: WireAttributes | None = None
    ) -> str:
        """Send a message to the queue of an ARN; its message id.

        ``attributes`` are message attributes as the SQS wire has them
        (``{"ERROR_CODE": {"DataType": "String", "StringValue": "..."}}``; a ``BinaryValue``
        may be bytes). Raises ``QueueDoesNotExist`` when no queue of this region and account
        has the ARN, and ``InvalidParameterValue`` or ``InvalidMessageContents`` when the
        message breaks SQS's rules (size, characters, attributes) — errors a retry cannot
        fix.
        """
        parsed = parse_arn(queue_arn)
        name = None if parsed is None else self._local(parsed)
        missing = QueueDoesNotExist(f"The queue {queue_arn} does not exist.")
        if name is None:
            raise missing
        try:
            sent = await self.send(name, OutgoingMessage(body, attributes=attributes or {}))
        except QueueDoesNotExist:
            raise missing from None
        return sent.id

    def _prepare(
        self, queue: Queue, message: OutgoingMessage
    ) -> tuple[StoredMessage, float, SentMessage]:
        check_body(message.body)
        attributes = parse_attributes(message.attributes)
        system = parse_attributes(message.system)
        limit = queue.config.maximum_message_size
        if message_size(message.body, attributes) > limit:
            raise InvalidParameterValue(
                f"One or more parameters are invalid. Reason: Message must be shorter than "
                f"{limit} bytes."
            )
        delay = queue.config.delay_seconds
        if message.delay_seconds is not None:
            delay = message.delay_seconds
            if not 0 <= delay <= 900:
                raise InvalidParameterValue(
                    f"Value {delay} for parameter DelaySeconds is invalid. Reason: "
                    "DelaySeconds must be >= 0 and <= 900."
                )
        stored = StoredMessage(
            id=str(uuid.uuid4()),
            body=message.body,
            attributes=attributes,
            system=system,
            sent=int(self._ctx.clock() * 1000),
        )
        sent = SentMessage(
            id=stored.id,
            md5_of_body=md5_of_body(message.body),
            md5_of_attributes=md5_of_attributes(attributes),
            md5_of_system_attributes=md5_of_attributes(system),
        )
        return stored, float(delay), sent

    # -- receiving -------------------------------------------------------------------------

    async def receive(
        self,
        name: str,
        *,
        max_messages: int | None = None,
        visibility: int | None = None,
        wait: int | None = None,
        system_attributes: Sequence[str] = (),
        message_attributes: Sequence[str] = (),
    ) -> list[ReceivedMessage]:
        """Up to ``max_messages`` (1-10) messages; waits up to ``wait`` seconds (0-20, the
        queue's ReceiveMessageWaitTimeSeconds when None) for one to arrive."""
        count = 1 if max_messages is None else max_messages
        _check_range("MaxNumberOfMessages", count, 1, 10)
        if visibility is not None:
            _check_range("VisibilityTimeout", visibility, 0, 43_200)
        if wait is not None:
            _check_range("WaitTimeSeconds", wait, 0, 20)
        queue = await self.get(name)
        config = queue.config
        hidden_for = config.visibility_timeout if visibility is None else visibility
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (
            config.receive_message_wait_time_seconds if wait is None else wait
        )
        while True:
            taken = await self._ctx.store.receive(
                store_queue(name),
                max_messages=count,
                visibility=hidden_for,
                wait=max(deadline - loop.time(), 0.0),
            )
            received = [
                kept
                for message in taken
                if (kept := await self._keep(queue, message, system_attributes, message_attributes))
            ]
            # Messages dropped by retention or redrive do not end a long poll early.
            if received or not taken or loop.time() >= deadline:
                return received

    async def _keep(
        self,
        queue: Queue,
        message: QueueMessage,
        system_attributes: Sequence[str],
        message_attributes: Sequence[str],
    ) -> ReceivedMessage | None:
        """The message as the receiver gets it, or None when it expired or was redriven."""
        store = self._ctx.store
        try:
            stored = StoredMessage.model_validate_json(message.data)
        except ValueError:
            log.error("unreadable message %s in queue %s dropped", message.id, queue.name)
            await store.delete_message(store_queue(queue.name), message.receipt)
            return None
        now_ms = int(self._ctx.clock() * 1000)
        if now_ms - stored.sent > queue.config.message_retention_period * 1000:
            await store.delete_message(store_queue(queue.name), message.receipt)
            return None
        redrive = queue.config.redrive()
        if (
            redrive is not None
            and message.receive_count > redrive.max_receive_count
            and await self._move_to_dead_letter(queue, redrive.dead_letter_target_arn, stored)
        ):
            await store.delete_message(store_queue(queue.name), message.receipt)
            return None
        selected = select_attributes(stored.attributes, list(message_attributes))
        return ReceivedMessage(
            id=stored.id,
            receipt_handle=_receipt_handle(queue.name, message.receipt),
            body=stored.body,
            md5_of_body=md5_of_body(stored.body),
            attributes=selected,
            md5_of_attributes=md5_of_attributes(selected),
            system=self._system_attributes(stored, message, system_attributes),
        )

    async def _move_to_dead_letter(
        self, queue: Queue, target_arn: str, stored: StoredMessage
    ) -> bool:
        """Put the message in the dead-letter queue; False when that queue is gone."""
        parsed = parse_arn(target_arn)
        target = None if parsed is None else self._local(parsed)
        if target is None or await self._queues.get(target) is None:
            log.warning("dead-letter queue %s of %s does not exist", target_arn, queue.arn)
            return False
        moved = stored.model_copy(update={"dead_letter_source": queue.arn})
        await self._ctx.store.enqueue(
            store_queue(target), [(moved.model_dump_json().encode(), 0.0)]
        )
        return True

    def _system_attributes(
        self, stored: StoredMessage, message: QueueMessage, names: Sequence[str]
    ) -> dict[str, str]:
        wanted = set(SYSTEM_ATTRIBUTES) if "All" in names else set(names)
        values = {
            "SenderId": self._ctx.settings.account_id,
            "SentTimestamp": str(stored.sent),
            "ApproximateReceiveCount": str(message.receive_count),
            "ApproximateFirstReceiveTimestamp": str(int(message.first_received_at * 1000)),
        }
        trace = stored.system.get("AWSTraceHeader")
        if trace is not None and trace.string_value is not None:
            values["AWSTraceHeader"] = trace.string_value
        if stored.dead_letter_source is not None:
            values["DeadLetterQueueSourceArn"] = stored.dead_letter_source
        return {key: value for key, value in values.items() if key in wanted}

    # -- after receiving -------------------------------------------------------------------

    async def delete_message(self, name: str, handle: str) -> None:
        """Delete a received message. A stale handle (the message was received again since,
        or is gone) deletes nothing and is no error, as on SQS."""
        await self.get(name)
        await self._ctx.store.delete_message(store_queue(name), _store_receipt(name, handle))

    async def delete_batch(self, name: str, entries: Sequence[tuple[str, str]]) -> BatchResult:
        _check_batch([entry_id for entry_id, _ in entries])
        await self.get(name)
        successful: dict[str, SentMessage | None] = {}
        failed: list[BatchFailure] = []
        receipts: list[tuple[str, str]] = []
        for entry_id, handle in entries:
            try:
                receipts.append((entry_id, _store_receipt(name, handle)))
            except SqsError as error:
                failed.append(BatchFailure.of(entry_id, error))
        # Concurrent, so that stores that group deletes write them together.
        await asyncio.gather(
            *(self._ctx.store.delete_message(store_queue(name), r) for _, r in receipts)
        )
        successful.update((entry_id, None) for entry_id, _ in receipts)
        return BatchResult(successful, failed)

    async def change_visibility(self, name: str, handle: str, visibility: int) -> None:
        _check_range("VisibilityTimeout", visibility, 0, 43_200)
        await self.get(name)
        changed = await self._ctx.store.change_visibility(
            store_queue(name), _store_receipt(name, handle), visibility
        )
        if not changed:
            raise InvalidParameterValue(
                f"Value {handle} for parameter ReceiptHandle is invalid. Reason: Message does "
                "not exist or is not available for visibility timeout change."
            )

    async def change_visibility_batch(
        self, name: str, entries: Sequence[tuple[str, str, int]]
    ) -> BatchResult:
        _check_batch([entry_id for entry_id, _, _ in entries])
        await self.get(name)
        successful: dict[str, SentMessage | None] = {}
        failed: list[BatchFailure] = []
        for entry_id, handle, visibility in entries:
            try:
                await self.change_visibility(name, handle, visibility)
            except SqsError as error:
                failed.append(BatchFailure.of(entry_id, error))
            else:
                successful[entry_id] = None
        return BatchResult(successful, failed)
