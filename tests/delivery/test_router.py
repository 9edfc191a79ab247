"""The router's pure part: from rules and an event to deliveries."""

from __future__ import annotations

import orjson

from eventbus.delivery.router import deliveries_for
from eventbus.delivery.snapshot import build_snapshot
from eventbus.records import EventRecord
from eventbus.rules import Rule, Target

ARN = "arn:aws:events:us-east-1:000000000000:rule/bus/"
QUEUE = "arn:aws:sqs:us-east-1:000000000000:q"


def rule(
    name: str, pattern: str | None, targets: list[dict[str, object]], state: str = "ENABLED"
) -> Rule:
    return Rule(
        name=name,
        bus="bus",
        arn=ARN + name,
        event_pattern=pattern,
        state=state,
        targets=[Target(id=str(t["Id"]), arn=str(t["Arn"]), spec=t) for t in targets],
    )


EVENT = {
    "version": "0",
    "id": "e-1",
    "detail-type": "Order Placed",
    "source": "shop",
    "account": "000000000000",
    "time": "2024-01-01T00:00:00Z",
    "region": "us-east-1",
    "resources": [],
    "detail": {"id": "o-1", "total": 120},
}
RECORD = EventRecord(event=EVENT, ingested=1_700_000_000.5)


def test_each_matched_target_gets_one_delivery_with_its_input() -> None:
    snapshot = build_snapshot(
        1,
        [
            rule(
                "a",
                '{"source": ["shop"]}',
                [
                    {"Id": "whole", "Arn": QUEUE},
                    {"Id": "path", "Arn": QUEUE, "InputPath": "$.detail.id"},
                    {
                        "Id": "tpl",
                        "Arn": QUEUE,
                        "InputTransformer": {
                            "InputPathsMap": {"total": "$.detail.total"},
                            "InputTemplate": '{"t": <total>, "rule": <aws.events.rule-name>}',
                        },
                    },
                ],
            ),
            rule("b", '{"source": ["other"]}', [{"Id": "x", "Arn": QUEUE}]),
        ],
    )
    deliveries = deliveries_for("bus", snapshot, RECORD)
    by_target = {d.target_id: d for d in deliveries}
    assert set(by_target) == {"whole", "path", "tpl"}
    assert orjson.loads(by_target["whole"].body) == EVENT
    assert orjson.loads(by_target["path"].body) == "o-1"
    assert orjson.loads(by_target["tpl"].body) == {"t": 120, "rule": "a"}
    assert by_target["tpl"].idempotency_key == f"e-1:{ARN}a:tpl"
    assert all(orjson.loads(d.event) == EVENT for d in deliveries)
    assert all(d.ingested == RECORD.ingested for d in deliveries)


def test_disabled_and_schedule_only_rules_do_not_match() -> None:
    snapshot = build_snapshot(
        1,
        [
            rule("off", '{"source": ["shop"]}', [{"Id": "t", "Arn": QUEUE}], state="DISABLED"),
            rule("cron", None, [{"Id": "t", "Arn": QUEUE}]),
        ],
    )
    assert deliveries_for("bus", snapshot, RECORD) == []


def test_a_matching_rule_without_targets_delivers_nothing() -> None:
    snapshot = build_snapshot(1, [rule("a", '{"source": ["shop"]}', [])])
    assert deliveries_for("bus", snapshot, RECORD) == []


def test_a_snapshot_built_from_the_previous_one_routes_like_a_fresh_one() -> None:
    first = [
        rule("keep", '{"source": ["shop"]}', [{"Id": "t", "Arn": QUEUE}]),
        rule(
            "change",
            '{"detail": {"total": [{"numeric": [">", 500]}]}}',
            [{"Id": "t", "Arn": QUEUE}],
        ),
        rule("drop", '{"detail-type": ["Order Placed"]}', [{"Id": "t", "Arn": QUEUE}]),
    ]
    second = [
        first[0],
        rule(
            "change",
            '{"detail": {"total": [{"numeric": [">", 100]}]}}',
            [{"Id": "t", "Arn": QUEUE}],
        ),
        rule("drop", '{"detail-type": ["Order Placed"]}', [{"Id": "t", "Arn": QUEUE}], "DISABLED"),
        rule("new", '{"detail": {"id": [{"prefix": "o-"}]}}', [{"Id": "t", "Arn": QUEUE}]),
    ]
    previous = build_snapshot(1, first)
    assert previous.index.match(EVENT) == ["drop", "keep"]
    incremental = build_snapshot(2, second, previous)
    fresh = build_snapshot(2, second)
    assert incremental.index.match(EVENT) == fresh.index.match(EVENT) == ["change", "keep", "new"]
    # Unchanged patterns are reused, not compiled again.
    assert incremental.rules["keep"].pattern is previous.rules["keep"].pattern
