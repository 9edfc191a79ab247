"""TypeScript bindings pass tsc --strict (with ESM imports and the strictest optional-property
rules), and a usage file per fixture pins the type of each nested field it reads."""

from __future__ import annotations

import pytest

from codegen import generate
from tests.codegen.cases import CASE_IDS, CASES, Case
from tests.codegen.conftest import Build


def test_every_fixture_type_checks(ts_build: Build) -> None:
    assert ts_build.returncode == 0, ts_build.output


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_nested_fields_have_the_expected_types(case: Case, ts_build: Build) -> None:
    folder = generate(case.document, "TypeScript3", schema_name=case.schema_name).folder
    errors = [
        line
        for line in ts_build.output.splitlines()
        if line.startswith((f"{folder}/", f"check_{case.name}.ts"))
    ]
    assert errors == []
