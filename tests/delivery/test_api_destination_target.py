"""The API destination adapter against a real HTTP server on 127.0.0.1: the request it
sends, authorization (API key, basic, OAuth with a cached token), how failures are
classified, and rate limiting (on an injected clock: no test waits or times anything)."""

from __future__ import annotations

import asyncio
import base64
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest

from eventbus.api_destinations import ApiDestinationService
from eventbus.connections import DEAUTHORIZED, ConnectionService
from eventbus.context import Context
from eventbus.delivery.model import Delivery, DeliveryFailed
from eventbus.delivery.targets.api_destination import (
    IDEMPOTENCY_HEADER,
    ApiDestinationTarget,
    TokenBucket,
)
from eventbus.settings import Settings
from eventbus.store import open_store

# -- a real HTTP server, scripted per path ----------------------------------------------------


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    client_port: int


@dataclass
class Answer:
    status: int = 200
    body: bytes = b'{"ok": true}'
    headers: dict[str, str] = field(default_factory=dict)


class Endpoint:
    """An HTTP/1.1 server in a thread; answers each path from a script, else 200."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.scripts: dict[str, list[Answer]] = {}
        self.release = threading.Event()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body are two writes; with Nagle the second waits for an ACK.
            disable_nagle_algorithm = True

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                endpoint.received.append(
                    Received(
                        self.command,
                        parts.path,
                        parse_qs(parts.query),
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                        self.client_address[1],
                    )
                )
                if parts.path == "/slow":
                    endpoint.release.wait(10)
                script = endpoint.scripts.get(parts.path)
                answer = script.pop(0) if script else Answer()
                self.send_response(answer.status)
                for key, value in answer.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _any

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            # The default backlog of 5 drops connections when many deliveries run at once.
            request_queue_size = 64

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client gone (the timeout test) is expected here

        self._server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def script(self, path: str, *answers: Answer) -> None:
        self.scripts[path] = list(answers)

    def requests_to(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]

    def __enter__(self) -> Endpoint:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    with Endpoint() as server:
        yield server


def closed_port() -> int:
    """A port nothing listens on: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# -- services, adapter, deliveries ---------------------------------------------------------


@dataclass
class Services:
    connections: ConnectionService
    destinations: ApiDestinationService


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    await store.open()
    ctx = Context(settings=Settings(data_dir=tmp_path), store=store)
    connections = ConnectionService(ctx)
    try:
        yield Services(connections, ApiDestinationService(ctx, connections))
    finally:
        await store.close()


