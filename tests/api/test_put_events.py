"""PutEvents: per-entry validation, envelopes, durability of what was accepted."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.api.test_buses import ACCOUNT, error_code
from tests.support.logs import read_bus_log


def entry(bus: str, **overrides: Any) -> dict[str, Any]:
    return {
        "Source": "shop",
        "DetailType": "Order Placed",
        "Detail": json.dumps({"id": 1}),
        "EventBusName": bus,
        **overrides,
    }


def test_envelope_is_appended_in_full(events: Any, name: str, server: Any) -> None:
    bus_arn = events.create_event_bus(Name=name)["EventBusArn"]
    when = datetime(2024, 5, 1, 12, 30, 5, tzinfo=UTC)
    result = events.put_events(
        Entries=[
            entry(name, Resources=["arn:aws:s3:::bucket"], Time=when),
            entry(bus_arn, Detail='{"nested": {"a": [1, 2]}}'),
        ]
    )
    assert result["FailedEntryCount"] == 0
    ids = [e["EventId"] for e in result["Entries"]]
    logged = read_bus_log(server.store_url, name)
    assert [event["id"] for event in logged] == ids
    first, second = logged
    assert first == {
        "version": "0",
        "id": ids[0],
        "detail-type": "Order Placed",
        "source": "shop",
        "account": ACCOUNT,
        "time": "2024-05-01T12:30:05Z",
        "region": "us-east-1",
        "resources": ["arn:aws:s3:::bucket"],
        "detail": {"id": 1},
    }
    assert second["detail"] == {"nested": {"a": [1, 2]}}
    assert second["resources"] == []
    assert second["time"].endswith("Z")


def test_mixed_good_and_bad_entries(events: Any, name: str, server: Any) -> None:
    events.create_event_bus(Name=name)
    bad_entries = [
        ({"Source": None}, "InvalidArgument", "Source"),
        ({"DetailType": None}, "InvalidArgument", "DetailType"),
        ({"Detail": None}, "InvalidArgument", "Detail"),
        ({"Detail": "not json"}, "MalformedDetail", "malformed"),
        ({"Detail": "[1, 2]"}, "MalformedDetail", "malformed"),
        ({"EventBusName": f"{name}-missing"}, "ResourceNotFoundException", "does not exist"),
        ({"Source": "aws.ec2"}, "NotAuthorizedForSourceException", "Not authorized"),
    ]
    for overrides, code, fragment in bad_entries:
        good = entry(name)
        bad = {k: v for k, v in {**entry(name), **overrides}.items() if v is not None}
        result = events.put_events(Entries=[good, bad, good])
        assert result["FailedEntryCount"] == 1, overrides
        ok1, failed, ok2 = result["Entries"]
        assert "EventId" in ok1 and "EventId" in ok2
        assert failed["ErrorCode"] == code
        assert fragment in failed["ErrorMessage"]
        assert "EventId" not in failed
    logged = read_bus_log(server.store_url, name)
    assert len(logged) == 2 * len(bad_entries)


def test_at_most_ten_entries(events: Any, name: str) -> None:
    with pytest.raises(ClientError) as info:
        events.put_events(Entries=[entry("default")] * 11)
    assert error_code(info) == "ValidationException"
    assert "less than or equal to 10" in info.value.response["Error"]["Message"]


def test_entry_size_limit(events: Any, name: str, server: Any) -> None:
    events.create_event_bus(Name=name)
    limit = 256 * 1024
    # Source + DetailType + Detail add up to exactly the limit: accepted.
    fixed = len("shop") + len("Order Placed") + len('{"pad": ""}')
    fits = entry(name, Detail=json.dumps({"pad": "x" * (limit - fixed)}))
    assert events.put_events(Entries=[fits])["FailedEntryCount"] == 0
    # One byte more fails that entry alone.
    over = entry(name, Detail=json.dumps({"pad": "x" * (limit - fixed + 1)}))
    result = events.put_events(Entries=[over, entry(name)])
    assert result["FailedEntryCount"] == 1
    assert result["Entries"][0]["ErrorCode"] == "InvalidArgument"
    assert "EventId" in result["Entries"][1]
    # Multi-byte characters count in UTF-8 bytes, not characters.
    wide = entry(name, Detail=json.dumps({"pad": "é" * (limit // 2)}, ensure_ascii=False))
    assert events.put_events(Entries=[wide])["FailedEntryCount"] == 1
    # Entries that fit alone but not together fail the request.
    half = entry(name, Detail=json.dumps({"pad": "x" * (limit // 2)}))
    with pytest.raises(ClientError) as info:
        events.put_events(Entries=[half, half])
    assert error_code(info) == "ValidationException"
    assert len(read_bus_log(server.store_url, name)) == 2


def test_default_bus_and_bus_arn(events: Any, server: Any) -> None:
    result = events.put_events(
        Entries=[
            entry("default"),
            entry(f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/default"),
            {k: v for k, v in entry("x").items() if k != "EventBusName"},
        ]
    )
    assert result["FailedEntryCount"] == 0
    ids = {e["EventId"] for e in result["Entries"]}
    assert ids <= {event["id"] for event in read_bus_log(server.store_url, "default")}
