"""What travels from the router to the delivery workers, and how a delivery fails."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel


class Delivery(BaseModel):
    """One (event, target) pair to deliver; durable in the deliveries queue."""

    #: ``<event id>:<rule arn>:<target id>``: receivers can drop duplicates by it.
    idempotency_key: str
    event_id: str
    bus: str
    rule_arn: str
    rule_name: str
    #: The target's members exactly as PutTargets stored them (Arn, HttpParameters...).
    target: dict[str, Any]
    #: The request body for the target, already transformed (Input, InputPath...).
    body: str
    #: The event as matched, sent to the dead-letter queue if delivery fails for good.
    event: str
    #: When the bus accepted the event (epoch seconds); bounds MaximumEventAgeInSeconds.
    ingested: float
    #: Buses this event already went through, to stop bus-to-bus loops.
    hops: tuple[str, ...] = ()
    replay_name: str | None = None

    @property
    def target_id(self) -> str:
        return str(self.target["Id"])

    @property
    def target_arn(self) -> str:
        return str(self.target["Arn"])

    def encode(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def decode(cls, data: bytes) -> Delivery:
        return cls.model_validate_json(data)

    def body_json(self) -> Any:
        return orjson.loads(self.body)


class DeliveryFailed(Exception):
    """A target did not accept a delivery.

    ``retryable`` failures (connection errors, timeouts, 429, 5xx) are retried with backoff
    under the target's RetryPolicy; the others go straight to the dead-letter queue.
    ``code`` and ``message`` become the ERROR_CODE and ERROR_MESSAGE attributes of the
    dead-lettered message, as EventBridge sets them.
    """

    def __init__(self, code: str, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retryable = retryable
