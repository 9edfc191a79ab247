"""Scheduled rules end to end: a ``rate(1 minute)`` rule on a server whose rate minutes
last 0.2 s sends EventBridge's scheduled event to its targets, and to no other rule.

Exact tick times, catch-up, cron and exactly-once between processes are covered with a
clock of the test's own in ``tests/delivery/test_scheduler.py``.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest

from tests.api.conftest import client
from tests.api.test_bus_targets import bus_arn, wait_for
from tests.api.test_buses import ACCOUNT
from tests.api.tuned import MINUTE_SECONDS, tuned_server
from tests.support.logs import read_bus_log
from tests.support.server import ServerProcess

#: The members of every EventBridge event.
ENVELOPE = [
    "version",
    "id",
    "detail-type",
    "source",
    "account",
    "time",
    "region",
    "resources",
    "detail",
]


@pytest.fixture
def tuned(
    server: ServerProcess, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> ServerProcess:
    return tuned_server(server, request, tmp_path_factory)


def events_on(server: ServerProcess, bus: str, count: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = wait_for(
        lambda: len(log := read_bus_log(server.store_url, bus)) >= count and log
    )
    assert found, f"bus {bus} never held {count} events"
    return found


def test_a_rate_rule_sends_scheduled_events_to_its_targets_only(
    tuned: ServerProcess, name: str
) -> None:
    events = client("events", tuned.url)
    target, watcher = f"{name}-target", f"{name}-watch"
    for bus in (target, watcher):
        events.create_event_bus(Name=bus)
    # A rule that would take scheduled events if they went through the bus.
    events.put_rule(
        Name=f"{name}-watch",
        EventPattern=json.dumps({"source": ["aws.events"], "resources": [{"prefix": "arn:"}]}),
    )
    events.put_targets(Rule=f"{name}-watch", Targets=[{"Id": "w", "Arn": bus_arn(watcher)}])
    rule_arn = events.put_rule(Name=name, ScheduleExpression="rate(1 minute)")["RuleArn"]
    assert rule_arn == f"arn:aws:events:us-east-1:{ACCOUNT}:rule/{name}"
    events.put_targets(Rule=name, Targets=[{"Id": "t", "Arn": bus_arn(target)}])

    received = events_on(tuned, target, 3)
    for event in received:
        assert set(event) == set(ENVELOPE)
        assert event["version"] == "0"
        assert event["source"] == "aws.events"
        assert event["detail-type"] == "Scheduled Event"
        assert event["account"] == ACCOUNT
        assert event["region"] == "us-east-1"
        assert event["resources"] == [rule_arn]
        assert event["detail"] == {}
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event["time"])
    assert len({event["id"] for event in received}) == len(received)
    assert [e["time"] for e in received] == sorted(e["time"] for e in received)
    assert read_bus_log(tuned.store_url, watcher) == []

    events.disable_rule(Name=name)
    time.sleep(2 * MINUTE_SECONDS)  # let a tick fired before the change arrive
    settled = len(read_bus_log(tuned.store_url, target))
    time.sleep(5 * MINUTE_SECONDS)
    assert len(read_bus_log(tuned.store_url, target)) == settled

    events.enable_rule(Name=name)
    events_on(tuned, target, settled + 2)
    events.remove_targets(Rule=name, Ids=["t"])
    events.delete_rule(Name=name)
