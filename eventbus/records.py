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

    def encode(self) -> bytes:
        body: dict[str, Any] = {"ingested": self.ingested, "event": self.event}
        if self.replay_name is not None:
            body["replay-name"] = self.replay_name
        return orjson.dumps(body)

    @classmethod
    def decode(cls, data: bytes) -> EventRecord:
        body = orjson.loads(data)
        return cls(
            event=body["event"], ingested=body["ingested"], replay_name=body.get("replay-name")
        )
