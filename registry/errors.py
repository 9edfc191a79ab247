"""Errors of the Schemas service, each carrying AWS's error code and HTTP status.

Every failure a client can cause is one of these classes; ``registry.api.protocol`` turns
them into AWS's REST-JSON error responses (``{"Code", "Message"}`` body and the
``x-amzn-ErrorType`` header, which botocore reads first), so services never build error
bodies themselves.

    SchemasError
    ├── BadRequestError                 BadRequestException, 400
    ├── UnauthorizedError               UnauthorizedException, 401
    ├── ForbiddenError                  ForbiddenException, 403
    ├── NotFoundError                   NotFoundException, 404
    ├── ConflictError                   ConflictException, 409
    ├── PreconditionFailedError         PreconditionFailedException, 412
    ├── TooManyRequestsError            TooManyRequestsException, 429
    ├── InternalServerError             InternalServerErrorException, 500
    └── NotImplementedOperationError    NotImplemented, 501
"""

from __future__ import annotations

from typing import ClassVar


class SchemasError(Exception):
    code: ClassVar[str] = "InternalServerErrorException"
    status: ClassVar[int] = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequestError(SchemasError):
    code = "BadRequestException"
    status = 400


class UnauthorizedError(SchemasError):
    code = "UnauthorizedException"
    status = 401


class ForbiddenError(SchemasError):
    code = "ForbiddenException"
    status = 403


class NotFoundError(SchemasError):
    code = "NotFoundException"
    status = 404


class ConflictError(SchemasError):
    code = "ConflictException"
    status = 409


class PreconditionFailedError(SchemasError):
    code = "PreconditionFailedException"
    status = 412


class TooManyRequestsError(SchemasError):
    code = "TooManyRequestsException"
    status = 429


class InternalServerError(SchemasError):
    code = "InternalServerErrorException"
    status = 500


class NotImplementedOperationError(SchemasError):
    """An operation of AWS's model that this server does not serve (yet)."""

    code = "NotImplemented"
    status = 501
