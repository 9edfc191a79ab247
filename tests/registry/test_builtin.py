"""The aws.events schemas: well formed, named as AWS names them, and true to AWS's
documented example events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from registry.builtin import builtin_schemas
from registry.content import validate_content
from registry.export import openapi_to_draft4
from registry.models import SchemaType

EXAMPLES = Path(__file__).parent / "examples"
BUILTINS = {schema.name: schema for schema in builtin_schemas()}


def test_a_dozen_well_known_events() -> None:
    assert len(BUILTINS) >= 12
    assert {
        "aws.ec2@EC2InstanceStateChangeNotification",
        "aws.s3@ObjectCreated",
        "aws.events@ScheduledEvent",
        "aws.codepipeline@CodePipelinePipelineExecutionStateChange",
        "aws.ecs@ECSTaskStateChange",
        "aws.states@StepFunctionsExecutionStatusChange",
        "aws.codebuild@CodeBuildBuildStateChange",
        "aws.guardduty@GuardDutyFinding",
        "aws.health@AWSHealthEvent",
        "aws.autoscaling@EC2InstanceLaunchSuccessful",
        "aws.dynamodb@AWSAPICallViaCloudTrail",
    } <= set(BUILTINS)


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_builtin_is_a_valid_event_schema(name: str) -> None:
    builtin = BUILTINS[name]
    document = validate_content(builtin.content, SchemaType.OPENAPI3)
    envelope = document["components"]["schemas"]["AWSEvent"]
    assert envelope["x-amazon-events-source"] == builtin.source
    assert envelope["x-amazon-events-detail-type"] == builtin.detail_type
    assert name == f"{builtin.source}@{document['info']['title']}"


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_documented_example_matches(name: str) -> None:
    example: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text())
    draft4 = openapi_to_draft4(json.loads(BUILTINS[name].content))
    Draft4Validator.check_schema(draft4)
    errors = [e.message for e in Draft4Validator(draft4).iter_errors(example)]
    assert errors == []
    # A detail missing a required member is refused.
    required = draft4["definitions"][draft4["properties"]["detail"]["$ref"].split("/")[-1]].get(
        "required", []
    )
    if required:
        broken = {
            **example,
            "detail": {k: v for k, v in example["detail"].items() if k != required[0]},
        }
        assert not Draft4Validator(draft4).is_valid(broken)


def test_every_example_has_a_builtin() -> None:
    assert {path.stem for path in EXAMPLES.glob("*.json")} == set(BUILTINS)


def test_builtins_are_served(schemas: Any) -> None:
    listed = [
        s["SchemaName"]
        for page in schemas.get_paginator("list_schemas").paginate(RegistryName="aws.events")
        for s in page["Schemas"]
    ]
    assert listed == sorted(BUILTINS)
    described = schemas.describe_schema(
        RegistryName="aws.events", SchemaName="aws.s3@ObjectCreated"
    )
    assert described["Content"] == BUILTINS["aws.s3@ObjectCreated"].content
    assert described["Type"] == "OpenApi3"
    assert described["Description"]


def test_aws_events_is_read_only(schemas: Any) -> None:
    name = "aws.s3@ObjectCreated"
    calls = [
        lambda: schemas.create_schema(
            RegistryName="aws.events", SchemaName="mine", Type="OpenApi3", Content="{}"
        ),
        lambda: schemas.update_schema(RegistryName="aws.events", SchemaName=name, Description="x"),
        lambda: schemas.delete_schema(RegistryName="aws.events", SchemaName=name),
        lambda: schemas.delete_schema_version(
            RegistryName="aws.events", SchemaName=name, SchemaVersion="1"
        ),
    ]
    for call in calls:
        with pytest.raises(schemas.exceptions.ForbiddenException) as info:
            call()
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert (
        schemas.describe_schema(RegistryName="aws.events", SchemaName=name)["SchemaVersion"] == "1"
    )
