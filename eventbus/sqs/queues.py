"""Queues as documents: names, ARNs and the attributes a client may set, with AWS's rules.

Attributes travel as strings on the wire (``{"VisibilityTimeout": "30"}``); inside they are
the typed ``QueueConfig``. ``parse_attributes`` checks names and values the way SQS does
(``InvalidAttributeName``, ``InvalidAttributeValue``) and ``QueueConfig.wire`` turns them
back into strings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict

from eventbus.sqs.errors import (
    InvalidAttributeName,
    InvalidAttributeValue,
    InvalidParameterValue,
    UnsupportedOperation,
)

#: AWS's ceiling for a message (body and attributes), and the default of MaximumMessageSize.
#: It was 256 KiB until 2025; the service model now documents 1 MiB.
MAX_MESSAGE_BYTES = 1_048_576

_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
_ARN = re.compile(r"arn:aws[\w-]*:sqs:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):(?P<name>[^:]+)")

#: Attributes SQS computes; asking for them is fine, setting them is not.
READ_ONLY_ATTRIBUTES = frozenset(
    {
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
        "CreatedTimestamp",
        "LastModifiedTimestamp",
        "QueueArn",
    }
)

#: Attributes of FIFO queues, which this service does not offer.
_FIFO_ATTRIBUTES = frozenset(
    {"ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"}
)


class QueueConfig(BaseModel):
    """What a client sets on a queue; the defaults are AWS's."""

    model_config = ConfigDict(frozen=True)

    delay_seconds: int = 0
    maximum_message_size: int = MAX_MESSAGE_BYTES
    message_retention_period: int = 345_600
    receive_message_wait_time_seconds: int = 0
    visibility_timeout: int = 30
    #: JSON documents, kept as given (normalized) and returned as they are.
    policy: str | None = None
    redrive_policy: str | None = None
    redrive_allow_policy: str | None = None
    kms_master_key_id: str | None = None
    kms_data_key_reuse_period_seconds: int | None = None
    sqs_managed_sse_enabled: bool | None = None

    def wire(self) -> dict[str, str]:
        """The attributes that have a value, by their AWS names, as strings."""
        out: dict[str, str] = {}
        for name, spec in _SETTABLE.items():
            value = getattr(self, spec.field)
            if value is not None:
                out[name] = spec.show(value)
        return out

    def redrive(self) -> RedrivePolicy | None:
        if self.redrive_policy is None:
            return None
        document = orjson.loads(self.redrive_policy)
        return RedrivePolicy(document["deadLetterTargetArn"], int(document["maxReceiveCount"]))


@dataclass(frozen=True, slots=True)
class RedrivePolicy:
    dead_letter_target_arn: str
    max_receive_count: int


class Queue(BaseModel):
    """A queue's document; its messages live in the store queue ``store_queue(name)``."""

    name: str
    arn: str
    #: Epoch seconds, as SQS reports them.
    created: int
    modified: int
    config: QueueConfig = QueueConfig()
    tags: dict[str, str] = {}


def store_queue(name: str) -> str:
    """The store queue holding the messages of the SQS queue ``name``."""
    return f"sqs:{name}"


def check_name(name: str) -> None:
    if name.endswith(".fifo"):
        raise UnsupportedOperation(
            f"FIFO queues are not supported by this service: {name} ends with .fifo. "
            "Use a standard queue."
        )
    if not _NAME.fullmatch(name):
        raise InvalidParameterValue(
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
        )


def is_valid_name(name: str) -> bool:
    return _NAME.fullmatch(name) is not None


@dataclass(frozen=True, slots=True)
class QueueArn:
    region: str
    account: str
    name: str


def parse_arn(arn: str) -> QueueArn | None:
    match = _ARN.fullmatch(arn)
    if match is None:
        return None
    return QueueArn(match["region"], match["account"], match["name"])


# -- attributes ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Spec:
    field: str
    parse: Callable[[str, str], Any]
    show: Callable[[Any], str] = str


