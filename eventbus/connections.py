"""Connections: how API destinations authorize with their HTTP endpoints.

A connection holds an authorization method (API key, basic, OAuth client credentials) and
extra header, query string and body parameters sent with every request. Its secrets (API
key value, password, client secret, parameter values marked ``IsValueSecret``) are stored
with it, because the delivery workers need them, and are never rendered by any API
response: the handlers render connections from an allow-list of members.

States. EventBridge changes a connection's state asynchronously and answers a change with
the transitional state (AUTHORIZING, DEAUTHORIZING, DELETING). Here every transition
completes before the answer, so a response may report ``AUTHORIZING`` while a following
DescribeConnection already shows ``AUTHORIZED``:

    CreateConnection       API_KEY, BASIC → AUTHORIZED
                           OAUTH_CLIENT_CREDENTIALS → reports AUTHORIZING, is AUTHORIZED
                           (the first token is fetched by the first delivery)
    UpdateConnection       AUTHORIZED again when the credentials are complete, else
                           DEAUTHORIZED (a deauthorized connection updated without new secrets)
    DeauthorizeConnection  reports DEAUTHORIZING, is DEAUTHORIZED; the secrets are dropped
    DeleteConnection       reports DELETING, is gone
    delivery               DEAUTHORIZED with a StateReason when the endpoint answers 401/407
                           (API_KEY, BASIC) or the token endpoint refuses the client (OAuth)

CREATING, UPDATING, ACTIVE and FAILED_CONNECTIVITY (private APIs) never occur here.
"""

from __future__ import annotations

import re
import secrets
import string
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, Field

from eventbus.context import Context
from eventbus.documents import Collection, decode_token, encode_token
from eventbus.errors import (
    LimitExceededError,
    ResourceAlreadyExistsError,
    ResourceNotFoundError,
    ValidationError,
)

KIND = "connection"
#: AWS's default quota of connections per account and Region.
MAX_CONNECTIONS = 3000

API_KEY = "API_KEY"
BASIC = "BASIC"
OAUTH = "OAUTH_CLIENT_CREDENTIALS"

AUTHORIZED = "AUTHORIZED"
AUTHORIZING = "AUTHORIZING"
DEAUTHORIZED = "DEAUTHORIZED"
DEAUTHORIZING = "DEAUTHORIZING"
DELETING = "DELETING"

_BLOCKS = {
    API_KEY: "ApiKeyAuthParameters",
    BASIC: "BasicAuthParameters",
    OAUTH: "OAuthParameters",
}
_ARN = re.compile(
    r"arn:aws[\w-]*:events:[a-z0-9-]+:\d{12}:connection/(?P<name>[\.\-_A-Za-z0-9]+)/[\-A-Za-z0-9]+"
)
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_SECRET_SUFFIX_ALPHABET = string.ascii_letters + string.digits


class Parameter(BaseModel):
    """One header, query string or body parameter of a connection."""

    key: str
    value: str = Field(repr=False)
    secret: bool = False


class ParameterSet(BaseModel):
    """ConnectionHttpParameters; None lists were absent from the request."""

    headers: list[Parameter] | None = None
    query: list[Parameter] | None = None
    body: list[Parameter] | None = None


class ApiKeyAuth(BaseModel):
    name: str
    #: None once deauthorized.
    value: str | None = Field(default=None, repr=False)


class BasicAuth(BaseModel):
    username: str
    password: str | None = Field(default=None, repr=False)


class OAuthAuth(BaseModel):
    client_id: str
    client_secret: str | None = Field(default=None, repr=False)
    endpoint: str
    method: str
    parameters: ParameterSet | None = None


class Connection(BaseModel):
    name: str
    arn: str
    #: Made up but stable: where EventBridge would keep the secret in Secrets Manager.
    secret_arn: str
    authorization_type: str
    state: str
    state_reason: str | None = None
    description: str | None = None
    kms_key_identifier: str | None = None
    api_key: ApiKeyAuth | None = None
    basic: BasicAuth | None = None
    oauth: OAuthAuth | None = None
    invocation: ParameterSet | None = None
    created: float
    modified: float
    #: LastAuthorizedTime.
    authorized: float

    @property
    def has_credentials(self) -> bool:
        """Whether the secret of the authorization type is present."""
        if self.authorization_type == API_KEY:
            return self.api_key is not None and self.api_key.value is not None
        if self.authorization_type == BASIC:
            return self.basic is not None and self.basic.password is not None
        return self.oauth is not None and self.oauth.client_secret is not None


