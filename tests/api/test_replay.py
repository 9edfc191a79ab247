"""Replays through boto3: archived events re-sent onto their bus, FilterArns, cancel, errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.api.conftest import client
from tests.api.test_archives import archive_arn, count_reaches, message, put
from tests.api.test_bus_targets import bus_arn, wait_for
from tests.api.test_buses import ACCOUNT, error_code
from tests.api.tuned import REPLAY_EVENTS_PER_SECOND, tuned_server
from tests.support.logs import read_bus_log
from tests.support.server import ServerProcess

SHOP = json.dumps({"source": ["shop"]})


@pytest.fixture
def tuned(
    server: ServerProcess, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> ServerProcess:
    return tuned_server(server, request, tmp_path_factory)


def rule_arn(bus: str, rule: str) -> str:
    return f"arn:aws:events:us-east-1:{ACCOUNT}:rule/{bus}/{rule}"


def forward(events: Any, bus: str, rule: str, to: str, pattern: str = SHOP) -> None:
    events.put_rule(Name=rule, EventBusName=bus, EventPattern=pattern)
    events.put_targets(Rule=rule, EventBusName=bus, Targets=[{"Id": "t", "Arn": bus_arn(to)}])


def log_of(server: ServerProcess, bus: str, count: int) -> list[dict[str, Any]]:
    """The events of a bus log once it holds ``count`` of them."""
    found: list[dict[str, Any]] = wait_for(
        lambda: len(log := read_bus_log(server.store_url, bus)) >= count and log
    )
    assert found and len(found) == count, f"bus {bus} never held exactly {count} events"
    return found


def replayed(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [event for event in log if "replay-name" in event]


def start(events: Any, replay: str, archive: str, bus: str, **destination: Any) -> dict[str, Any]:
    response: dict[str, Any] = events.start_replay(
        ReplayName=replay,
        EventSourceArn=archive_arn(archive),
        EventStartTime=datetime.now(UTC) - timedelta(minutes=5),
        EventEndTime=datetime.now(UTC),
        Destination={"Arn": bus_arn(bus), **destination},
    )
    return response


def finished(events: Any, replay: str, state: str = "COMPLETED") -> dict[str, Any]:
    described: dict[str, Any] = wait_for(
        lambda: (d := events.describe_replay(ReplayName=replay))["State"] == state and d
    )
    assert described, f"replay {replay} never reached {state}"
    return described


@pytest.fixture
def setup(events: Any, server: ServerProcess, name: str) -> dict[str, str]:
    """A bus whose archive holds three shop events, forwarded as they came to ``dst`` and
    ``other`` by two rules, and to ``live`` by a rule that refuses replayed events."""
    buses = {"src": name, "dst": f"{name}-dst", "other": f"{name}-other", "live": f"{name}-live"}
    for bus in buses.values():
        events.create_event_bus(Name=bus)
    # Rules exist before the bus's first event, so the router's first view has them.
    forward(events, name, "fwd", buses["dst"])
    forward(events, name, "copy", buses["other"])
    live_only = json.dumps({"source": ["shop"], "replay-name": [{"exists": False}]})
    forward(events, name, "live", buses["live"], live_only)
    events.create_archive(ArchiveName=name, EventSourceArn=bus_arn(name))
    put(events, name, "shop", "shop", "shop")
    count_reaches(events, name, 3)
    log_of(server, buses["dst"], 3)
    log_of(server, buses["other"], 3)
    return buses


def test_replay_resends_archived_events_with_their_replay_name(
    events: Any, server: ServerProcess, name: str, setup: dict[str, str]
) -> None:
    originals = read_bus_log(server.store_url, setup["dst"])
    started = start(events, f"{name}-r", name, name)
    assert started["ReplayArn"] == f"arn:aws:events:us-east-1:{ACCOUNT}:replay/{name}-r"
    assert started["State"] == "STARTING"

    done = finished(events, f"{name}-r")
    assert done["ReplayName"] == f"{name}-r"
    assert done["EventSourceArn"] == archive_arn(name)
    assert done["Destination"] == {"Arn": bus_arn(name)}
    assert done["ReplayStartTime"] <= done["ReplayEndTime"]
    assert done["EventStartTime"] <= done["EventLastReplayedTime"] <= done["EventEndTime"]

    copies = replayed(log_of(server, setup["dst"], 6))
    assert [copy["replay-name"] for copy in copies] == [f"{name}-r"] * 3
    # Same events, in archive order (time, then id), with the replay's name added.
    expected = sorted(originals, key=lambda e: (e["time"], e["id"]))
    assert [{k: v for k, v in c.items() if k != "replay-name"} for c in copies] == expected

    # A rule can tell replayed events apart: this one never receives them.
    put(events, name, "shop")
    live = log_of(server, setup["live"], 4)
    assert replayed(live) == []
    # Replayed events are not archived again; the event after them is.
    count_reaches(events, name, 4)


def test_filter_arns_limit_the_rules_that_receive_replayed_events(
    events: Any, server: ServerProcess, name: str, setup: dict[str, str]
) -> None:
    # "fwd" and "copy" both match shop events; the replay is for "copy" only.
    start(events, f"{name}-r", name, name, FilterArns=[rule_arn(name, "copy")])
    done = finished(events, f"{name}-r")
    assert done["Destination"]["FilterArns"] == [rule_arn(name, "copy")]
    assert len(replayed(log_of(server, setup["other"], 6))) == 3

    # Routed after the replayed events, so had "fwd" taken those, they would be there.
    put(events, name, "shop")
    dst = log_of(server, setup["dst"], 4)
    assert replayed(dst) == []


def test_start_replay_errors(events: Any, name: str, setup: dict[str, str]) -> None:
    now = datetime.now(UTC)

    def start_replay(**changes: Any) -> pytest.ExceptionInfo[ClientError]:
        request = {
            "ReplayName": f"{name}-r",
            "EventSourceArn": archive_arn(name),
            "EventStartTime": now - timedelta(minutes=5),
            "EventEndTime": now,
            "Destination": {"Arn": bus_arn(name)},
            **changes,
        }
        with pytest.raises(ClientError) as info:
            events.start_replay(**request)
        return info

    info = start_replay(EventSourceArn=archive_arn(f"{name}-missing"))
    assert error_code(info) == "ValidationException"
    assert message(info) == (
        f"Parameter EventSourceArn is not valid. Reason: Archive {name}-missing does not exist."
    )
    info = start_replay(Destination={"Arn": rule_arn(name, "fwd")})
    assert error_code(info) == "ValidationException"
    assert message(info) == (
        "Parameter Destination.Arn is not valid. Reason: Must contain an event bus ARN."
    )
    info = start_replay(Destination={"Arn": bus_arn(setup["dst"])})
    assert error_code(info) == "ValidationException"
    assert message(info) == (
        "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted."
    )
    info = start_replay(Destination={"Arn": bus_arn(f"{name}-missing")})
    assert error_code(info) == "ResourceNotFoundException"
    info = start_replay(EventEndTime=now - timedelta(minutes=10))
    assert error_code(info) == "ValidationException"
    assert message(info) == (
        "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime."
    )
    info = start_replay(EventEndTime=now + timedelta(hours=1))
    assert error_code(info) == "ValidationException"
    info = start_replay(
        Destination={"Arn": bus_arn(name), "FilterArns": [rule_arn(setup["dst"], "fwd")]}
    )
    assert error_code(info) == "ValidationException"
    info = start_replay(Destination={"Arn": bus_arn(name), "FilterArns": [rule_arn(name, "nope")]})
    assert error_code(info) == "ResourceNotFoundException"

    start(events, f"{name}-r", name, name)
    info = start_replay()
    assert error_code(info) == "ResourceAlreadyExistsException"
    assert message(info) == f"Replay {name}-r already exists."


def test_describe_and_cancel_errors(events: Any, name: str, setup: dict[str, str]) -> None:
    with pytest.raises(ClientError) as info:
        events.describe_replay(ReplayName=name)
    assert error_code(info) == "ResourceNotFoundException"
    assert message(info) == f"Replay {name} does not exist."
    with pytest.raises(ClientError) as info:
        events.cancel_replay(ReplayName=name)
    assert error_code(info) == "ResourceNotFoundException"

    start(events, name, name, name)
    finished(events, name)
    with pytest.raises(ClientError) as info:
        events.cancel_replay(ReplayName=name)
    assert error_code(info) == "IllegalStatusException"
    assert message(info) == f"Replay {name} is not in a valid state for this operation."


def test_list_replays(events: Any, name: str, setup: dict[str, str]) -> None:
    events.create_archive(ArchiveName=f"{name}-b", EventSourceArn=bus_arn(name))
    for i in range(3):
        start(events, f"{name}-{i}", name, name)
    start(events, f"{name}-x", f"{name}-b", name)
    for replay in (f"{name}-0", f"{name}-1", f"{name}-2", f"{name}-x"):
        finished(events, replay)

    first = events.list_replays(NamePrefix=f"{name}-", Limit=3)
    assert [r["ReplayName"] for r in first["Replays"]] == [f"{name}-{i}" for i in range(3)]
    rest = events.list_replays(NamePrefix=f"{name}-", NextToken=first["NextToken"])
    assert [r["ReplayName"] for r in rest["Replays"]] == [f"{name}-x"]
    assert "NextToken" not in rest
    listed = first["Replays"][0]
    assert listed["EventSourceArn"] == archive_arn(name)
    assert listed["State"] == "COMPLETED"
    assert {"EventStartTime", "EventEndTime", "ReplayStartTime", "ReplayEndTime"} <= set(listed)

    by_archive = events.list_replays(EventSourceArn=archive_arn(f"{name}-b"))
    assert [r["ReplayName"] for r in by_archive["Replays"]] == [f"{name}-x"]
    completed = []
    token: dict[str, str] = {}
    while True:
        page = events.list_replays(State="COMPLETED", Limit=100, **token)
        completed += [r["ReplayName"] for r in page["Replays"]]
        if "NextToken" not in page:
            break
        token = {"NextToken": page["NextToken"]}
    assert f"{name}-x" in completed

    with pytest.raises(ClientError) as info:
        events.list_replays(NamePrefix=name, State="COMPLETED")
    assert error_code(info) == "ValidationException"
    assert "At most one filter is allowed for ListReplays" in message(info)


def test_cancel_stops_a_running_replay(tuned: ServerProcess, name: str) -> None:
    events = client("events", tuned.url)
    events.create_event_bus(Name=name)
    events.create_archive(ArchiveName=name, EventSourceArn=bus_arn(name))
    total = REPLAY_EVENTS_PER_SECOND * 3
    put(events, name, *["shop"] * total)
    count_reaches(events, name, total)

    start(events, name, name, name)
    # Paced at REPLAY_EVENTS_PER_SECOND, the replay takes about 3 s: it is still running.
    cancelled = events.cancel_replay(ReplayName=name)
    assert cancelled["State"] == "CANCELLING"
    assert cancelled["ReplayArn"] == f"arn:aws:events:us-east-1:{ACCOUNT}:replay/{name}"

    done = finished(events, name, "CANCELLED")
    assert "ReplayEndTime" in done
    sent = len(replayed(read_bus_log(tuned.store_url, name)))
    assert sent < total
    with pytest.raises(ClientError) as info:
        events.cancel_replay(ReplayName=name)
    assert error_code(info) == "IllegalStatusException"


def test_at_most_ten_replays_run_at_once(tuned: ServerProcess, name: str) -> None:
    events = client("events", tuned.url)
    events.create_event_bus(Name=name)
    events.create_archive(ArchiveName=name, EventSourceArn=bus_arn(name))
    put(events, name, *["shop"] * (REPLAY_EVENTS_PER_SECOND * 3))
    count_reaches(events, name, REPLAY_EVENTS_PER_SECOND * 3)
    for i in range(10):
        start(events, f"{name}-{i}", name, name)
    with pytest.raises(ClientError) as info:
        start(events, f"{name}-10", name, name)
    assert error_code(info) == "LimitExceededException"
    for i in range(10):
        events.cancel_replay(ReplayName=f"{name}-{i}")
    for i in range(10):
        finished(events, f"{name}-{i}", "CANCELLED")
