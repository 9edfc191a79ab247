"""Go bindings build with the standard library only, are gofmt-clean, and a go test
unmarshals each sample event, checks nested fields and round-trips the event."""

from __future__ import annotations

import pytest

from codegen import generate
from tests.codegen.cases import CASE_IDS, CASES, Case
from tests.codegen.conftest import Build


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_sample_event_unmarshals_into_structs(case: Case, go_build: Build) -> None:
    assert go_build.returncode == 0, go_build.output
    returncode, output = go_build.runs[case.name]

    assert returncode == 0, output


def test_keys_encoding_json_cannot_tag_are_skipped_not_misnamed() -> None:
    document = {
        "type": "object",
        "properties": {"plain": {"type": "string"}, 'say "hi"': {"type": "string"}},
    }
    bindings = generate(document, "Go1", schema_name="greetings@Said")
    models = bindings.files[bindings.main_file].decode()

    assert '`json:"plain,omitempty"`' in models
    assert '`json:"-"`' in models
