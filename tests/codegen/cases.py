"""The schema fixtures every language's tests run: a document, a sample event, and checks of
nested fields written once per language, so each test also pins the names a developer types."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class Check:
    python: str
    py_type: str
    java: str
    go: str
    typescript: str
    ts_type: str
    expect: Any
    py_expect: str | None = None  # a Python expression, where JSON cannot write the value
    text: str | None = None  # what Java and Go print, where it is not the JSON of expect
    go_text: str | None = None

    def printed(self, language: str) -> str:
        if language == "go" and self.go_text is not None:
            return self.go_text
        if self.text is not None:
            return self.text
        return self.expect if isinstance(self.expect, str) else json.dumps(self.expect)


@dataclass(frozen=True)
class Case:
    name: str
    schema_name: str
    detail_class: str
    java_package: str
    document: dict[str, Any]
    event: dict[str, Any]
    checks: tuple[Check, ...]


def _load(path: Path) -> Case:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Case(
        name=path.stem,
        schema_name=data["schema_name"],
        detail_class=data["detail_class"],
        java_package=data["java_package"],
        document=data["document"],
        event=data["event"],
        checks=tuple(Check(**check) for check in data["checks"]),
    )


CASES = tuple(_load(path) for path in sorted(FIXTURES.glob("*.json")))
CASE_IDS = [case.name for case in CASES]
