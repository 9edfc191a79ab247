"""Python bindings: the generated package imports, parses each sample event into typed
objects, and marshalls it back to the same JSON."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType

import pytest

from codegen import generate
from tests.codegen.cases import CASE_IDS, CASES, Case
from tests.codegen.conftest import write


@pytest.fixture
def load_package(tmp_path: Path) -> Iterator[object]:
    """Writes bindings to a temporary folder and imports them; forgets them afterwards."""
    loaded: list[str] = []

    def load(case: Case, language: str = "Python") -> ModuleType:
        bindings = generate(case.document, language, schema_name=case.schema_name)
        root = tmp_path / language
        write(root, bindings)
        sys.path.insert(0, str(root))
        loaded.append(bindings.folder)
        return importlib.import_module(bindings.folder)

    yield load
    sys.path[:] = [entry for entry in sys.path if not entry.startswith(str(tmp_path))]
    for name in list(sys.modules):
        if name.split(".")[0] in loaded:
            del sys.modules[name]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_sample_event_parses_into_typed_objects(case: Case, load_package) -> None:
    package = load_package(case)
    detail_class = getattr(package, case.detail_class)
    event = package.Marshaller.unmarshall(case.event, package.AWSEvent[detail_class])

    assert isinstance(event.detail, detail_class)
    for check in case.checks:
        value = eval(check.python, {}, {"event": event})
        assert type(value).__name__ == check.py_type, check.python
        if check.py_expect is not None:
            expected = eval(check.py_expect, {"datetime": datetime, "timezone": timezone})
        else:
            expected = check.expect
        assert value == expected, check.python


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_sample_event_round_trips_to_the_same_json(case: Case, load_package) -> None:
    package = load_package(case)
    event_type = package.AWSEvent[getattr(package, case.detail_class)]

    from_dict = package.Marshaller.unmarshall(case.event, event_type)
    from_text = package.Marshaller.unmarshall(json.dumps(case.event), event_type)

    assert package.Marshaller.marshall(from_dict) == case.event
    assert from_text == from_dict


def test_python36_gives_the_same_modern_code() -> None:
    case = CASES[0]
    modern = generate(case.document, "Python", schema_name=case.schema_name)
    legacy = generate(case.document, "Python36", schema_name=case.schema_name)
    assert legacy == modern


def test_models_are_built_by_name_and_dumped_by_alias(load_package) -> None:
    case = next(c for c in CASES if c.name == "shop_order_placed")
    package = load_package(case)

    customer = package.Customer(customer_id="c-1", first_name="Lin", class_="silver")

    assert package.Marshaller.marshall(customer) == {
        "customer-id": "c-1",
        "first name": "Lin",
        "class": "silver",
    }


def test_generated_code_depends_only_on_pydantic() -> None:
    allowed = {"__future__", "collections", "datetime", "enum", "typing", "pydantic"}
    for case in CASES:
        bindings = generate(case.document, "Python", schema_name=case.schema_name)
        for path, content in bindings.files.items():
            for node in ast.walk(ast.parse(content)):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    modules = [node.module or ""]
                else:
                    continue
                assert {m.split(".")[0] for m in modules} <= allowed, f"{path}: {modules}"


_USAGE = """\
from typing import Any, assert_type

from {folder} import AWSEvent, Category, ItemType, ItemUpdated, Marshaller

event = Marshaller.unmarshall("{{}}", AWSEvent[ItemUpdated])
assert_type(event, AWSEvent[ItemUpdated])
assert_type(event.detail.class_, str)
assert_type(event.detail.type, ItemType)
assert_type(event.detail.hash_code, int | None)
assert_type(event.detail.category, Category | None)
assert_type(Marshaller.marshall(event), dict[str, Any])
"""


def test_generated_package_and_its_use_pass_mypy_strict(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "acme_item_updated")
    bindings = generate(case.document, "Python", schema_name=case.schema_name)
    write(tmp_path, bindings)
    (tmp_path / "usage.py").write_text(_USAGE.format(folder=bindings.folder), encoding="utf-8")
    (tmp_path / "mypy.ini").write_text("[mypy]\nstrict = True\n", encoding="utf-8")

    mypy = [sys.executable, "-m", "mypy", "--config-file", "mypy.ini", "--cache-dir", ".cache"]
    done = subprocess.run(
        [*mypy, "usage.py", bindings.folder],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert done.returncode == 0, done.stdout + done.stderr
