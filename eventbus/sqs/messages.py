"""Messages: what a body and its attributes may hold, their MD5 digests, and how a message
is stored in the store queue.

SDKs check the digests SQS returns (the Java and JavaScript SDKs refuse a response whose
digest does not match), so they are computed exactly as AWS does. For attributes, AWS hashes
the attributes sorted by name, each as: name, data type, a transport byte (1 for a string
value, 2 for a binary one) and the value, where name, type and value are each preceded by
their length as a 4-byte big-endian integer.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict

from eventbus.sqs.errors import InvalidMessageContents, InvalidParameterValue

#: At most this many message attributes per message.
MAX_ATTRIBUTES = 10

_ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,256}")
_DATA_TYPE = re.compile(r"(String|Number|Binary)(\..+)?", re.DOTALL)
_RESERVED_PREFIXES = ("aws.", "amazon.")
#: What XML 1.0 allows, which is what SQS allows in bodies and string attributes.
_INVALID_CHARACTER = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class MessageAttribute(BaseModel):
    """One message attribute; a binary value is kept as the base64 text of the wire."""

    model_config = ConfigDict(frozen=True)

    data_type: str
    string_value: str | None = None
    binary_value: str | None = None

    def value_bytes(self) -> bytes:
        if self.binary_value is not None:
            return base64.b64decode(self.binary_value)
        return (self.string_value or "").encode()

    def size(self, name: str) -> int:
        """What the attribute counts towards the message size, as AWS counts it."""
        return len(name.encode()) + len(self.data_type.encode()) + len(self.value_bytes())

    def wire(self) -> dict[str, str]:
        out = {"DataType": self.data_type}
        if self.binary_value is not None:
            out["BinaryValue"] = self.binary_value
        else:
            out["StringValue"] = self.string_value or ""
        return out


Attributes = dict[str, MessageAttribute]


class StoredMessage(BaseModel):
    """A message as it sits in the store queue."""

    id: str
    body: str
    attributes: Attributes = {}
    #: System attributes sent with the message (only AWSTraceHeader exists).
    system: Attributes = {}
    #: Epoch milliseconds of the first send; a move to a dead-letter queue keeps it.
    sent: int
    #: The ARN of the queue it was moved from, once in a dead-letter queue.
    dead_letter_source: str | None = None


def check_body(body: str) -> None:
    if not body:
        raise InvalidParameterValue("The request must contain the parameter MessageBody.")
    if _INVALID_CHARACTER.search(body):
        raise InvalidMessageContents(
            "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | "
            "#x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"
        )


def parse_attributes(wire: Mapping[str, Mapping[str, Any]]) -> Attributes:
    """Message attributes from the wire (or the Python API), checked as SQS checks them.

    A binary value may be base64 text (the wire) or bytes (the Python API).
    """
    if len(wire) > MAX_ATTRIBUTES:
        raise InvalidParameterValue(
            f"Number of message attributes [{len(wire)}] exceeds the allowed maximum "
            f"[{MAX_ATTRIBUTES}]."
        )
    return {name: _parse_attribute(name, value) for name, value in wire.items()}


def _parse_attribute(name: str, value: Mapping[str, Any]) -> MessageAttribute:
    lowered = name.lower()
    if (
        not _ATTRIBUTE_NAME.fullmatch(name)
        or lowered.startswith(_RESERVED_PREFIXES)
        or name.startswith(".")
        or name.endswith(".")
        or ".." in name
    ):
        raise InvalidParameterValue(
            f"Message (user) attribute name '{name}' is invalid. Names can hold up to 256 "
            "alphanumeric characters, hyphens, underscores and periods, may not start or end "
            "with a period nor hold two in a row, and may not start with AWS. or Amazon."
        )
    if value.get("StringListValues") or value.get("BinaryListValues"):
        raise InvalidParameterValue(
            "Message attribute list values in SendMessage operation are not supported."
        )
    data_type = value.get("DataType")
    if not isinstance(data_type, str) or len(data_type) > 256:
        raise InvalidParameterValue(
            f"The message attribute '{name}' must contain a DataType of at most 256 characters."
        )
    kind = _DATA_TYPE.fullmatch(data_type)
    if kind is None:
        raise InvalidParameterValue(
            f"The type of message (user) attribute '{name}' is invalid. You must use only the "
            "following supported type prefixes: Binary, Number, String."
        )
    if kind[1] == "Binary":
        return MessageAttribute(data_type=data_type, binary_value=_binary(name, value))
    text = value.get("StringValue")
    if not isinstance(text, str) or not text:
        raise InvalidParameterValue(
            f"The message attribute '{name}' must contain non-empty message attribute value "
            f"for message attribute type '{kind[1]}'."
        )
    if _INVALID_CHARACTER.search(text):
        raise InvalidMessageContents(
            f"The message attribute '{name}' holds characters SQS does not allow."
        )
    if kind[1] == "Number":
        _check_number(name, text)
    return MessageAttribute(data_type=data_type, string_value=text)


def _binary(name: str, value: Mapping[str, Any]) -> str:
    raw = value.get("BinaryValue")
    if isinstance(raw, bytes | bytearray):
        data = bytes(raw)
    elif isinstance(raw, str):
        try:
            data = base64.b64decode(raw, validate=True)
        except binascii.Error:
            raise InvalidParameterValue(
                f"The message attribute '{name}' has a BinaryValue that is not base64."
            ) from None
    else:
        data = b""
    if not data:
        raise InvalidParameterValue(
            f"The message attribute '{name}' must contain non-empty message attribute value "
            "for message attribute type 'Binary'."
        )
    return base64.b64encode(data).decode()


def _check_number(name: str, text: str) -> None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        number = None
    # AWS's range and precision: up to 38 significant digits, from -10^128 to 10^126.
    if (
        number is None
        or not number.is_finite()
        or len(number.as_tuple().digits) > 38
        or not Decimal("-1e128") <= number <= Decimal("1e126")
    ):
        raise InvalidParameterValue(
            f"Can't cast the value of message (user) attribute '{name}' to a number."
        )


def message_size(body: str, attributes: Attributes) -> int:
    return len(body.encode()) + sum(value.size(name) for name, value in attributes.items())


def md5_of_body(body: str) -> str:
    return hashlib.md5(body.encode(), usedforsecurity=False).hexdigest()


def md5_of_attributes(attributes: Attributes) -> str | None:
    """AWS's digest of message attributes (see the module docstring); None when empty."""
    if not attributes:
        return None
    digest = hashlib.md5(usedforsecurity=False)

    def field(data: bytes) -> None:
        digest.update(struct.pack(">I", len(data)))
        digest.update(data)

    for name in sorted(attributes):
        value = attributes[name]
        field(name.encode())
        field(value.data_type.encode())
        digest.update(b"\x02" if value.binary_value is not None else b"\x01")
        field(value.value_bytes())
    return digest.hexdigest()


def select_attributes(attributes: Attributes, requested: list[str]) -> Attributes:
    """The attributes ReceiveMessage asked for: ``All``, ``.*``, names, or ``prefix.*``."""
    if not requested or not attributes:
        return {}
    if "All" in requested or ".*" in requested:
        return dict(attributes)
    names = {name for name in requested if not name.endswith(".*")}
    prefixes = tuple(name[:-1] for name in requested if name.endswith(".*"))
    return {
        name: value
        for name, value in attributes.items()
        if name in names or (prefixes and name.startswith(prefixes))
    }
