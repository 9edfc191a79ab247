"""Partner event sources: the partner creates, the customer accepts, events flow."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.api.test_buses import ACCOUNT, error_code
from tests.support.logs import read_bus_log


def source_name(name: str) -> str:
    return f"aws.partner/example.com/{name}/orders"


def test_partner_source_lifecycle(events: Any, name: str, server: Any) -> None:
    source = source_name(name)
    arn = events.create_partner_event_source(Name=source, Account=ACCOUNT)["EventSourceArn"]
    assert arn == f"arn:aws:events:us-east-1::event-source/{source}"
    described = events.describe_partner_event_source(Name=source)
    assert (described["Arn"], described["Name"]) == (arn, source)
    with pytest.raises(ClientError) as info:
        events.create_partner_event_source(Name=source, Account=ACCOUNT)
    assert error_code(info) == "ResourceAlreadyExistsException"

    listed = events.list_partner_event_sources(NamePrefix=f"aws.partner/example.com/{name}")
    assert [s["Name"] for s in listed["PartnerEventSources"]] == [source]
    customer_view = events.describe_event_source(Name=source)
    assert customer_view["State"] == "PENDING"
    assert customer_view["CreatedBy"] == "example.com"

    # Before the customer creates the bus, the partner's events are refused per entry.
    entry = {"Source": source, "DetailType": "Order", "Detail": json.dumps({"n": 1})}
    refused = events.put_partner_events(Entries=[entry])
    assert refused["FailedEntryCount"] == 1
    assert refused["Entries"][0]["ErrorCode"]

    bus_arn = events.create_event_bus(Name=source, EventSourceName=source)["EventBusArn"]
    assert bus_arn.endswith(f":event-bus/{source}")
    assert events.describe_event_bus(Name=source)["Name"] == source
    assert events.describe_event_source(Name=source)["State"] == "ACTIVE"
    accounts = events.list_partner_event_source_accounts(EventSourceName=source)
    assert accounts["PartnerEventSourceAccounts"][0]["Account"] == ACCOUNT
    assert accounts["PartnerEventSourceAccounts"][0]["State"] == "ACTIVE"

    accepted = events.put_partner_events(Entries=[entry, {**entry, "Source": source + "x"}])
    assert accepted["FailedEntryCount"] == 1
    assert "EventId" in accepted["Entries"][0]
    logged = read_bus_log(server.store_url, source)
    assert [event["id"] for event in logged] == [accepted["Entries"][0]["EventId"]]
    assert logged[0]["source"] == source

    # Rules work on partner buses by name, although the name contains '/'.
    events.put_rule(Name="r", EventBusName=source, EventPattern=json.dumps({"source": [source]}))
    assert events.list_rules(EventBusName=source)["Rules"][0]["Name"] == "r"

    events.deactivate_event_source(Name=source)
    assert events.put_partner_events(Entries=[entry])["FailedEntryCount"] == 1
    with pytest.raises(ClientError) as info:
        events.deactivate_event_source(Name=source)
    assert error_code(info) == "InvalidStateException"
    events.activate_event_source(Name=source)
    assert events.put_partner_events(Entries=[entry])["FailedEntryCount"] == 0

    events.delete_partner_event_source(Name=source, Account=ACCOUNT)
    with pytest.raises(ClientError) as info:
        events.describe_event_source(Name=source)
    assert error_code(info) == "ResourceNotFoundException"


def test_partner_bus_needs_existing_source(events: Any, name: str) -> None:
    source = source_name(name)
    with pytest.raises(ClientError) as info:
        events.create_event_bus(Name=source, EventSourceName=source)
    assert error_code(info) == "ResourceNotFoundException"
    events.create_partner_event_source(Name=source, Account=ACCOUNT)
    with pytest.raises(ClientError) as info:
        events.create_event_bus(Name=f"{name}-other", EventSourceName=source)
    assert error_code(info) == "ValidationException"


def test_list_event_sources_shows_only_this_account(events: Any, name: str) -> None:
    mine, theirs = source_name(name), source_name(name + "b")
    events.create_partner_event_source(Name=mine, Account=ACCOUNT)
    events.create_partner_event_source(Name=theirs, Account="111111111111")
    names = [
        s["Name"]
        for s in events.list_event_sources(NamePrefix=f"aws.partner/example.com/{name}")[
            "EventSources"
        ]
    ]
    assert names == [mine]
