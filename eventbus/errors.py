"""Errors of the Events service, each carrying AWS's error code and HTTP status.

Every failure a client can cause is one of these classes; one handler in
``eventbus.protocol`` turns them into AWS-shaped responses, so routes and services
never build error bodies themselves.

    EventsError
    ├── ValidationError                 ValidationException, 400
    ├── SerializationError              SerializationException, 400
    ├── UnknownOperationError           UnknownOperationException, 400
    ├── ResourceNotFoundError           ResourceNotFoundException, 400
    ├── ResourceAlreadyExistsError      ResourceAlreadyExistsException, 400
    ├── LimitExceededError              LimitExceededException, 400
    ├── InvalidEventPatternError        InvalidEventPatternException, 400
    ├── ConcurrentModificationError     ConcurrentModificationException, 400
    ├── IllegalStatusError              IllegalStatusException, 400
    ├── InvalidStateError               InvalidStateException, 400
    ├── ManagedRuleError                ManagedRuleException, 400
    └── InternalError                   InternalException, 500
"""

from __future__ import annotations

from typing import ClassVar


class EventsError(Exception):
    code: ClassVar[str] = "InternalException"
    status: ClassVar[int] = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(EventsError):
    code = "ValidationException"


class SerializationError(EventsError):
    code = "SerializationException"


class UnknownOperationError(EventsError):
    code = "UnknownOperationException"


class ResourceNotFoundError(EventsError):
    code = "ResourceNotFoundException"


class ResourceAlreadyExistsError(EventsError):
    code = "ResourceAlreadyExistsException"


class LimitExceededError(EventsError):
    code = "LimitExceededException"


class InvalidEventPatternError(EventsError):
    code = "InvalidEventPatternException"


class ConcurrentModificationError(EventsError):
    code = "ConcurrentModificationException"


class IllegalStatusError(EventsError):
    code = "IllegalStatusException"


class InvalidStateError(EventsError):
    code = "InvalidStateException"


class ManagedRuleError(EventsError):
    code = "ManagedRuleException"


class InternalError(EventsError):
    code = "InternalException"
    status = 500
