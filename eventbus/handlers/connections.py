"""CreateConnection, DescribeConnection, ListConnections, UpdateConnection,
DeauthorizeConnection, DeleteConnection.

Connections are rendered from an allow-list of members, so no secret (API key value,
password, client secret, value of a parameter marked IsValueSecret) can reach a response.
"""

from __future__ import annotations

from eventbus.connections import Connection, Parameter, ParameterSet, StateChange
from eventbus.handlers.wire import Wire, compact
from eventbus.protocol.awsjson import Handler
from eventbus.services import Services


def _parameter_list(parameters: list[Parameter] | None) -> list[Wire] | None:
    if parameters is None:
        return None
    return [
        compact(Key=p.key, Value=None if p.secret else p.value, IsValueSecret=p.secret)
        for p in parameters
    ]


def parameters_wire(parameters: ParameterSet | None) -> Wire | None:
    if parameters is None:
        return None
    return compact(
        HeaderParameters=_parameter_list(parameters.headers),
        QueryStringParameters=_parameter_list(parameters.query),
        BodyParameters=_parameter_list(parameters.body),
    )


def auth_parameters_wire(connection: Connection) -> Wire:
    api_key, basic, oauth = connection.api_key, connection.basic, connection.oauth
    return compact(
        ApiKeyAuthParameters={"ApiKeyName": api_key.name} if api_key else None,
        BasicAuthParameters={"Username": basic.username} if basic else None,
        OAuthParameters=compact(
            ClientParameters={"ClientID": oauth.client_id},
            AuthorizationEndpoint=oauth.endpoint,
            HttpMethod=oauth.method,
            OAuthHttpParameters=parameters_wire(oauth.parameters),
        )
        if oauth
        else None,
        InvocationHttpParameters=parameters_wire(connection.invocation),
    )


def connection_wire(connection: Connection) -> Wire:
    """DescribeConnection's answer."""
    return compact(
        ConnectionArn=connection.arn,
        Name=connection.name,
        Description=connection.description,
        ConnectionState=connection.state,
        StateReason=connection.state_reason,
        AuthorizationType=connection.authorization_type,
        SecretArn=connection.secret_arn,
        KmsKeyIdentifier=connection.kms_key_identifier,
        AuthParameters=auth_parameters_wire(connection),
        CreationTime=connection.created,
        LastModifiedTime=connection.modified,
        LastAuthorizedTime=connection.authorized,
    )


def summary_wire(connection: Connection) -> Wire:
    """A connection as ListConnections shows it."""
    return compact(
        ConnectionArn=connection.arn,
        Name=connection.name,
        ConnectionState=connection.state,
        StateReason=connection.state_reason,
        AuthorizationType=connection.authorization_type,
        CreationTime=connection.created,
        LastModifiedTime=connection.modified,
        LastAuthorizedTime=connection.authorized,
    )


def change_wire(change: StateChange, *, last_authorized: bool = True) -> Wire:
    connection = change.connection
    return compact(
        ConnectionArn=connection.arn,
        ConnectionState=change.reported_state,
        CreationTime=connection.created,
        LastModifiedTime=connection.modified,
        LastAuthorizedTime=connection.authorized if last_authorized else None,
    )


def handlers(s: Services) -> dict[str, Handler]:
    async def create_connection(req: Wire) -> Wire:
        change = await s.connections.create(
            req["Name"],
            authorization_type=req["AuthorizationType"],
            auth_parameters=req["AuthParameters"],
            description=req.get("Description"),
            kms_key_identifier=req.get("KmsKeyIdentifier"),
            connectivity=req.get("InvocationConnectivityParameters"),
        )
        # CreateConnection's answer has no LastAuthorizedTime, as on AWS.
        return change_wire(change, last_authorized=False)

    async def describe_connection(req: Wire) -> Wire:
        return connection_wire(await s.connections.get(req["Name"]))

    async def list_connections(req: Wire) -> Wire:
        items, token = await s.connections.page(
            req.get("NamePrefix"),
            req.get("ConnectionState"),
            req.get("NextToken"),
            req.get("Limit"),
        )
        return compact(Connections=[summary_wire(c) for c in items], NextToken=token)

    async def update_connection(req: Wire) -> Wire:
        change = await s.connections.update(
            req["Name"],
            authorization_type=req.get("AuthorizationType"),
            auth_parameters=req.get("AuthParameters"),
            description=req.get("Description"),
            kms_key_identifier=req.get("KmsKeyIdentifier"),
            connectivity=req.get("InvocationConnectivityParameters"),
        )
        return change_wire(change)

    async def deauthorize_connection(req: Wire) -> Wire:
        return change_wire(await s.connections.deauthorize(req["Name"]))

    async def delete_connection(req: Wire) -> Wire:
        return change_wire(await s.delete_connection(req["Name"]))

    return {
        "CreateConnection": create_connection,
        "DescribeConnection": describe_connection,
        "ListConnections": list_connections,
        "UpdateConnection": update_connection,
        "DeauthorizeConnection": deauthorize_connection,
        "DeleteConnection": delete_connection,
    }
