"""Routing end to end: a rule on one bus forwards matched events to another bus."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from tests.api.test_buses import ACCOUNT
from tests.support.logs import read_bus_log


def wait_for(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.05)


def bus_arn(name: str) -> str:
    return f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/{name}"


def test_matched_events_reach_the_target_bus(events: Any, name: str, server: Any) -> None:
    source_bus, target_bus = f"{name}-a", f"{name}-b"
    events.create_event_bus(Name=source_bus)
    events.create_event_bus(Name=target_bus)
    events.put_rule(
        Name="forward",
        EventBusName=source_bus,
        EventPattern=json.dumps(
            {"source": ["shop"], "detail": {"total": [{"numeric": [">", 100]}]}}
        ),
    )
    events.put_targets(
        Rule="forward", EventBusName=source_bus, Targets=[{"Id": "b", "Arn": bus_arn(target_bus)}]
    )
    entries = [
        {
            "Source": "shop",
            "DetailType": "Order",
            "Detail": json.dumps({"total": total}),
            "EventBusName": source_bus,
        }
        for total in (50, 150, 250)
    ]
    ids = [e["EventId"] for e in events.put_events(Entries=entries)["Entries"]]
    forwarded = wait_for(
        lambda: (
            len(read_bus_log(server.store_url, target_bus)) >= 2
            and read_bus_log(server.store_url, target_bus)
        )
    )
    # Deliveries run concurrently, so the target bus may get them in either order.
    assert sorted(event["id"] for event in forwarded) == sorted(ids[1:])
    assert sorted(event["detail"]["total"] for event in forwarded) == [150, 250]


def test_bus_loops_are_cut(events: Any, name: str, server: Any) -> None:
    a, b = f"{name}-a", f"{name}-b"
    for bus in (a, b):
        events.create_event_bus(Name=bus)
    for here, there in ((a, b), (b, a)):
        events.put_rule(Name="loop", EventBusName=here, EventPattern='{"source": ["ping"]}')
        events.put_targets(
            Rule="loop", EventBusName=here, Targets=[{"Id": "t", "Arn": bus_arn(there)}]
        )
    events.put_events(
        Entries=[{"Source": "ping", "DetailType": "d", "Detail": "{}", "EventBusName": a}]
    )
    assert wait_for(lambda: len(read_bus_log(server.store_url, b)) == 1)
    time.sleep(0.5)  # give a loop the chance to happen; it must not
    assert len(read_bus_log(server.store_url, a)) == 1
    assert len(read_bus_log(server.store_url, b)) == 1
