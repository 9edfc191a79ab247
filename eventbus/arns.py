"""Amazon Resource Names of the Events service, and resolving "name or ARN" parameters."""

from __future__ import annotations

import re
from dataclasses import dataclass

from eventbus.errors import ValidationError

_BUS_ARN = re.compile(r"arn:aws[\w-]*:events:[a-z0-9-]+:\d{12}:event-bus/(?P<name>.+)")
_RULE_ARN = re.compile(r"arn:aws[\w-]*:events:[a-z0-9-]+:\d{12}:rule/(?P<path>.+)")


@dataclass(frozen=True, slots=True)
class Arns:
    """Builds ARNs for one region and account."""

    region: str
    account_id: str

    def _prefix(self) -> str:
        return f"arn:aws:events:{self.region}:{self.account_id}"

    def bus(self, name: str) -> str:
        return f"{self._prefix()}:event-bus/{name}"

    def rule(self, bus: str, name: str) -> str:
        # Rules of the default bus keep the short form AWS has always used.
        if bus == "default":
            return f"{self._prefix()}:rule/{name}"
        return f"{self._prefix()}:rule/{bus}/{name}"

    def event_source(self, name: str) -> str:
        return f"arn:aws:events:{self.region}::event-source/{name}"


def bus_name(name_or_arn: str | None) -> str:
    """The bus name of an ``EventBusName`` parameter, which may be a name or an ARN."""
    if not name_or_arn:
        return "default"
    match = _BUS_ARN.fullmatch(name_or_arn)
    if match:
        return match["name"]
    if name_or_arn.startswith("arn:"):
        raise ValidationError(
            f"Parameter {name_or_arn} is not valid. Reason: not an event bus ARN."
        )
    return name_or_arn


def parse_rule_arn(arn: str) -> tuple[str, str] | None:
    """(bus, rule) of a rule ARN, or None when it is not one."""
    match = _RULE_ARN.fullmatch(arn)
    if not match:
        return None
    bus, _, rule = match["path"].rpartition("/")
    return (bus or "default", rule)


def parse_bus_arn(arn: str) -> str | None:
    match = _BUS_ARN.fullmatch(arn)
    return match["name"] if match else None
