"""Tags on registries and schemas, and resource policies, through boto3."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.registry.helpers import error_of, openapi

ACCOUNT = "000000000000"


def test_tags_on_registry(schemas: Any, registry: str) -> None:
    arn = schemas.describe_registry(RegistryName=registry)["RegistryArn"]
    schemas.tag_resource(ResourceArn=arn, Tags={"team": "a", "env": "dev"})
    assert schemas.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"team": "a", "env": "dev"}
    schemas.tag_resource(ResourceArn=arn, Tags={"team": "b"})
    schemas.untag_resource(ResourceArn=arn, TagKeys=["env", "absent"])
    assert schemas.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"team": "b"}
    assert schemas.describe_registry(RegistryName=registry)["Tags"] == {"team": "b"}
    listed = schemas.list_registries(RegistryNamePrefix=registry)["Registries"]
    assert listed[0]["Tags"] == {"team": "b"}


def test_tags_on_schema(schemas: Any, registry: str) -> None:
    arn = schemas.create_schema(
        RegistryName=registry, SchemaName="a@B", Type="OpenApi3", Content=openapi()
    )["SchemaArn"]
    schemas.tag_resource(ResourceArn=arn, Tags={"k": "v"})
    assert schemas.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"k": "v"}
    assert schemas.describe_schema(RegistryName=registry, SchemaName="a@B")["Tags"] == {"k": "v"}
    assert schemas.list_schemas(RegistryName=registry)["Schemas"][0]["Tags"] == {"k": "v"}
    schemas.untag_resource(ResourceArn=arn, TagKeys=["k"])
    assert schemas.list_tags_for_resource(ResourceArn=arn)["Tags"] == {}


def test_tags_of_missing_or_foreign_resources(schemas: Any, registry: str) -> None:
    for arn in (
        f"arn:aws:schemas:us-east-1:{ACCOUNT}:registry/{registry}-gone",
        f"arn:aws:schemas:us-east-1:{ACCOUNT}:schema/{registry}/gone",
        f"arn:aws:schemas:eu-west-1:{ACCOUNT}:registry/{registry}",
    ):
        with pytest.raises(schemas.exceptions.NotFoundException) as info:
            schemas.list_tags_for_resource(ResourceArn=arn)
        assert error_of(info)[0] == 404
    with pytest.raises(schemas.exceptions.BadRequestException) as info:
        schemas.tag_resource(ResourceArn="arn:aws:events:us-east-1:1:rule/x", Tags={"a": "b"})
    assert "ARN" in error_of(info)[2]


def test_tag_rules(schemas: Any, registry: str) -> None:
    arn = schemas.describe_registry(RegistryName=registry)["RegistryArn"]
    for tags in ({"aws:x": "y"}, {"k" * 129: "v"}, {f"k{i}": "v" for i in range(51)}):
        with pytest.raises(schemas.exceptions.BadRequestException):
            schemas.tag_resource(ResourceArn=arn, Tags=tags)
    with pytest.raises(schemas.exceptions.BadRequestException):
        schemas.create_registry(RegistryName=f"{registry}x", Tags={"aws:reserved": "v"})


def test_aws_events_resources_are_read_only(schemas: Any) -> None:
    name = "aws.ec2@EC2InstanceStateChangeNotification"
    schema_arn = schemas.describe_schema(RegistryName="aws.events", SchemaName=name)["SchemaArn"]
    registry_arn = schemas.describe_registry(RegistryName="aws.events")["RegistryArn"]
    assert schemas.list_tags_for_resource(ResourceArn=schema_arn)["Tags"] == {}
    for arn in (schema_arn, registry_arn):
        with pytest.raises(schemas.exceptions.ForbiddenException):
            schemas.tag_resource(ResourceArn=arn, Tags={"a": "b"})
    with pytest.raises(schemas.exceptions.ForbiddenException):
        schemas.put_resource_policy(RegistryName="aws.events", Policy="{}")


def test_resource_policy_revisions(schemas: Any, registry: str) -> None:
    with pytest.raises(schemas.exceptions.NotFoundException):
        schemas.get_resource_policy(RegistryName=registry)
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]})
    first = schemas.put_resource_policy(RegistryName=registry, Policy=policy)
    assert first["RevisionId"]
    assert json.loads(first["Policy"]) == json.loads(policy)
    got = schemas.get_resource_policy(RegistryName=registry)
    assert (got["RevisionId"], json.loads(got["Policy"])) == (
        first["RevisionId"],
        json.loads(policy),
    )

    second = schemas.put_resource_policy(
        RegistryName=registry, Policy='{"Statement": []}', RevisionId=first["RevisionId"]
    )
    assert second["RevisionId"] != first["RevisionId"]
    # A stale revision is refused.
    with pytest.raises(schemas.exceptions.PreconditionFailedException) as info:
        schemas.put_resource_policy(
            RegistryName=registry, Policy='{"Statement": []}', RevisionId=first["RevisionId"]
        )
    assert error_of(info)[:2] == (412, "PreconditionFailedException")

    schemas.delete_resource_policy(RegistryName=registry)
    with pytest.raises(schemas.exceptions.NotFoundException):
        schemas.delete_resource_policy(RegistryName=registry)


def test_resource_policy_errors(schemas: Any, registry: str) -> None:
    with pytest.raises(schemas.exceptions.BadRequestException) as info:
        schemas.put_resource_policy(RegistryName=registry, Policy="not json")
    assert "Policy is not valid JSON" in error_of(info)[2]
    with pytest.raises(schemas.exceptions.BadRequestException) as info:
        schemas.get_resource_policy()
    assert "RegistryName" in error_of(info)[2]
    with pytest.raises(schemas.exceptions.NotFoundException):
        schemas.put_resource_policy(RegistryName=f"{registry}-gone", Policy="{}")
