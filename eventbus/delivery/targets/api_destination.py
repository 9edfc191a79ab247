"""The API destination target: a delivery becomes an HTTP request to the destination.

The request is the one EventBridge sends (user guide, "API destinations"):

- the destination's method and endpoint, each ``*`` of the endpoint's path replaced in
  order by the target's ``HttpParameters.PathParameterValues`` (percent-encoded; values
  beyond the number of wildcards are ignored);
- the target's ``HeaderParameters`` and ``QueryStringParameters`` merged with the
  connection's ``InvocationHttpParameters``, the connection's values winning, as AWS
  documents; the connection's ``BodyParameters`` become members of the body when the
  body is a JSON object (another body is sent unchanged);
- the body of the delivery, ``Content-Type: application/json; charset=utf-8`` unless a
  parameter sets another;
- the authorization of the connection: API_KEY sets the header named by ``ApiKeyName``,
  BASIC sets ``Authorization: Basic``, OAUTH_CLIENT_CREDENTIALS sets ``Authorization:
  Bearer`` with a token from the authorization endpoint;
- the headers EventBridge always sends (``User-Agent: Amazon/EventBridge/ApiDestinations``,
  ``Range: bytes=0-1048575``, ``Accept-Encoding: gzip,deflate``) and
  ``X-Eventbus-Idempotency-Key``, the delivery's idempotency key, so that receivers can
  drop the duplicates at-least-once delivery produces. EventBridge also sends
  ``Connection: close``; here connections are pooled instead.

OAuth: the token request uses the client credentials grant (RFC 6749 §4.4): the client id
and secret in an ``Authorization: Basic`` header, ``grant_type=client_credentials`` and
the connection's ``OAuthHttpParameters`` body parameters as a form body (as query string
parameters for GET). Tokens are cached per connection until 90% of their ``expires_in``
has passed, or until the connection changes, and fetched again once when the endpoint
answers 401 or 407, as EventBridge does.

One request, the token request included, may take 5 seconds, EventBridge's timeout.

Outcomes, as ``DeliveryFailed(code, message, retryable)`` with codes of EventBridge's
dead-letter ERROR_CODE list:

=========================================  ====================  =========
2xx                                        accepted
cannot connect, other transport errors     SDK_CLIENT_ERROR      retryable
no answer within the timeout               TIMEOUT               retryable
429                                        THROTTLING            retryable
5xx                                        ERROR_FROM_TARGET     retryable
other statuses (3xx: redirects are not     ERROR_FROM_TARGET     no
followed; 4xx)
401/407 with API_KEY or BASIC              ERROR_FROM_TARGET     no, and the connection
                                                                 is deauthorized, as on AWS
token endpoint: transport error, 5xx       SDK_CLIENT_ERROR      retryable
token endpoint: no answer in time, 429     TIMEOUT, THROTTLING   retryable
token endpoint: other refusal              NO_PERMISSIONS        no, and the connection
                                                                 is deauthorized, as on AWS
destination or connection deleted          NO_RESOURCE           no
connection not authorized                  NO_PERMISSIONS        no
fewer path values than wildcards           INVALID_PARAMETER     no
=========================================  ====================  =========

A negative ``Retry-After`` stops the retries of a 429 or 5xx, as EventBridge documents.

Rate limiting: ``InvocationRateLimitPerSecond`` is enforced by a token bucket per
destination held by this object, so it holds per process: N worker processes may send up
to N times the rate. Requests over the rate wait (EventBridge delays them too).
"""

from __future__ import annotations

import asyncio
import base64
import http
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import httpx
import orjson

from eventbus.api_destinations import ApiDestination, ApiDestinationService
from eventbus.connections import (
    API_KEY,
    AUTHORIZED,
    BASIC,
    OAUTH,
    Connection,
    ConnectionService,
    Parameter,
)
from eventbus.delivery.model import Delivery, DeliveryFailed

#: The target ARNs this adapter delivers to (for registering it with the dispatcher).
API_DESTINATION_ARN_PATTERN = r"arn:aws[\w-]*:events:[a-z0-9-]+:\d{12}:api-destination/.+"
USER_AGENT = "Amazon/EventBridge/ApiDestinations"
IDEMPOTENCY_HEADER = "X-Eventbus-Idempotency-Key"
#: EventBridge's client execution timeout for API destinations, in seconds.
TIMEOUT_S = 5.0
#: What the Range header asks for; a longer answer is not read.
MAX_RESPONSE_BYTES = 1_048_576

