"""The record a bus log holds for each accepted event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson


@dataclass(frozen=True, slots=True)
class EventRecord:
    #: The full EventBridge envelope, as rules see it and targets receive it.
    event: dict[str, Any]
    #: When the bus accepted the event (epoch seconds).
    ingested: float
    #: Set on events re-sent by a replay.
    replay_name: str | None = None
    #: Buses the event came through before this one (bus-to-bus targets), to stop loops.
    hops: tuple[str, ...] = ()
    #: Set on the events of a scheduled rule: they go to that rule's targets, without
    #: pattern matching, and to no other rule.
    scheduled_rule: str | None = None
    #: Set on replayed events sent to some rules only (a replay's FilterArns): the names
    #: of the rules that may receive the event, if its pattern matches. None: every rule.
    allowed_rules: tuple[str, ...] | None = None

    def encode(self) -> bytes:
        body: dict[str, Any] = {"ingested": self.ingested, "event": self.event}
        if self.replay_name is not None:
            body["replay-name"] = self.replay_name
        if self.hops:
            body["hops"] = self.hops
        if self.scheduled_rule is not None:
            body["scheduled-rule"] = self.scheduled_rule
        if self.allowed_rules is not None:
            body["allowed-rules"] = self.allowed_rules
        return orjson.dumps(body)

    @classmethod
    def decode(cls, data: bytes) -> EventRecord:
        body = orjson.loads(data)
        allowed = body.get("allowed-rules")
        return cls(
            event=body["event"],
            ingested=body["ingested"],
            replay_name=body.get("replay-name"),
            hops=tuple(body.get("hops", ())),
            scheduled_rule=body.get("scheduled-rule"),
            allowed_rules=None if allowed is None else tuple(allowed),
        )