@dataclass(frozen=True, slots=True)
class StateChange:
    """A connection after a change, and the state the change's response reports."""

    connection: Connection
    reported_state: str


def parse_connection_arn(arn: str) -> str | None:
    """The connection name of a connection ARN, or None when it is not one."""
    match = _ARN.fullmatch(arn)
    return match["name"] if match else None


def _not_found(name: str, action: str) -> ResourceNotFoundError:
    return ResourceNotFoundError(
        f"Failed to {action} the connection(s). Connection '{name}' does not exist."
    )


class ConnectionService:
    def __init__(self, ctx: Context, *, max_connections: int = MAX_CONNECTIONS) -> None:
        self._ctx = ctx
        self._connections = Collection(ctx.store, KIND, Connection)
        self._max = max_connections

    # -- the API ---------------------------------------------------------------------------

    async def create(
        self,
        name: str,
        *,
        authorization_type: str,
        auth_parameters: Mapping[str, Any],
        description: str | None = None,
        kms_key_identifier: str | None = None,
        connectivity: Mapping[str, Any] | None = None,
    ) -> StateChange:
        _refuse_private_apis(connectivity, auth_parameters)
        auth = _apply_auth(authorization_type, None, auth_parameters, complete=True)
        if len(await self._ctx.store.scan(KIND, limit=self._max + 1)) >= self._max:
            raise LimitExceededError(
                "The requested resource exceeds the maximum number allowed "
                f"({self._max} connections)."
            )
        now = self._ctx.clock()
        arns = self._ctx.arns
        suffix = "".join(secrets.choice(_SECRET_SUFFIX_ALPHABET) for _ in range(6))
        connection = Connection(
            name=name,
            arn=f"arn:aws:events:{arns.region}:{arns.account_id}:connection/{name}/{uuid.uuid4()}",
            secret_arn=(
                f"arn:aws:secretsmanager:{arns.region}:{arns.account_id}:secret:"
                f"events!connection/{name}/{uuid.uuid4()}-{suffix}"
            ),
            authorization_type=authorization_type,
            state=AUTHORIZED,
            description=description or None,
            kms_key_identifier=kms_key_identifier or None,
            invocation=_invocation(auth_parameters, None),
            created=now,
            modified=now,
            authorized=now,
            **auth,
        )
        if not await self._connections.create(name, connection):
            raise ResourceAlreadyExistsError(f"Connection {name} already exists.")
        return StateChange(connection, _reported(connection, AUTHORIZED))

    async def get(self, name: str) -> Connection:
        connection = await self._connections.get(name)
        if connection is None:
            raise _not_found(name, "describe")
        return connection

    async def find_by_arn(self, arn: str) -> Connection | None:
        """The connection an ARN names; None for a deleted one, even if recreated since."""
        name = parse_connection_arn(arn)
        if name is None:
            return None
        connection = await self._connections.get(name)
        return connection if connection is not None and connection.arn == arn else None

    async def arn_exists(self, arn: str) -> bool:
        return await self.find_by_arn(arn) is not None

    async def all(self) -> list[Connection]:
        return await self._connections.all()

    async def page(
        self, prefix: str | None, state: str | None, token: str | None, limit: int | None
    ) -> tuple[list[Connection], str | None]:
        items = [
            connection
            for connection in await self._connections.all(prefix=prefix or "")
            if state is None or connection.state == state
        ]
        return page_by_name(items, token, limit)

    async def update(
        self,
        name: str,
        *,
        authorization_type: str | None = None,
        auth_parameters: Mapping[str, Any] | None = None,
        description: str | None = None,
        kms_key_identifier: str | None = None,
        connectivity: Mapping[str, Any] | None = None,
    ) -> StateChange:
        _refuse_private_apis(connectivity, auth_parameters or {})
        now = self._ctx.clock()

        def change(current: Connection) -> Connection:
            kind = authorization_type or current.authorization_type
            same_kind = kind == current.authorization_type
            wire = auth_parameters or {}
            fields: dict[str, Any] = {
                "modified": now,
                "authorization_type": kind,
                "invocation": _invocation(wire, current.invocation),
                **_apply_auth(kind, current if same_kind else None, wire, complete=not same_kind),
            }
            if description is not None:
                fields["description"] = description or None
            if kms_key_identifier is not None:
                fields["kms_key_identifier"] = kms_key_identifier or None
            updated = current.model_copy(update=fields)
            # Any update makes EventBridge authorize the connection again; that succeeds
            # when the secret is there (it is gone after DeauthorizeConnection).
            if updated.has_credentials:
                return updated.model_copy(
                    update={"state": AUTHORIZED, "state_reason": None, "authorized": now}
                )
            return updated.model_copy(update={"state": DEAUTHORIZED})

        connection = await self._connections.update(name, change)
        if connection is None:
            raise _not_found(name, "update")
        return StateChange(connection, _reported(connection, connection.state))

    async def deauthorize(self, name: str) -> StateChange:
        now = self._ctx.clock()

        def change(current: Connection) -> Connection:
            return current.model_copy(
                update={
                    "state": DEAUTHORIZED,
                    "state_reason": None,
                    "modified": now,
                    **_without_secrets(current),
                }
            )

        connection = await self._connections.update(name, change)
        if connection is None:
            raise _not_found(name, "deauthorize")
        return StateChange(connection, DEAUTHORIZING)

    async def delete(self, name: str) -> StateChange:
        connection = await self._connections.get(name)
        if connection is None or not await self._connections.delete(name):
            raise _not_found(name, "delete")
        return StateChange(connection, DELETING)

    # -- for the delivery workers ----------------------------------------------------------

    async def mark_deauthorized(self, connection: Connection, reason: str) -> None:
        """Deauthorize after the endpoint refused the credentials, as EventBridge does.

        Nothing changes when the connection was modified since ``connection`` was read:
        the refusal was of the credentials the caller used, not of newer ones.
        """

        def change(current: Connection) -> Connection:
            if current.modified != connection.modified or current.arn != connection.arn:
                return current
            return current.model_copy(
                update={
                    "state": DEAUTHORIZED,
                    "state_reason": reason[:512],
                    "modified": self._ctx.clock(),
                }
            )

        await self._connections.update(connection.name, change)