_FIXED_HEADERS = {
    "User-Agent": USER_AGENT,
    "Range": f"bytes=0-{MAX_RESPONSE_BYTES - 1}",
    "Accept-Encoding": "gzip,deflate",
}
_CONTENT_TYPE = "application/json; charset=utf-8"
_PREFIX = "Unable to invoke ApiDestination endpoint: "
#: Answers to an expired or refused OAuth token (AWS refreshes the token on both).
_AUTH_REFUSED = (401, 407)

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class TokenBucket:
    """At most ``rate`` acquisitions a second on average, in bursts of up to ``rate``.

    Waiters queue on a lock, so they are served in arrival order and each waits for
    the token it gets. ``clock`` and ``sleep`` are injectable so tests need no real time.
    """

    def __init__(self, rate: float, *, clock: Clock, sleep: Sleep) -> None:
        self.rate = rate
        self._clock = clock
        self._sleep = sleep
        self._tokens = rate
        self._stamp = clock()
        self._lock = asyncio.Lock()

    def set_rate(self, rate: float) -> None:
        if rate != self.rate:
            self._refill()
            self.rate = rate
            self._tokens = min(self._tokens, rate)

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.rate, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    async def acquire(self) -> None:
        async with self._lock:
            self._refill()
            if self._tokens < 1:
                await self._sleep((1 - self._tokens) / self.rate)
                self._refill()
            self._tokens -= 1


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    headers: httpx.Headers
    body: bytes


@dataclass(frozen=True, slots=True)
class _Token:
    value: str
    #: When to fetch a new one (by the adapter's clock); None: when the endpoint refuses it.
    refresh_at: float | None
    #: The connection's LastModifiedTime when fetched: an update invalidates the token.
    version: float


@dataclass(frozen=True, slots=True)
class _Request:
    method: str
    url: httpx.URL
    headers: httpx.Headers
    content: bytes


