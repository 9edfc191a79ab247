"""Killing the server right after PutEvents answered loses no accepted event."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import BACKENDS, client, fresh_store_url
from tests.support.logs import read_bus_log
from tests.support.server import ServerProcess


@pytest.mark.parametrize("backend", BACKENDS)
def test_accepted_events_survive_sigkill(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    store_url = fresh_store_url(backend, tmp_path, request)
    server = ServerProcess(store_url, log_path=tmp_path / "server.log").start()
    accepted: list[str] = []
    try:
        events = client("events", server.url)
        events.create_event_bus(Name="orders")
        stop = threading.Event()

        def produce(worker: int) -> None:
            producer: Any = client("events", server.url)
            n = 0
            while not stop.is_set():
                entries = [
                    {
                        "Source": "shop",
                        "DetailType": "Order Placed",
                        "Detail": json.dumps({"worker": worker, "n": n + i}),
                        "EventBusName": "orders",
                    }
                    for i in range(10)
                ]
                n += 10
                try:
                    result = producer.put_events(Entries=entries)
                except Exception:
                    return  # the server is gone: this call was never answered
                if "Entries" not in result:
                    return  # the kill cut the answer short: its event ids never reached us
                accepted.extend(e["EventId"] for e in result["Entries"] if "EventId" in e)

        threads = [threading.Thread(target=produce, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        # Kill while requests are in flight, once a good number were answered.
        while len(accepted) < 400:
            threads[0].join(0.01)
        server.kill()
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        server.kill()

    restarted = ServerProcess(store_url, log_path=tmp_path / "server.log").start()
    try:
        logged = {event["id"] for event in read_bus_log(store_url, "orders")}
        events = client("events", restarted.url)
        assert events.describe_event_bus(Name="orders")["Name"] == "orders"
    finally:
        restarted.stop()
    assert len(accepted) >= 400
    missing = set(accepted) - logged
    assert not missing, f"{len(missing)} accepted events lost"