class Named(Protocol):
    @property
    def name(self) -> str: ...


N = TypeVar("N", bound=Named)


def page_by_name(
    items: Sequence[N], token: str | None, limit: int | None
) -> tuple[list[N], str | None]:
    """Page items sorted by name, with a token naming the last item returned.

    Used where a filter other than the name prefix applies, so the store cannot page;
    unlike an offset, a name stays right when items come and go between two pages.
    """
    after = decode_token(token) if token else None
    remaining = [item for item in items if after is None or item.name > after]
    size = limit or 100
    page = remaining[:size]
    return page, encode_token(page[-1].name) if len(remaining) > size and page else None


def _reported(connection: Connection, state: str) -> str:
    # EventBridge fetches a first OAuth token before it reports AUTHORIZED.
    if state == AUTHORIZED and connection.authorization_type == OAUTH:
        return AUTHORIZING
    return state


def _without_secrets(connection: Connection) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if connection.api_key is not None:
        fields["api_key"] = connection.api_key.model_copy(update={"value": None})
    if connection.basic is not None:
        fields["basic"] = connection.basic.model_copy(update={"password": None})
    if connection.oauth is not None:
        fields["oauth"] = connection.oauth.model_copy(update={"client_secret": None})
    return fields


def _refuse_private_apis(
    connectivity: Mapping[str, Any] | None, auth_parameters: Mapping[str, Any]
) -> None:
    if connectivity is not None or auth_parameters.get("ConnectivityParameters") is not None:
        raise ValidationError(
            "Connections to private APIs (InvocationConnectivityParameters, "
            "ConnectivityParameters) are not supported by this server."
        )


