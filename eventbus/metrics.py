"""Prometheus metrics, named after EventBridge's CloudWatch metrics.

Each process exports its own counters at ``/metrics``; with several processes on Redis,
sum them in Prometheus. Labels: bus, rule and target, as EventBridge's dimensions.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

_RULE = ("bus", "rule")
_TARGET = ("bus", "rule", "target")

PUT_EVENTS_ENTRIES = Counter(
    "eventbus_PutEventsEntries", "Entries accepted by PutEvents", ("bus",), registry=REGISTRY
)
PUT_EVENTS_FAILED_ENTRIES = Counter(
    "eventbus_PutEventsFailedEntries", "Entries refused by PutEvents", ("code",), registry=REGISTRY
)
MATCHED_EVENTS = Counter(
    "eventbus_MatchedEvents", "Events that matched at least one rule", ("bus",), registry=REGISTRY
)
TRIGGERED_RULES = Counter(
    "eventbus_TriggeredRules", "Rules that matched an event", _RULE, registry=REGISTRY
)
INVOCATIONS = Counter(
    "eventbus_Invocations", "Target invocations accepted by the target", _TARGET, registry=REGISTRY
)
FAILED_INVOCATIONS = Counter(
    "eventbus_FailedInvocations",
    "Deliveries that failed for good (retries exhausted or not retryable)",
    _TARGET,
    registry=REGISTRY,
)
RETRY_INVOCATION_ATTEMPTS = Counter(
    "eventbus_RetryInvocationAttempts",
    "Delivery attempts that were retries",
    _TARGET,
    registry=REGISTRY,
)
DEAD_LETTER_INVOCATIONS = Counter(
    "eventbus_DeadLetterInvocations",
    "Events sent to a dead-letter queue",
    _TARGET,
    registry=REGISTRY,
)
DROPPED_EVENTS = Counter(
    "eventbus_DroppedEvents",
    "Events dropped after failing delivery with no dead-letter queue",
    _TARGET,
    registry=REGISTRY,
)
INGESTION_TO_INVOCATION = Histogram(
    "eventbus_IngestionToInvocationSuccessLatency",
    "Seconds from PutEvents accepting an event to its target accepting it",
    ("bus",),
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=REGISTRY,
)
