"""The public API: languages, errors, the one-folder layout and deterministic zips."""

from __future__ import annotations

import io
import zipfile

import pytest

from codegen import (
    LANGUAGES,
    Bindings,
    InvalidSchemaError,
    UnsupportedLanguageError,
    generate,
    to_zip,
    warm_up,
)
from tests.codegen.cases import CASE_IDS, CASES, Case

# Files a project keeps at its own root; bindings must never bring another copy.
_PROJECT_FILES = {
    "README",
    "README.md",
    "LICENSE",
    "go.mod",
    "go.sum",
    "package.json",
    "tsconfig.json",
    "pom.xml",
    "build.gradle",
    "setup.py",
    "pyproject.toml",
    "requirements.txt",
}


def test_languages_are_aws_names_plus_python() -> None:
    assert set(LANGUAGES) == {"Python", "Python36", "Java8", "TypeScript3", "Go1"}


def test_an_unknown_language_is_refused_with_the_supported_ones() -> None:
    with pytest.raises(UnsupportedLanguageError, match="Java8") as raised:
        generate(CASES[0].document, "Cobol", schema_name="shop@OrderPlaced")
    assert "Cobol" in raised.value.message


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_bindings_sit_in_one_folder_named_after_the_schema(case: Case, language: str) -> None:
    bindings = generate(case.document, language, schema_name=case.schema_name)

    folders = {path.split("/", 1)[0] for path in bindings.files}
    assert folders == {bindings.folder}
    assert bindings.folder.isidentifier() and bindings.folder.islower()
    assert bindings.main_file in bindings.files
    assert not {path.rsplit("/", 1)[-1] for path in bindings.files} & _PROJECT_FILES


@pytest.mark.parametrize(
    ("language", "main_file"),
    [
        ("Python", "shop_order_placed/models.py"),
        ("Java8", "shop_order_placed/schema/shop/order_placed/OrderPlaced.java"),
        ("TypeScript3", "shop_order_placed/models.ts"),
        ("Go1", "shop_order_placed/models.go"),
    ],
)
def test_the_main_file_defines_the_detail(language: str, main_file: str) -> None:
    case = next(c for c in CASES if c.name == "shop_order_placed")
    bindings = generate(case.document, language, schema_name=case.schema_name)

    assert bindings.main_file == main_file
    assert b"OrderPlaced" in bindings.files[main_file]


def test_warm_up_leaves_generation_working() -> None:
    warm_up()
    assert generate(CASES[0].document, "Python", schema_name="warm@Up").files


def test_folder_names_are_sanitised() -> None:
    document = CASES[0].document
    assert generate(document, "Go1", schema_name="shop@OrderPlaced").folder == "shop_order_placed"
    assert generate(document, "Python", schema_name="3rd-party!").folder == "schema_3rd_party"
    assert generate(document, "Python", schema_name="json").folder == "json_schema"


def test_zip_is_deterministic_sorted_and_unpacks_to_the_files() -> None:
    case = CASES[0]
    first = to_zip(generate(case.document, "Java8", schema_name=case.schema_name))
    second = to_zip(generate(case.document, "Java8", schema_name=case.schema_name))
    bindings = generate(case.document, "Java8", schema_name=case.schema_name)

    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        names = archive.namelist()
        assert names == sorted(bindings.files)
        assert {name: archive.read(name) for name in names} == bindings.files
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_bindings_are_a_frozen_value() -> None:
    bindings = Bindings(files={"a/b.py": b""}, main_file="a/b.py")
    with pytest.raises(AttributeError):
        bindings.main_file = "other"  # type: ignore[misc]
    assert bindings.folder == "a"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "must be a JSON object"),
        ({"swagger": "2.0"}, "Swagger 2"),
        ({"openapi": "3.0.0", "components": {}}, "no components.schemas"),
        (
            {"openapi": "3.0.0", "components": {"schemas": {"A": {}}}},
            "no components.schemas.AWSEvent",
        ),
        (
            {"openapi": "3.0.0", "components": {"schemas": {"AWSEvent": {"properties": {}}}}},
            "no detail property",
        ),
        ({"properties": {"detail": {"$ref": "other.json#/X"}}}, "outside the document"),
        ({"properties": {"detail": {"$ref": "#/definitions/Nope"}}}, "does not resolve"),
        ({"properties": {"detail": {"type": "string"}}}, "must be an object schema"),
        ({"properties": {"a": {"type": "strang"}}}, "unknown type 'strang'"),
        ({"properties": {"a": {"items": {"$ref": "#/properties/a"}}}}, "cycle"),
        ({"properties": {"a": 5}}, "#/properties/a: a schema must be an object"),
        ({"properties": {"a": {"type": "object"}}, "required": "a"}, "required: must be a list"),
    ],
)
def test_documents_that_cannot_be_generated_from_say_why(document: object, message: str) -> None:
    with pytest.raises(InvalidSchemaError, match=message):
        generate(document, "Python", schema_name="shop@Broken")  # type: ignore[arg-type]


def test_a_schema_nested_beyond_reason_is_refused() -> None:
    inner: dict[str, object] = {"type": "string"}
    for _ in range(5000):
        inner = {"type": "array", "items": inner}

    with pytest.raises(InvalidSchemaError, match="nested too deeply"):
        generate({"properties": {"a": inner}}, "Go1", schema_name="deep@Nest")


def test_an_empty_schema_name_is_refused() -> None:
    with pytest.raises(InvalidSchemaError, match="schema name"):
        generate(CASES[0].document, "Go1", schema_name=" ")
