"""Errors of the SQS-compatible API, each carrying the codes AWS gives it.

SQS moved from the Query protocol to AWS JSON 1.0 and kept its Query-era error codes: a
JSON error names the modeled exception in ``__type`` (``com.amazonaws.sqs#QueueDoesNotExist``)
and the old code and fault in an ``x-amzn-query-error`` header
(``AWS.SimpleQueueService.NonExistentQueue;Sender``). botocore raises the modeled class
(``client.exceptions.QueueDoesNotExist``) from the first and reports the second as
``response["Error"]["Code"]``, which code written for the Query protocol compares against.
Errors AWS does not model (invalid parameter values) come from AWS's service framework, so
their ``__type`` lives in its namespace.

    SqsError (an EventsError, so the JSON protocol layer catches it)
    ├── QueueDoesNotExist           AWS.SimpleQueueService.NonExistentQueue
    ├── QueueNameExists             QueueAlreadyExists
    ├── InvalidAttributeName        InvalidAttributeName
    ├── InvalidAttributeValue       InvalidAttributeValue
    ├── InvalidAddress              InvalidAddress
    ├── ReceiptHandleIsInvalid      ReceiptHandleIsInvalid
    ├── InvalidMessageContents      InvalidMessageContents
    ├── UnsupportedOperation        AWS.SimpleQueueService.UnsupportedOperation
    ├── TooManyEntriesInBatchRequest, EmptyBatchRequest, BatchEntryIdsNotDistinct,
    │   InvalidBatchEntryId, BatchRequestTooLong      AWS.SimpleQueueService.<same>
    └── InvalidParameterValue       InvalidParameterValue (not modeled)
"""

from __future__ import annotations

from typing import Any, ClassVar

from eventbus.errors import EventsError

_SQS = "com.amazonaws.sqs"
_FRAMEWORK = "com.amazon.coral.service"


class SqsError(EventsError):
    #: The modeled exception's shape name, which botocore maps to a class.
    code = "InternalError"
    namespace: ClassVar[str] = _SQS
    #: The Query-era code in ``x-amzn-query-error``.
    query_code: ClassVar[str] = "InternalError"
    #: Whose fault it is, as the Query protocol said: ``Sender`` or ``Receiver``.
    fault: ClassVar[str] = "Sender"


class QueueDoesNotExist(SqsError):
    code = "QueueDoesNotExist"
    query_code = "AWS.SimpleQueueService.NonExistentQueue"

    def __init__(self, message: str = "The specified queue does not exist.") -> None:
        super().__init__(message)


class QueueNameExists(SqsError):
    code = "QueueNameExists"
    query_code = "QueueAlreadyExists"


class InvalidAttributeName(SqsError):
    code = "InvalidAttributeName"
    query_code = "InvalidAttributeName"


class InvalidAttributeValue(SqsError):
    code = "InvalidAttributeValue"
    query_code = "InvalidAttributeValue"


class InvalidAddress(SqsError):
    code = "InvalidAddress"
    query_code = "InvalidAddress"


class ReceiptHandleIsInvalid(SqsError):
    code = "ReceiptHandleIsInvalid"
    query_code = "ReceiptHandleIsInvalid"


class InvalidMessageContents(SqsError):
    code = "InvalidMessageContents"
    query_code = "InvalidMessageContents"


class UnsupportedOperation(SqsError):
    code = "UnsupportedOperation"
    query_code = "AWS.SimpleQueueService.UnsupportedOperation"


class TooManyEntriesInBatchRequest(SqsError):
    code = "TooManyEntriesInBatchRequest"
    query_code = "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"


class EmptyBatchRequest(SqsError):
    code = "EmptyBatchRequest"
    query_code = "AWS.SimpleQueueService.EmptyBatchRequest"


class BatchEntryIdsNotDistinct(SqsError):
    code = "BatchEntryIdsNotDistinct"
    query_code = "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"


class InvalidBatchEntryId(SqsError):
    code = "InvalidBatchEntryId"
    query_code = "AWS.SimpleQueueService.InvalidBatchEntryId"


class BatchRequestTooLong(SqsError):
    code = "BatchRequestTooLong"
    query_code = "AWS.SimpleQueueService.BatchRequestTooLong"


class InvalidParameterValue(SqsError):
    code = "InvalidParameterValueException"
    namespace = _FRAMEWORK
    query_code = "InvalidParameterValue"


def render_error(error: EventsError) -> tuple[dict[str, Any], dict[str, str]]:
    """An error as SQS writes it; errors of the protocol layer keep their generic form."""
    if not isinstance(error, SqsError):
        return {"__type": error.code, "message": error.message}, {}
    return (
        {"__type": f"{error.namespace}#{error.code}", "message": error.message},
        {"x-amzn-query-error": f"{error.query_code};{error.fault}"},
    )
