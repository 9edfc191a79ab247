"""Archives through boto3: every operation and error, counting, retention."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError, ParamValidationError

from tests.api.conftest import client
from tests.api.test_bus_targets import bus_arn, wait_for
from tests.api.test_buses import ACCOUNT, error_code
from tests.api.tuned import tuned_server
from tests.support.server import ServerProcess


def archive_arn(name: str) -> str:
    return f"arn:aws:events:us-east-1:{ACCOUNT}:archive/{name}"


def message(info: pytest.ExceptionInfo[ClientError]) -> str:
    text: str = info.value.response["Error"]["Message"]
    return text


def put(events: Any, bus: str, *sources: str, at: datetime | None = None) -> list[str]:
    entries = [
        {
            "Source": source,
            "DetailType": "Test",
            "Detail": json.dumps({"n": i}),
            "EventBusName": bus,
        }
        for i, source in enumerate(sources)
    ]
    if at is not None:
        for entry in entries:
            entry["Time"] = at
    ids = []
    for chunk in range(0, len(entries), 10):  # AWS's limit per request
        result = events.put_events(Entries=entries[chunk : chunk + 10])
        assert result["FailedEntryCount"] == 0
        ids += [entry["EventId"] for entry in result["Entries"]]
    return ids


def count_reaches(events: Any, archive: str, count: int) -> dict[str, Any]:
    described: dict[str, Any] = wait_for(
        lambda: (d := events.describe_archive(ArchiveName=archive))["EventCount"] == count and d
    )
    assert described, f"archive {archive} never held {count} events"
    return described


@pytest.fixture
def tuned(
    server: ServerProcess, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> ServerProcess:
    return tuned_server(server, request, tmp_path_factory)


def test_create_describe_update_delete(events: Any, name: str) -> None:
    events.create_event_bus(Name=name)
    before = datetime.now(UTC) - timedelta(seconds=1)
    created = events.create_archive(
        ArchiveName=name,
        EventSourceArn=bus_arn(name),
        Description="orders",
        EventPattern='{"source": ["shop"]}',
        RetentionDays=7,
    )
    assert created["ArchiveArn"] == archive_arn(name)
    assert created["State"] == "ENABLED"
    assert created["CreationTime"] >= before

    described = events.describe_archive(ArchiveName=name)
    assert described["ArchiveName"] == name
    assert described["ArchiveArn"] == archive_arn(name)
    assert described["EventSourceArn"] == bus_arn(name)
    assert described["Description"] == "orders"
    assert described["EventPattern"] == '{"source": ["shop"]}'
    assert described["RetentionDays"] == 7
    assert described["State"] == "ENABLED"
    assert described["EventCount"] == 0
    assert described["SizeBytes"] == 0
    assert described["CreationTime"] == created["CreationTime"]

    updated = events.update_archive(
        ArchiveName=name,
        Description="all orders",
        RetentionDays=0,
        EventPattern='{"source": ["x"]}',
    )
    assert updated["ArchiveArn"] == archive_arn(name)
    assert updated["State"] == "ENABLED"
    described = events.describe_archive(ArchiveName=name)
    assert described["Description"] == "all orders"
    assert described["RetentionDays"] == 0
    assert described["EventPattern"] == '{"source": ["x"]}'

    events.delete_archive(ArchiveName=name)
    with pytest.raises(ClientError) as info:
        events.describe_archive(ArchiveName=name)
    assert error_code(info) == "ResourceNotFoundException"
    assert message(info) == f"Archive {name} does not exist."


def test_create_errors(events: Any, name: str) -> None:
    events.create_event_bus(Name=name)
    with pytest.raises(ClientError) as info:
        events.create_archive(ArchiveName=name, EventSourceArn=bus_arn(f"{name}-missing"))
    assert error_code(info) == "ResourceNotFoundException"
    assert message(info) == f"Event bus {name}-missing does not exist."

    with pytest.raises(ClientError) as info:
        events.create_archive(
            ArchiveName=name, EventSourceArn=bus_arn(name), EventPattern='{"source": "shop"}'
        )
    assert error_code(info) == "InvalidEventPatternException"

    with pytest.raises(ClientError) as info:
        events.create_archive(
            ArchiveName=name, EventSourceArn=f"arn:aws:events:us-east-1:{ACCOUNT}:rule/{name}"
        )
    assert error_code(info) == "ValidationException"

    events.create_archive(ArchiveName=name, EventSourceArn=bus_arn(name))
    with pytest.raises(ClientError) as info:
        events.create_archive(ArchiveName=name, EventSourceArn=bus_arn(name))
    assert error_code(info) == "ResourceAlreadyExistsException"
    assert message(info) == f"Archive {name} already exists."

    # Checked against AWS's model: name pattern and length, retention range.
    with pytest.raises(ClientError) as info:
        events.create_archive(ArchiveName="a/b", EventSourceArn=bus_arn(name))
    assert error_code(info) == "ValidationException"
    with pytest.raises(ClientError) as info:
        events.create_archive(ArchiveName="a" * 49, EventSourceArn=bus_arn(name))
    assert error_code(info) == "ValidationException"
    with pytest.raises(ParamValidationError):
        events.create_archive(
            ArchiveName=f"{name}-2", EventSourceArn=bus_arn(name), RetentionDays=-1
        )


def test_update_and_delete_missing_archive(events: Any, name: str) -> None:
    with pytest.raises(ClientError) as info:
        events.update_archive(ArchiveName=name, Description="x")
    assert error_code(info) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as info:
        events.delete_archive(ArchiveName=name)
    assert error_code(info) == "ResourceNotFoundException"

    events.create_event_bus(Name=name)
    events.create_archive(ArchiveName=name, EventSourceArn=bus_arn(name))
    with pytest.raises(ClientError) as info:
        events.update_archive(ArchiveName=name, EventPattern='{"detail": 1}')
    assert error_code(info) == "InvalidEventPatternException"


def test_list_with_prefix_filters_and_pages(events: Any, name: str) -> None:
    events.create_event_bus(Name=name)
    events.create_event_bus(Name=f"{name}-other")
    for i in range(5):
        events.create_archive(ArchiveName=f"{name}-{i}", EventSourceArn=bus_arn(name))
    events.create_archive(ArchiveName=f"{name}-x", EventSourceArn=bus_arn(f"{name}-other"))

    first = events.list_archives(NamePrefix=f"{name}-", Limit=4)
    assert [a["ArchiveName"] for a in first["Archives"]] == [f"{name}-{i}" for i in range(4)]
    rest = events.list_archives(NamePrefix=f"{name}-", Limit=4, NextToken=first["NextToken"])
    assert [a["ArchiveName"] for a in rest["Archives"]] == [f"{name}-4", f"{name}-x"]
    assert "NextToken" not in rest
    listed = first["Archives"][0]
    assert listed["EventSourceArn"] == bus_arn(name)
    assert listed["State"] == "ENABLED"
    assert listed["EventCount"] == 0 and listed["SizeBytes"] == 0
    assert "CreationTime" in listed and listed["RetentionDays"] == 0

    by_source = events.list_archives(EventSourceArn=bus_arn(f"{name}-other"))
    assert [a["ArchiveName"] for a in by_source["Archives"]] == [f"{name}-x"]

    names: list[str] = []
    token: dict[str, str] = {}
    while True:
        page = events.list_archives(State="ENABLED", Limit=50, **token)
        names += [a["ArchiveName"] for a in page["Archives"]]
        if "NextToken" not in page:
            break
        token = {"NextToken": page["NextToken"]}
    assert {f"{name}-{i}" for i in range(5)} <= set(names)
    disabled = events.list_archives(State="DISABLED", Limit=100)["Archives"]
    assert not any(a["ArchiveName"].startswith(name) for a in disabled)


def test_list_filters_are_exclusive(events: Any, name: str) -> None:
    events.create_event_bus(Name=name)
    with pytest.raises(ClientError) as info:
        events.list_archives(NamePrefix=name, State="ENABLED")
    assert error_code(info) == "ValidationException"
    assert "At most one filter is allowed for ListArchives" in message(info)
    with pytest.raises(ClientError) as info:
        events.list_archives(EventSourceArn=bus_arn(f"{name}-missing"))
    assert error_code(info) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as info:
        events.list_archives(State="BROKEN")
    assert error_code(info) == "ValidationException"


def test_archive_counts_only_matching_events(events: Any, name: str) -> None:
    events.create_event_bus(Name=name)
    events.create_archive(
        ArchiveName=name, EventSourceArn=bus_arn(name), EventPattern='{"source": ["shop"]}'
    )
    events.create_archive(ArchiveName=f"{name}-all", EventSourceArn=bus_arn(name))
    put(events, name, "shop", "other", "shop", "other", "other")

    matching = count_reaches(events, name, 2)
    everything = count_reaches(events, f"{name}-all", 5)
    assert 0 < matching["SizeBytes"] < everything["SizeBytes"]
    # Nothing else arrives: counting twice or archiving non-matching events would show.
    put(events, name, "other")
    count_reaches(events, f"{name}-all", 6)
    assert events.describe_archive(ArchiveName=name)["EventCount"] == 2


def test_events_before_the_archive_existed_are_not_archived(events: Any, name: str) -> None:
    events.create_event_bus(Name=name)
    put(events, name, "early")
    events.create_archive(ArchiveName=name, EventSourceArn=bus_arn(name))
    put(events, name, "late")
    count_reaches(events, name, 1)


def test_a_recreated_archive_starts_empty(events: Any, name: str) -> None:
    events.create_event_bus(Name=name)
    events.create_archive(ArchiveName=name, EventSourceArn=bus_arn(name))
    put(events, name, "a", "b")
    count_reaches(events, name, 2)
    events.delete_archive(ArchiveName=name)
    events.create_archive(ArchiveName=name, EventSourceArn=bus_arn(name))
    assert events.describe_archive(ArchiveName=name)["EventCount"] == 0
    put(events, name, "c")
    count_reaches(events, name, 1)


def test_retention_purges_events_older_than_retention(tuned: ServerProcess, name: str) -> None:
    events = client("events", tuned.url)
    events.create_event_bus(Name=name)
    events.create_archive(ArchiveName=name, EventSourceArn=bus_arn(name))
    now = datetime.now(UTC)
    put(events, name, "old", at=now - timedelta(days=3))
    put(events, name, "recent", at=now - timedelta(hours=1))
    put(events, name, "new")
    # Kept forever (RetentionDays 0) while the purge runs every 0.2 s.
    full = count_reaches(events, name, 3)
    time.sleep(0.5)
    assert events.describe_archive(ArchiveName=name)["EventCount"] == 3

    events.update_archive(ArchiveName=name, RetentionDays=2)
    after_two = count_reaches(events, name, 2)
    assert after_two["SizeBytes"] < full["SizeBytes"]
    events.update_archive(ArchiveName=name, RetentionDays=1)
    count_reaches(events, name, 2)
    time.sleep(0.5)
    assert events.describe_archive(ArchiveName=name)["EventCount"] == 2
