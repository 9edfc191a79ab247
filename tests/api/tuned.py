"""A second real server per backend whose clocks are tuned for tests.

Schedules, retention purges and paced replays take minutes or days at AWS's pace; this
server runs rate minutes of 0.2 s, purges every 0.2 s and replays 4 events a second.
It is started once per backend for the whole session, by the first test that asks.
"""

from __future__ import annotations

import uuid

import pytest

from tests.support.server import ServerProcess

MINUTE_SECONDS = 0.2
REPLAY_EVENTS_PER_SECOND = 4

_ENV = {
    "EVENTBUS_SCHEDULE_MINUTE_SECONDS": str(MINUTE_SECONDS),
    "EVENTBUS_ARCHIVE_PURGE_INTERVAL_SECONDS": "0.2",
    "EVENTBUS_REPLAY_MAX_EVENTS_PER_SECOND": str(REPLAY_EVENTS_PER_SECOND),
}
_started: dict[str, ServerProcess] = {}


def tuned_server(
    server: ServerProcess, request: pytest.FixtureRequest, tmp: pytest.TempPathFactory
) -> ServerProcess:
    """The tuned server on the backend of ``server`` (the shared one of this test)."""
    backend = "sqlite" if server.store_url.startswith("sqlite") else "redis"
    if backend not in _started:
        directory = tmp.mktemp(f"tuned-{backend}")
        if backend == "sqlite":
            store_url = f"sqlite:///{directory / 'events.db'}"
        else:
            redis_url = request.getfixturevalue("redis_url")
            store_url = f"{redis_url}?prefix=tuned-{uuid.uuid4().hex[:8]}"
        process = ServerProcess(store_url, log_path=directory / "server.log", env=_ENV).start()
        _started[backend] = process
        # Finalizers of the session run last-in first-out: this one before Redis stops.
        request.session.addfinalizer(lambda: _started.pop(backend).stop())
    return _started[backend]