def _apply_auth(
    kind: str, current: Connection | None, wire: Mapping[str, Any], *, complete: bool
) -> dict[str, Any]:
    """The fields of a connection's authorization after a request's AuthParameters.

    ``current`` is the connection being updated with the same authorization type (its
    members fill in what the request leaves out); ``complete`` requires the request to
    carry every member of the type's parameters, as a create or a change of type does.
    """
    for other, other_block in _BLOCKS.items():
        if other != kind and wire.get(other_block) is not None:
            raise ValidationError(
                f"{other_block} cannot be used with AuthorizationType {kind}: a connection takes "
                f"only the authorization parameters of its type ({_BLOCKS[kind]})."
            )
    block = wire.get(_BLOCKS[kind])
    if complete and block is None:
        raise ValidationError(f"AuthorizationType {kind} requires AuthParameters.{_BLOCKS[kind]}.")
    fields: dict[str, Any] = {"api_key": None, "basic": None, "oauth": None}
    if kind == API_KEY:
        old_key = current.api_key if current else None
        fields["api_key"] = ApiKeyAuth(
            name=_header_name(
                _member(block, "ApiKeyName", old_key.name if old_key else None, kind)
            ),
            value=_secret(block, "ApiKeyValue", old_key.value if old_key else None, complete),
        )
    elif kind == BASIC:
        old_basic = current.basic if current else None
        fields["basic"] = BasicAuth(
            username=_member(block, "Username", old_basic.username if old_basic else None, kind),
            password=_secret(
                block, "Password", old_basic.password if old_basic else None, complete
            ),
        )
    else:
        fields["oauth"] = _apply_oauth(current.oauth if current else None, block, complete)
    return fields


def _invocation(wire: Mapping[str, Any], current: ParameterSet | None) -> ParameterSet | None:
    """InvocationHttpParameters after a request: replaced when given, else kept."""
    given = wire.get("InvocationHttpParameters")
    return current if given is None else parse_parameters(given, "InvocationHttpParameters")


def _apply_oauth(
    old: OAuthAuth | None, block: Mapping[str, Any] | None, complete: bool
) -> OAuthAuth:
    client = (block or {}).get("ClientParameters")
    if complete and client is None:
        raise ValidationError("OAuthParameters.ClientParameters is required.")
    endpoint = _member(block, "AuthorizationEndpoint", old.endpoint if old else None, OAUTH)
    _check_http_url(endpoint, "AuthorizationEndpoint")
    parameters = (block or {}).get("OAuthHttpParameters")
    return OAuthAuth(
        client_id=_member(client, "ClientID", old.client_id if old else None, OAUTH),
        client_secret=_secret(client, "ClientSecret", old.client_secret if old else None, complete),
        endpoint=endpoint,
        method=_member(block, "HttpMethod", old.method if old else None, OAUTH),
        parameters=(
            parse_parameters(parameters, "OAuthHttpParameters")
            if parameters is not None
            else (old.parameters if old else None)
        ),
    )


def _member(block: Mapping[str, Any] | None, key: str, old: str | None, kind: str) -> str:
    value = (block or {}).get(key, old)
    if value is None:
        raise ValidationError(f"{key} is required for AuthorizationType {kind}.")
    return str(value)


def _header_name(name: str) -> str:
    # The key is sent as a header name; the model's pattern admits names HTTP does not.
    if not _HEADER_NAME.fullmatch(name.strip()):
        raise ValidationError(f"ApiKeyName must be a valid HTTP header name: {name!r}")
    return name.strip()


def _secret(
    block: Mapping[str, Any] | None, key: str, old: str | None, complete: bool
) -> str | None:
    value = (block or {}).get(key)
    if value is None and complete:
        raise ValidationError(f"{key} is required.")
    return old if value is None else str(value)


def parse_parameters(wire: Mapping[str, Any], where: str) -> ParameterSet:
    """A ConnectionHttpParameters structure of a request, checked."""

    def parse(member: str) -> list[Parameter] | None:
        items = wire.get(member)
        if items is None:
            return None
        parsed = []
        for position, item in enumerate(items, start=1):
            key, value = item.get("Key"), item.get("Value")
            if not key or value is None:
                raise ValidationError(f"{where}.{member}[{position}] needs both a Key and a Value.")
            parsed.append(Parameter(key=key, value=value, secret=bool(item.get("IsValueSecret"))))
        return parsed

    return ParameterSet(
        headers=parse("HeaderParameters"),
        query=parse("QueryStringParameters"),
        body=parse("BodyParameters"),
    )


def _check_http_url(url: str, member: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(f"{member} must be an http:// or https:// URL with a host: {url}")
