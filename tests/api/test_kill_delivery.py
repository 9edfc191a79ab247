"""At-least-once delivery, tested by killing: SIGKILL the server mid-delivery, restart it,
and every event still reaches the HTTP receiver, with duplicates bounded by what was in
flight."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest

from eventbus.delivery.router import BATCH
from eventbus.delivery.worker import DEFAULT_CONCURRENCY
from tests.api.conftest import BACKENDS, client, fresh_store_url
from tests.support.receiver import Received, http_receiver
from tests.support.server import ServerProcess

EVENTS = 300
#: In flight at the kill, at most: deliveries being attempted (the delivery worker's
#: concurrency) plus one router batch read from the log but not yet acknowledged.
IN_FLIGHT_BOUND = DEFAULT_CONCURRENCY + BATCH


@pytest.mark.parametrize("backend", BACKENDS)
def test_sigkill_mid_delivery_loses_nothing(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    store_url = fresh_store_url(backend, tmp_path, request)
    env = {
        # Short timeouts so that what the killed process held comes back quickly.
        "EVENTBUS_DELIVERY_VISIBILITY_SECONDS": "2",
        "EVENTBUS_CLAIM_AFTER_SECONDS": "2",
        "EVENTBUS_RETRY_BASE_SECONDS": "0.05",
    }

    def slow(request: Received) -> int:
        time.sleep(0.01)  # keep deliveries in flight when the kill comes
        return 200

    with http_receiver() as receiver:
        receiver.respond = slow
        server = ServerProcess(store_url, log_path=tmp_path / "server.log", env=env).start()
        try:
            events = client("events", server.url)
            connection = events.create_connection(
                Name="receiver",
                AuthorizationType="API_KEY",
                AuthParameters={
                    "ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "secret"}
                },
            )
            destination = events.create_api_destination(
                Name="receiver",
                ConnectionArn=connection["ConnectionArn"],
                InvocationEndpoint=f"{receiver.url}/events",
                HttpMethod="POST",
            )
            events.put_rule(Name="all", EventPattern='{"source": ["shop"]}')
            events.put_targets(
                Rule="all",
                Targets=[{"Id": "http", "Arn": destination["ApiDestinationArn"]}],
            )
            for start in range(0, EVENTS, 10):
                entries = [
                    {"Source": "shop", "DetailType": "Order", "Detail": json.dumps({"n": n})}
                    for n in range(start, start + 10)
                ]
                assert events.put_events(Entries=entries)["FailedEntryCount"] == 0
            receiver.wait_for(EVENTS // 4)
            server.kill()
            delivered_before_kill = len(receiver.snapshot())
            server.start()
            received = receiver.wait_for(EVENTS + 0, timeout=60)
            # Give redeliveries of what was in flight the time to arrive too.
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                seen = {json.loads(r.body)["detail"]["n"] for r in receiver.snapshot()}
                if len(seen) == EVENTS:
                    break
                time.sleep(0.1)
            received = receiver.snapshot()
        finally:
            server.stop()

    numbers = Counter(json.loads(r.body)["detail"]["n"] for r in received)
    assert delivered_before_kill < EVENTS, "the kill came too late to test anything"
    assert set(numbers) == set(range(EVENTS)), f"missing: {set(range(EVENTS)) - set(numbers)}"
    duplicates = sum(count - 1 for count in numbers.values())
    assert duplicates <= IN_FLIGHT_BOUND
    keys = {r.headers.get("x-eventbus-idempotency-key") for r in received}
    assert len(keys) == EVENTS  # duplicates carry the same key, so receivers can drop them
