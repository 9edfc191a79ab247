"""Java 8 bindings compile with javac --release 8 against Jackson 2, and a small program
unmarshals each sample event, prints nested fields and round-trips the event."""

from __future__ import annotations

import pytest

from codegen import generate
from codegen.java import package_segment, string_literal
from tests.codegen.cases import CASE_IDS, CASES, Case
from tests.codegen.conftest import Build


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_sample_event_unmarshals_into_typed_objects(case: Case, java_build: Build) -> None:
    assert java_build.returncode == 0, java_build.output
    returncode, output = java_build.runs[case.name]

    assert returncode == 0, output
    expected = [check.printed("java") for check in case.checks]
    assert output.splitlines() == [*expected, "round trip: true"]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_layout_follows_aws_packages(case: Case) -> None:
    bindings = generate(case.document, "Java8", schema_name=case.schema_name)
    base = f"{bindings.folder}/{case.java_package.replace('.', '/')}"

    assert bindings.main_file == f"{base}/{case.detail_class}.java"
    assert f"{base}/AWSEvent.java" in bindings.files
    assert f"{base}/marshaller/Marshaller.java" in bindings.files
    assert all(content.isascii() for content in bindings.files.values())


@pytest.mark.parametrize(
    ("text", "segment"),
    [
        ("Order Placed", "order_placed"),
        ("aws.ec2", "aws_ec2"),
        ("EC2 Instance State-change Notification", "ec2_instance_state_change_notification"),
        ("package", "package_"),
        ("1st", "_1st"),
        ("Größe", "grosse"),
    ],
)
def test_package_segments_are_lowercase_identifiers(text: str, segment: str) -> None:
    assert package_segment(text) == segment


def test_string_literals_escape_quotes_controls_and_non_ascii() -> None:
    assert string_literal('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert string_literal("名") == '"\\u540d"'
    assert string_literal("\U0001f600") == '"\\ud83d\\ude00"'
