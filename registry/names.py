"""Names and ARNs of registries and schemas, and the rules names must follow.

AWS's service model gives names no pattern; the limits here are the ones AWS documents for
its resources (registry names: up to 64 letters, digits, ``.``, ``-``, ``_``; schema names:
up to 385 of those and ``@``). Neither may contain ``/``, so a schema's store key
``registry/schema`` and its ARN ``schema/registry/schema`` split unambiguously.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from registry.errors import BadRequestError

#: The registry of AWS's own event schemas: read-only for clients.
AWS_EVENTS_REGISTRY = "aws.events"
#: Where schema discovery writes the schemas it infers from a bus's traffic.
DISCOVERED_REGISTRY = "discovered-schemas"
BUILTIN_REGISTRIES = (AWS_EVENTS_REGISTRY, DISCOVERED_REGISTRY)

MAX_REGISTRY_NAME = 64
MAX_SCHEMA_NAME = 385
_REGISTRY_NAME = re.compile(r"[A-Za-z0-9._\-]+")
_SCHEMA_NAME = re.compile(r"[A-Za-z0-9._\-@]+")

_ARN = re.compile(
    r"arn:aws[\w-]*:schemas:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"(?P<kind>registry|schema)/(?P<path>.+)"
)


def check_registry_name(name: str) -> str:
    if not name or len(name) > MAX_REGISTRY_NAME or not _REGISTRY_NAME.fullmatch(name):
        raise BadRequestError(
            f"Invalid registry name {name!r}: a registry name has 1 to {MAX_REGISTRY_NAME} "
            "characters, each a letter, a digit, '.', '-' or '_'."
        )
    return name


def check_schema_name(name: str) -> str:
    if not name or len(name) > MAX_SCHEMA_NAME or not _SCHEMA_NAME.fullmatch(name):
        raise BadRequestError(
            f"Invalid schema name {name!r}: a schema name has 1 to {MAX_SCHEMA_NAME} "
            "characters, each a letter, a digit, '.', '-', '_' or '@'."
        )
    return name


@dataclass(frozen=True, slots=True)
class SchemaArns:
    """Builds and reads the ARNs of one region and account."""

    region: str
    account_id: str

    def _prefix(self) -> str:
        return f"arn:aws:schemas:{self.region}:{self.account_id}"

    def registry(self, name: str) -> str:
        return f"{self._prefix()}:registry/{name}"

    def schema(self, registry: str, name: str) -> str:
        return f"{self._prefix()}:schema/{registry}/{name}"

    def parse(self, arn: str) -> tuple[str, str | None] | None:
        """(registry, schema or None) named by an ARN of this region and account.

        None when the ARN is well formed but belongs to another region or account, so
        the caller can answer NotFound; BadRequest when it is no registry or schema ARN.
        """
        match = _ARN.fullmatch(arn)
        if match is None:
            raise BadRequestError(
                f"Invalid ARN {arn!r}: expected arn:aws:schemas:REGION:ACCOUNT:registry/NAME "
                "or arn:aws:schemas:REGION:ACCOUNT:schema/REGISTRY/NAME."
            )
        if match["region"] != self.region or match["account"] != self.account_id:
            return None
        if match["kind"] == "registry":
            if "/" in match["path"]:
                return None
            return match["path"], None
        registry, _, schema = match["path"].partition("/")
        if not registry or not schema or "/" in schema:
            return None
        return registry, schema