class FakeTime:
    """A clock that only moves when the adapter sleeps (or the test says so)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def time() -> FakeTime:
    return FakeTime()


@pytest.fixture
async def target(services: Services, time: FakeTime) -> AsyncIterator[ApiDestinationTarget]:
    adapter = ApiDestinationTarget(
        services.destinations, services.connections, clock=time.clock, sleep=time.sleep
    )
    try:
        yield adapter
    finally:
        await adapter.close()


API_KEY = "key-secret-1"
PASSWORD = "password-secret-2"
CLIENT_SECRET = "client-secret-3"
HEADER_SECRET = "header-secret-4"
QUERY_SECRET = "query-secret-5"


async def connect(services: Services, name: str, auth_type: str, auth: dict[str, Any]) -> str:
    change = await services.connections.create(
        name, authorization_type=auth_type, auth_parameters=auth
    )
    return change.connection.arn


async def api_key_connection(services: Services, **invocation: Any) -> str:
    auth: dict[str, Any] = {
        "ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": API_KEY}
    }
    if invocation:
        auth["InvocationHttpParameters"] = invocation
    return await connect(services, "key", "API_KEY", auth)


async def oauth_connection(services: Services, endpoint: Endpoint, method: str = "POST") -> str:
    return await connect(
        services,
        "oauth",
        "OAUTH_CLIENT_CREDENTIALS",
        {
            "OAuthParameters": {
                "ClientParameters": {"ClientID": "client-1", "ClientSecret": CLIENT_SECRET},
                "AuthorizationEndpoint": f"{endpoint.url}/token",
                "HttpMethod": method,
                "OAuthHttpParameters": {
                    "HeaderParameters": [{"Key": "X-Tenant", "Value": "acme"}],
                    "QueryStringParameters": [{"Key": "audience", "Value": "orders"}],
                    "BodyParameters": [{"Key": "scope", "Value": "events:write"}],
                },
            }
        },
    )


async def destination(
    services: Services,
    connection_arn: str,
    endpoint: str,
    *,
    method: str = "POST",
    rate: int | None = None,
    name: str = "dest",
) -> str:
    status = await services.destinations.create(
        name, connection_arn=connection_arn, endpoint=endpoint, method=method, rate_limit=rate
    )
    return status.destination.arn


def delivery(
    target_arn: str, body: str = '{"detail": {"id": 7}}', **http_parameters: Any
) -> Delivery:
    target: dict[str, Any] = {"Id": "t1", "Arn": target_arn}
    if http_parameters:
        target["HttpParameters"] = http_parameters
    return Delivery.model_validate(
        {
            "idempotency_key": "event-1:arn:aws:events:us-east-1:000000000000:rule/r:t1",
            "event_id": "event-1",
            "bus": "default",
            "rule_arn": "arn:aws:events:us-east-1:000000000000:rule/r",
            "rule_name": "r",
            "target": target,
            "body": body,
            "event": body,
            "ingested": 0.0,
        }
    )


async def failure(target: ApiDestinationTarget, item: Delivery) -> DeliveryFailed:
    with pytest.raises(DeliveryFailed) as info:
        await target.deliver(item)
    for secret in (API_KEY, PASSWORD, CLIENT_SECRET, HEADER_SECRET, QUERY_SECRET):
        assert secret not in info.value.message
    return info.value


# -- the request ---------------------------------------------------------------------------


async def test_request_has_path_values_parameters_auth_and_standard_headers(
    services: Services, target: ApiDestinationTarget, endpoint: Endpoint
) -> None:
    connection = await api_key_connection(
        services,
        HeaderParameters=[
            {"Key": "X-Secret", "Value": HEADER_SECRET, "IsValueSecret": True},
            {"Key": "X-Both", "Value": "connection"},
        ],
        QueryStringParameters=[
            {"Key": "token", "Value": QUERY_SECRET, "IsValueSecret": True},
            {"Key": "both", "Value": "connection"},
        ],
        BodyParameters=[{"Key": "source", "Value": "eventbus"}],
    )
    arn = await destination(
        services, connection, f"{endpoint.url}/orders/*/items/*?fixed=1", method="PUT"
    )
    await target.deliver(
        delivery(
            arn,
            PathParameterValues=["a b", "x/y"],
            HeaderParameters={"X-Target": "t", "X-Both": "target"},
            QueryStringParameters={"q": "1", "both": "target"},
        )
    )

    [request] = endpoint.received
    assert request.method == "PUT"
    assert request.path == "/orders/a%20b/items/x%2Fy"
    # The connection's parameters win over the target's, as AWS documents.
    assert request.query == {
        "fixed": ["1"],
        "q": ["1"],
        "both": ["connection"],
        "token": [QUERY_SECRET],
    }
    headers = request.headers
    assert headers["x-target"] == "t"
    assert headers["x-both"] == "connection"
    assert headers["x-secret"] == HEADER_SECRET
    assert headers["x-api-key"] == API_KEY
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert headers["user-agent"] == "Amazon/EventBridge/ApiDestinations"
    assert headers["range"] == "bytes=0-1048575"
    assert headers["accept-encoding"] == "gzip,deflate"
    assert headers[IDEMPOTENCY_HEADER.lower()] == (
        "event-1:arn:aws:events:us-east-1:000000000000:rule/r:t1"
    )
    # Body parameters of the connection join a JSON object body.
    assert orjson.loads(request.body) == {"detail": {"id": 7}, "source": "eventbus"}


async def test_body_is_sent_as_it_is(
    services: Services, target: ApiDestinationTarget, endpoint: Endpoint
) -> None:
    arn = await destination(services, await api_key_connection(services), f"{endpoint.url}/hook")
    body = '{"b": 1,  "a": [1, 2]}'
    await target.deliver(delivery(arn, body))
    await target.deliver(delivery(arn, '"a transformed string"'))
    assert [r.body for r in endpoint.received] == [body.encode(), b'"a transformed string"']


async def test_requests_share_pooled_connections(
    services: Services, target: ApiDestinationTarget, endpoint: Endpoint
) -> None:
    arn = await destination(services, await api_key_connection(services), f"{endpoint.url}/hook")
    for _ in range(3):
        await target.deliver(delivery(arn))
    assert len({r.client_port for r in endpoint.received}) == 1


async def test_basic_auth(
    services: Services, target: ApiDestinationTarget, endpoint: Endpoint
) -> None:
    connection = await connect(
        services,
        "basic",
        "BASIC",
        {"BasicAuthParameters": {"Username": "svc", "Password": PASSWORD}},
    )
    await target.deliver(delivery(await destination(services, connection, f"{endpoint.url}/hook")))
    [request] = endpoint.received
    expected = base64.b64encode(f"svc:{PASSWORD}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {expected}"


# -- OAuth ---------------------------------------------------------------------------------


def token(value: str, expires_in: int | None = 3600) -> Answer:
    answer: dict[str, Any] = {"access_token": value, "token_type": "Bearer"}
    if expires_in is not None:
        answer["expires_in"] = expires_in
    return Answer(body=orjson.dumps(answer), headers={"Content-Type": "application/json"})


async def test_oauth_token_is_fetched_cached_and_refreshed_on_401(
    services: Services, target: ApiDestinationTarget, endpoint: Endpoint
) -> None:
    endpoint.script("/token", token("t1"), token("t2"))
    arn = await destination(
        services, await oauth_connection(services, endpoint), f"{endpoint.url}/hook"
    )
    await target.deliver(delivery(arn))
    await target.deliver(delivery(arn))

    [token_request] = endpoint.requests_to("/token")
    assert token_request.method == "POST"
    client = base64.b64encode(f"client-1:{CLIENT_SECRET}".encode()).decode()
    assert token_request.headers["authorization"] == f"Basic {client}"
    assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert token_request.headers["x-tenant"] == "acme"
    assert token_request.query == {"audience": ["orders"]}
    assert parse_qs(token_request.body.decode()) == {
        "grant_type": ["client_credentials"],
        "scope": ["events:write"],
    }
    assert [r.headers["authorization"] for r in endpoint.requests_to("/hook")] == [
        "Bearer t1",
        "Bearer t1",
    ]

    # The endpoint refuses the token: a new one is fetched and the request sent again.
    endpoint.script("/hook", Answer(status=401), Answer())
    await target.deliver(delivery(arn))
    assert len(endpoint.requests_to("/token")) == 2
    assert [r.headers["authorization"] for r in endpoint.requests_to("/hook")[2:]] == [
        "Bearer t1",
        "Bearer t2",
    ]


async def test_oauth_token_is_refreshed_before_it_expires(
    services: Services, target: ApiDestinationTarget, endpoint: Endpoint, time: FakeTime
) -> None:
    endpoint.script("/token", token("t1", expires_in=100), token("t2", expires_in=100))
    arn = await destination(
        services, await oauth_connection(services, endpoint, method="GET"), f"{endpoint.url}/hook"
    )
    await target.deliver(delivery(arn))
    time.now += 89
    await target.deliver(delivery(arn))
    time.now += 2  # past 90% of the token's life
    await target.deliver(delivery(arn))
    assert [r.headers["authorization"] for r in endpoint.requests_to("/hook")] == [
        "Bearer t1",
        "Bearer t1",
        "Bearer t2",
    ]
    # With GET, the form parameters travel in the query string.
    first = endpoint.requests_to("/token")[0]
    assert first.method == "GET"
    assert first.query == {
        "audience": ["orders"],
        "grant_type": ["client_credentials"],
        "scope": ["events:write"],
    }


async def test_refused_client_credentials_deauthorize_the_connection(
    services: Services, target: ApiDestinationTarget, endpoint: Endpoint
) -> None:
    endpoint.script("/token", Answer(status=401, body=b'{"error": "invalid_client"}'))
    connection = await oauth_connection(services, endpoint)
    arn = await destination(services, connection, f"{endpoint.url}/hook")
    failed = await failure(target, delivery(arn))
    assert (failed.code, failed.retryable) == ("NO_PERMISSIONS", False)
    found = await services.connections.find_by_arn(connection)
    assert found is not None and found.state == DEAUTHORIZED
    assert found.state_reason and "HTTP 401" in found.state_reason
    assert endpoint.requests_to("/hook") == []

    # Deliveries through a deauthorized connection fail without a request.
    failed = await failure(target, delivery(arn))
    assert (failed.code, failed.retryable) == ("NO_PERMISSIONS", False)
    assert len(endpoint.received) == 1


async def test_token_endpoint_trouble_is_retried(
    services: Services, target: ApiDestinationTarget, endpoint: Endpoint
) -> None:
    endpoint.script("/token", Answer(status=503), token("t1"))
    connection = await oauth_connection(services, endpoint)
    arn = await destination(services, connection, f"{endpoint.url}/hook")
    failed = await failure(target, delivery(arn))
    assert (failed.code, failed.retryable) == ("SDK_CLIENT_ERROR", True)
    found = await services.connections.find_by_arn(connection)
    assert found is not None and found.state == "AUTHORIZED"
    await target.deliver(delivery(arn))


async def test_updating_the_connection_drops_its_token(
    services: Services, target: ApiDestinationTarget, endpoint: Endpoint
) -> None:
    endpoint.script("/token", token("t1"), token("t2"))
    arn = await destination(
        services, await oauth_connection(services, endpoint), f"{endpoint.url}/hook"
    )
    await target.deliver(delivery(arn))
    await services.connections.update(
        "oauth", auth_parameters={"OAuthParameters": {"ClientParameters": {"ClientSecret": "new"}}}
    )
    await target.deliver(delivery(arn))
    assert [r.headers["authorization"] for r in endpoint.requests_to("/hook")] == [
        "Bearer t1",
        "Bearer t2",
    ]


# -- failures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "code", "retryable"),
    [
        (Answer(status=500), "ERROR_FROM_TARGET", True),
        (Answer(status=503), "ERROR_FROM_TARGET", True),
        (Answer(status=429), "THROTTLING", True),
        (Answer(status=429, headers={"Retry-After": "-1"}), "THROTTLING", False),
        (Answer(status=404), "ERROR_FROM_TARGET", False),
        (Answer(status=400), "ERROR_FROM_TARGET", False),
        (Answer(status=302, headers={"Location": "/elsewhere"}), "ERROR_FROM_TARGET", False),
    ],
)
async def test_answers_are_classified_as_eventbridge_does(
    services: Services,
    target: ApiDestinationTarget,
    endpoint: Endpoint,
    answer: Answer,
    code: str,
    retryable: bool,
) -> None:
    endpoint.script("/hook", answer)
    connection = await api_key_connection(
        services,
        QueryStringParameters=[{"Key": "token", "Value": QUERY_SECRET, "IsValueSecret": True}],
    )
    arn = await destination(services, connection, f"{endpoint.url}/hook")
    failed = await failure(target, delivery(arn))
    assert (failed.code, failed.retryable) == (code, retryable)
    assert f"HTTP {answer.status}" in failed.message
    assert len(endpoint.received) == 1  # redirects are not followed


async def test_refused_connection_is_retryable(
    services: Services, target: ApiDestinationTarget
) -> None:
    url = f"http://127.0.0.1:{closed_port()}/hook"
    arn = await destination(services, await api_key_connection(services), url)
    failed = await failure(target, delivery(arn))
    assert (failed.code, failed.retryable) == ("SDK_CLIENT_ERROR", True)
    assert "cannot be reached" in failed.message


async def test_timeout_is_retryable(services: Services, endpoint: Endpoint, time: FakeTime) -> None:
    arn = await destination(services, await api_key_connection(services), f"{endpoint.url}/slow")
    # A short timeout instead of EventBridge's 5 s; the server holds its answer until the end.
    adapter = ApiDestinationTarget(
        services.destinations, services.connections, timeout=0.2, clock=time.clock, sleep=time.sleep
    )
    try:
        failed = await failure(adapter, delivery(arn))
    finally:
        await adapter.close()
    assert (failed.code, failed.retryable) == ("TIMEOUT", True)


async def test_401_deauthorizes_an_api_key_connection(
    services: Services, target: ApiDestinationTarget, endpoint: Endpoint
) -> None:
    endpoint.script("/hook", Answer(status=401))
    connection = await api_key_connection(services)
    arn = await destination(services, connection, f"{endpoint.url}/hook")
    failed = await failure(target, delivery(arn))
    assert (failed.code, failed.retryable) == ("ERROR_FROM_TARGET", False)
    found = await services.connections.find_by_arn(connection)
    assert found is not None and found.state == DEAUTHORIZED
    failed = await failure(target, delivery(arn))
    assert (failed.code, failed.retryable) == ("NO_PERMISSIONS", False)
    assert len(endpoint.received) == 1


async def test_missing_destination_or_connection(
    services: Services, target: ApiDestinationTarget, endpoint: Endpoint
) -> None:
    connection = await api_key_connection(services)
    arn = await destination(services, connection, f"{endpoint.url}/hook")
    await services.connections.delete("key")
    failed = await failure(target, delivery(arn))
    assert (failed.code, failed.retryable) == ("NO_RESOURCE", False)
    await services.destinations.delete("dest")
    failed = await failure(target, delivery(arn))
    assert (failed.code, failed.retryable) == ("NO_RESOURCE", False)
    assert endpoint.received == []


async def test_too_few_path_values(
    services: Services, target: ApiDestinationTarget, endpoint: Endpoint
) -> None:
    arn = await destination(services, await api_key_connection(services), f"{endpoint.url}/a/*/b/*")
    failed = await failure(target, delivery(arn, PathParameterValues=["only-one"]))
    assert (failed.code, failed.retryable) == ("INVALID_PARAMETER", False)
    assert endpoint.received == []


# -- rate limiting -------------------------------------------------------------------------


async def test_requests_over_the_rate_wait_for_their_turn(
    services: Services, target: ApiDestinationTarget, endpoint: Endpoint, time: FakeTime
) -> None:
    arn = await destination(
        services, await api_key_connection(services), f"{endpoint.url}/hook", rate=2
    )
    for _ in range(5):
        await target.deliver(delivery(arn))
    # A second's worth (2) goes at once; each further request waits half a second.
    assert time.sleeps == [0.5, 0.5, 0.5]
    assert len(endpoint.received) == 5


async def test_concurrent_deliveries_share_the_rate(
    services: Services, target: ApiDestinationTarget, endpoint: Endpoint, time: FakeTime
) -> None:
    arn = await destination(
        services, await api_key_connection(services), f"{endpoint.url}/hook", rate=4
    )
    start = time.now
    await asyncio.gather(*(target.deliver(delivery(arn)) for _ in range(12)))
    # 4 at once, then 8 more at 4 a second: 2 seconds of (fake) time in all.
    assert time.now - start == pytest.approx(2.0)
    assert len(endpoint.received) == 12


async def test_token_bucket(time: FakeTime) -> None:
    bucket = TokenBucket(3, clock=time.clock, sleep=time.sleep)
    for _ in range(3):
        await bucket.acquire()
    assert time.sleeps == []
    await bucket.acquire()
    assert time.sleeps == [pytest.approx(1 / 3)]
    time.now += 10  # idle time refills up to one second's worth, not more
    for _ in range(3):
        await bucket.acquire()
    await bucket.acquire()
    assert len(time.sleeps) == 2
    bucket.set_rate(1)
    await bucket.acquire()
    assert time.sleeps[-1] == pytest.approx(1.0)