class ApiDestinationTarget:
    """Delivers to API destinations over one pooled ``httpx.AsyncClient``; ``close()`` it."""

    def __init__(
        self,
        destinations: ApiDestinationService,
        connections: ConnectionService,
        *,
        timeout: float = TIMEOUT_S,
        concurrency: int = 16,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._destinations = destinations
        self._connections = connections
        self._timeout = timeout
        self._clock = clock
        self._sleep = sleep
        # Several small clients rather than one big pool: httpx's pool does work for every
        # waiting request on every connection, so one pool of 32 connections sends fewer
        # requests per second than one connection does; a free client is taken per exchange,
        # the most recently used first, so a trickle of requests keeps reusing one connection.
        self._idle: asyncio.LifoQueue[httpx.AsyncClient] = asyncio.LifoQueue()
        self._all_clients = [
            httpx.AsyncClient(
                timeout=httpx.Timeout(timeout),
                limits=httpx.Limits(max_connections=4, max_keepalive_connections=4),
                follow_redirects=False,
            )
            for _ in range(concurrency)
        ]
        for client in self._all_clients:
            self._idle.put_nowait(client)
        self._buckets: dict[str, TokenBucket] = {}
        self._tokens: dict[str, _Token] = {}
        self._token_locks: dict[str, asyncio.Lock] = {}

    async def close(self) -> None:
        for client in self._all_clients:
            await client.aclose()

    async def deliver(self, delivery: Delivery) -> None:
        destination = await self._destinations.find_by_arn(delivery.target_arn)
        if destination is None:
            raise DeliveryFailed(
                "NO_RESOURCE",
                f"{_PREFIX}API destination {delivery.target_arn} does not exist.",
                retryable=False,
            )
        connection = await self._connections.find_by_arn(destination.connection_arn)
        if connection is None:
            raise DeliveryFailed(
                "NO_RESOURCE",
                f"{_PREFIX}the connection of API destination {destination.name} "
                f"({destination.connection_arn}) does not exist.",
                retryable=False,
            )
        if connection.state != AUTHORIZED:
            reason = f": {connection.state_reason}" if connection.state_reason else "."
            raise DeliveryFailed(
                "NO_PERMISSIONS",
                f"{_PREFIX}connection {connection.name} is {connection.state}{reason}",
                retryable=False,
            )
        request = build_request(destination, connection, delivery)
        bucket = self._bucket(destination)

        if connection.authorization_type == OAUTH:
            token = await self._token(connection)
            await bucket.acquire()
            answer = await self._send(request, token, destination)
            if answer.status in _AUTH_REFUSED:
                token = await self._token(connection, stale=token)
                await bucket.acquire()
                answer = await self._send(request, token, destination)
        else:
            await bucket.acquire()
            answer = await self._send(request, None, destination)
            if answer.status in _AUTH_REFUSED:
                await self._connections.mark_deauthorized(
                    connection,
                    f"The endpoint of API destination {destination.name} answered "
                    f"HTTP {answer.status} to the connection's credentials.",
                )
        _check_answer(answer, f"the endpoint of API destination {destination.name}")

    # -- requests --------------------------------------------------------------------------

    def _bucket(self, destination: ApiDestination) -> TokenBucket:
        rate = destination.invocation_rate_limit
        bucket = self._buckets.get(destination.arn)
        if bucket is None:
            bucket = TokenBucket(rate, clock=self._clock, sleep=self._sleep)
            self._buckets[destination.arn] = bucket
        bucket.set_rate(rate)
        return bucket

    async def _send(
        self, request: _Request, token: str | None, destination: ApiDestination
    ) -> _Answer:
        headers = request.headers.copy()
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return await self._exchange(
            request.method,
            request.url,
            headers,
            request.content,
            f"the endpoint of API destination {destination.name}",
        )

    async def _exchange(
        self,
        method: str,
        url: httpx.URL,
        headers: httpx.Headers,
        content: bytes | None,
        what: str,
    ) -> _Answer:
        """One HTTP exchange within the timeout; transport failures become DeliveryFailed.

        Messages name ``what`` was called, never the URL: its query string may hold secrets.
        """
        client = await self._idle.get()
        try:
            async with asyncio.timeout(self._timeout):
                async with client.stream(method, url, headers=headers, content=content) as response:
                    body = await _read_capped(response)
                    return _Answer(response.status_code, response.headers, body)
        except (TimeoutError, httpx.TimeoutException):
            raise DeliveryFailed(
                "TIMEOUT",
                f"{_PREFIX}Timeout calling {what} (after {self._timeout:g} s).",
                retryable=True,
            ) from None
        except httpx.ConnectError:
            raise DeliveryFailed(
                "SDK_CLIENT_ERROR", f"{_PREFIX}{_capital(what)} cannot be reached.", retryable=True
            ) from None
        except httpx.LocalProtocolError:
            # Not the error's text: it may quote a header value, and values may be secrets.
            raise DeliveryFailed(
                "INVALID_PARAMETER",
                f"{_PREFIX}the request to {what} is not valid HTTP (a header name or value).",
                retryable=False,
            ) from None
        except httpx.TransportError as error:
            raise DeliveryFailed(
                "SDK_CLIENT_ERROR",
                f"{_PREFIX}the exchange with {what} failed: {type(error).__name__}.",
                retryable=True,
            ) from None
        finally:
            self._idle.put_nowait(client)

    # -- OAuth -----------------------------------------------------------------------------

    async def _token(self, connection: Connection, *, stale: str | None = None) -> str:
        """A token for the connection: the cached one unless expired, outdated or ``stale``."""
        lock = self._token_locks.setdefault(connection.arn, asyncio.Lock())
        async with lock:
            cached = self._tokens.get(connection.arn)
            if (
                cached is not None
                and cached.version == connection.modified
                and cached.value != stale
                and (cached.refresh_at is None or self._clock() < cached.refresh_at)
            ):
                return cached.value
            # Several deliveries refused with the same token wait on the lock; the first
            # fetches a new one and the others find it here instead of fetching again.
            token = await self._fetch_token(connection)
            self._tokens[connection.arn] = token
            return token.value

    async def _fetch_token(self, connection: Connection) -> _Token:
        oauth = connection.oauth
        assert oauth is not None and oauth.client_secret is not None  # AUTHORIZED OAuth
        parameters = oauth.parameters
        headers = httpx.Headers({"Accept": "application/json", "User-Agent": USER_AGENT})
        for header in (parameters.headers if parameters else None) or ():
            headers[header.key] = header.value
        credentials = f"{oauth.client_id}:{oauth.client_secret}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(credentials).decode()
        query = _pairs(parameters.query if parameters else None)
        form = {
            "grant_type": "client_credentials",
            **_pairs(parameters.body if parameters else None),
        }
        content: bytes | None = None
        if oauth.method == "GET":
            query.update(form)
        else:
            content = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        url = httpx.URL(oauth.endpoint).copy_merge_params(query)
        what = f"the authorization endpoint of connection {connection.name}"
        started = self._clock()
        answer = await self._exchange(oauth.method, url, headers, content, what)
        if answer.status == 429 or answer.status >= 500:
            _check_answer(answer, what, server_error_code="SDK_CLIENT_ERROR")
        value, expires_in = (
            _parse_token(answer.body) if 200 <= answer.status < 300 else (None, None)
        )
        if value is None:
            refusal = (
                f"HTTP {answer.status}"
                if not 200 <= answer.status < 300
                else "an answer without an access_token"
            )
            reason = f"The authorization endpoint answered {refusal} to the client credentials."
            await self._connections.mark_deauthorized(connection, reason)
            raise DeliveryFailed(
                "NO_PERMISSIONS",
                f"{_PREFIX}{reason} (connection {connection.name})",
                retryable=False,
            )
        refresh_at = None if expires_in is None else started + 0.9 * expires_in
        return _Token(value, refresh_at, connection.modified)


def build_request(
    destination: ApiDestination, connection: Connection, delivery: Delivery
) -> _Request:
    """The request for a delivery, without the OAuth token (fetched separately)."""
    http_parameters = delivery.target.get("HttpParameters") or {}
    url = httpx.URL(
        _fill_path(destination, http_parameters.get("PathParameterValues") or [])
    ).copy_merge_params(http_parameters.get("QueryStringParameters") or {})
    invocation = connection.invocation
    url = url.copy_merge_params(_pairs(invocation.query if invocation else None))

    headers = httpx.Headers({"Content-Type": _CONTENT_TYPE})
    for key, value in (http_parameters.get("HeaderParameters") or {}).items():
        headers[key] = value
    for header in (invocation.headers if invocation else None) or ():
        headers[header.key] = header.value
    if connection.authorization_type == API_KEY and connection.api_key is not None:
        headers[connection.api_key.name] = connection.api_key.value or ""
    elif connection.authorization_type == BASIC and connection.basic is not None:
        credentials = f"{connection.basic.username}:{connection.basic.password or ''}"
        headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()
    headers.update(_FIXED_HEADERS)
    headers[IDEMPOTENCY_HEADER] = delivery.idempotency_key

    content = delivery.body.encode()
    body_parameters = _pairs(invocation.body if invocation else None)
    if body_parameters:
        try:
            body = orjson.loads(content)
        except orjson.JSONDecodeError:
            body = None
        if isinstance(body, dict):
            content = orjson.dumps({**body, **body_parameters})
    return _Request(destination.method, url, headers, content)


def _fill_path(destination: ApiDestination, values: list[str]) -> str:
    parts = urlsplit(destination.endpoint)
    pieces = parts.path.split("*")
    wildcards = len(pieces) - 1
    if wildcards == 0:
        return destination.endpoint
    if len(values) < wildcards:
        raise DeliveryFailed(
            "INVALID_PARAMETER",
            f"{_PREFIX}the endpoint of API destination {destination.name} has {wildcards} "
            f"path wildcard(s) ('*') but the target's HttpParameters.PathParameterValues "
            f"has {len(values)} value(s).",
            retryable=False,
        )
    path = pieces[0] + "".join(
        quote(str(value), safe="") + piece for value, piece in zip(values, pieces[1:], strict=False)
    )
    return urlunsplit(parts._replace(path=path))


def _pairs(parameters: list[Parameter] | None) -> dict[str, str]:
    return {p.key: p.value for p in parameters or ()}


async def _read_capped(response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_RESPONSE_BYTES:
            break
    return b"".join(chunks)[:MAX_RESPONSE_BYTES]


def _check_answer(
    answer: _Answer, what: str, *, server_error_code: str = "ERROR_FROM_TARGET"
) -> None:
    """Return for a 2xx; raise DeliveryFailed with EventBridge's retry rules otherwise."""
    status = answer.status
    if 200 <= status < 300:
        return
    try:
        phrase = f" {http.HTTPStatus(status).phrase}"
    except ValueError:
        phrase = ""
    message = f"{_PREFIX}{_capital(what)} answered HTTP {status}{phrase}."
    retryable = status == 429 or status >= 500
    if retryable and _retry_after_negative(answer.headers.get("retry-after")):
        retryable = False
        message += " Its negative Retry-After stops the retries."
    code = (
        "THROTTLING"
        if status == 429
        else server_error_code
        if status >= 500
        else "ERROR_FROM_TARGET"
    )
    raise DeliveryFailed(code, message, retryable=retryable)


def _retry_after_negative(value: str | None) -> bool:
    try:
        return value is not None and int(value.strip()) < 0
    except ValueError:
        return False


def _parse_token(body: bytes) -> tuple[str | None, float | None]:
    """(access_token, expires_in) of a token answer; (None, None) when there is none."""
    try:
        answer = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None, None
    if not isinstance(answer, dict) or not isinstance(answer.get("access_token"), str):
        return None, None
    expires_in = answer.get("expires_in")
    if isinstance(expires_in, str) and expires_in.strip().isdigit():
        expires_in = int(expires_in)
    if isinstance(expires_in, bool) or not isinstance(expires_in, int | float) or expires_in <= 0:
        return answer["access_token"], None
    return answer["access_token"], float(expires_in)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
