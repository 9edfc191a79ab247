"""Replays: StartReplay, DescribeReplay, ListReplays, CancelReplay."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventbus.errors import ValidationError
from eventbus.handlers.wire import Wire, compact
from eventbus.protocol.awsjson import Handler
from eventbus.replays import Replay
from eventbus.services import Services


def timestamp(value: Any, member: str) -> float:
    """A Timestamp member as epoch seconds (SDKs send numbers; ISO text is accepted too)."""
    if isinstance(value, int | float):
        return float(value)
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise ValidationError(f"Parameter {member} is not valid: {value!r}.") from None


def replay_wire(replay: Replay) -> Wire:
    """The members ListReplays returns; DescribeReplay adds a few."""
    return compact(
        ReplayName=replay.name,
        EventSourceArn=replay.event_source_arn,
        State=replay.state,
        StateReason=replay.state_reason,
        EventStartTime=replay.event_start,
        EventEndTime=replay.event_end,
        EventLastReplayedTime=replay.event_last_replayed,
        ReplayStartTime=replay.replay_start,
        ReplayEndTime=replay.replay_end,
    )


def handlers(s: Services) -> dict[str, Handler]:
    async def start_replay(req: Wire) -> Wire:
        replay = await s.replays.start(
            req["ReplayName"],
            req["EventSourceArn"],
            timestamp(req["EventStartTime"], "EventStartTime"),
            timestamp(req["EventEndTime"], "EventEndTime"),
            req["Destination"],
            req.get("Description"),
        )
        return compact(
            ReplayArn=replay.arn,
            State=replay.state,
            StateReason=replay.state_reason,
            ReplayStartTime=replay.replay_start,
        )

    async def describe_replay(req: Wire) -> Wire:
        replay = await s.replays.get(req["ReplayName"])
        return {
            **replay_wire(replay),
            **compact(
                ReplayArn=replay.arn,
                Description=replay.description,
                Destination=replay.destination,
            ),
        }

    async def list_replays(req: Wire) -> Wire:
        page = await s.replays.page(
            req.get("NamePrefix"),
            req.get("State"),
            req.get("EventSourceArn"),
            req.get("NextToken"),
            req.get("Limit"),
        )
        return compact(
            Replays=[replay_wire(replay) for replay in page.items], NextToken=page.next_token
        )

    async def cancel_replay(req: Wire) -> Wire:
        replay = await s.replays.cancel(req["ReplayName"])
        return compact(ReplayArn=replay.arn, State=replay.state, StateReason=replay.state_reason)

    return {
        "StartReplay": start_replay,
        "DescribeReplay": describe_replay,
        "ListReplays": list_replays,
        "CancelReplay": cancel_replay,
    }