def _integer(low: int, high: int) -> Callable[[str, str], int]:
    def parse(name: str, text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise InvalidAttributeValue(f"Invalid value for the parameter {name}.") from None
        if not low <= value <= high:
            raise InvalidAttributeValue(
                f"Invalid value for the parameter {name}. Reason: Must be an integer from "
                f"{low} to {high}."
            )
        return value

    return parse


def _json_object(name: str, text: str) -> str:
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError:
        document = None
    if not isinstance(document, dict):
        raise InvalidAttributeValue(f"Invalid value for the parameter {name}: not a JSON object.")
    return orjson.dumps(document).decode()


def _redrive_policy(name: str, text: str) -> str:
    document = orjson.loads(_json_object(name, text))
    target = document.get("deadLetterTargetArn")
    count = document.get("maxReceiveCount")
    if not isinstance(target, str) or parse_arn(target) is None:
        raise InvalidAttributeValue(
            f"Value {text} for parameter RedrivePolicy is invalid. Reason: "
            "deadLetterTargetArn must be the ARN of an SQS queue."
        )
    try:
        receives = int(count) if not isinstance(count, bool) else None
    except (TypeError, ValueError):
        receives = None
    if receives is None or not 1 <= receives <= 1000:
        raise InvalidAttributeValue(
            f"Value {text} for parameter RedrivePolicy is invalid. Reason: Invalid value for "
            "maxReceiveCount: must be an integer from 1 to 1000."
        )
    return orjson.dumps({"deadLetterTargetArn": target, "maxReceiveCount": receives}).decode()


def _boolean(name: str, text: str) -> bool:
    if text.lower() not in ("true", "false"):
        raise InvalidAttributeValue(f"Invalid value for the parameter {name}.")
    return text.lower() == "true"


def _text(name: str, text: str) -> str:
    return text


_SETTABLE: dict[str, _Spec] = {
    "DelaySeconds": _Spec("delay_seconds", _integer(0, 900)),
    "MaximumMessageSize": _Spec("maximum_message_size", _integer(1024, MAX_MESSAGE_BYTES)),
    "MessageRetentionPeriod": _Spec("message_retention_period", _integer(60, 1_209_600)),
    "ReceiveMessageWaitTimeSeconds": _Spec("receive_message_wait_time_seconds", _integer(0, 20)),
    "VisibilityTimeout": _Spec("visibility_timeout", _integer(0, 43_200)),
    "Policy": _Spec("policy", _json_object),
    "RedrivePolicy": _Spec("redrive_policy", _redrive_policy),
    "RedriveAllowPolicy": _Spec("redrive_allow_policy", _json_object),
    "KmsMasterKeyId": _Spec("kms_master_key_id", _text),
    "KmsDataKeyReusePeriodSeconds": _Spec(
        "kms_data_key_reuse_period_seconds", _integer(60, 86_400)
    ),
    "SqsManagedSseEnabled": _Spec(
        "sqs_managed_sse_enabled", _boolean, lambda value: "true" if value else "false"
    ),
}

#: Every attribute name GetQueueAttributes answers to, "All" aside.
KNOWN_ATTRIBUTES = frozenset(_SETTABLE) | READ_ONLY_ATTRIBUTES | _FIFO_ATTRIBUTES | {"FifoQueue"}


def parse_attributes(attributes: Mapping[str, str]) -> dict[str, Any]:
    """Checked attribute values, by ``QueueConfig`` field; raises as SQS does."""
    fields: dict[str, Any] = {}
    for name, text in attributes.items():
        if name == "FifoQueue":
            if _boolean(name, text):
                raise UnsupportedOperation("FIFO queues are not supported by this service.")
            continue
        spec = _SETTABLE.get(name)
        if spec is None:
            raise InvalidAttributeName(f"Unknown Attribute {name}.")
        fields[spec.field] = spec.parse(name, text)
    return fields


def differing_attribute(config: QueueConfig, fields: Mapping[str, Any]) -> str | None:
    """The AWS name of the first attribute whose parsed value differs from ``config``."""
    for name, spec in _SETTABLE.items():
        if spec.field in fields and fields[spec.field] != getattr(config, spec.field):
            return name
    return None
