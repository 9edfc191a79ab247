"""Toolchains that compile generated bindings, and one session-wide build per toolchain.

javac, go and tsc each start slowly, so every fixture's bindings are compiled in one javac
call, one Go module and one tsc project; the tests then read their own part of the results.
The toolchains are found and called through ``tests.support.toolchains``: a missing one
skips its tests, except in CI (``CI=true``), where it fails them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from codegen import Bindings, generate
from tests.codegen.cases import CASES, Case
from tests.support.toolchains import (
    go_module,
    java,
    javac,
    require_go,
    require_java,
    require_tsc,
    run,
    tsc,
    tsc_project,
)


def write(root: Path, bindings: Bindings) -> list[Path]:
    paths = []
    for relative, content in bindings.files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        paths.append(path)
    return paths


@dataclass
class Build:
    """A toolchain's verdict on all fixtures: the compile step, then each case's own output."""

    returncode: int
    output: str
    runs: dict[str, tuple[int, str]] = field(default_factory=dict)


# -- Java --------------------------------------------------------------------------------------


def _java_check(case: Case) -> str:
    package, detail = case.java_package, case.detail_class
    prints = "\n".join(f"        out.println(String.valueOf({c.java}));" for c in case.checks)
    return f"""\
package check_{case.name};

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import {package}.AWSEvent;
import {package}.{detail};
import {package}.marshaller.Marshaller;

public class Check {{
    public static void run(String path, PrintStream out) throws Exception {{
        String json = new String(Files.readAllBytes(Paths.get(path)), "UTF-8");
        AWSEvent<{detail}> event = Marshaller.unmarshalEvent(json, {detail}.class);
{prints}
        String again = Marshaller.marshal(event);
        AWSEvent<{detail}> back = Marshaller.unmarshalEvent(again, {detail}.class);
        out.println("round trip: " + event.equals(back));
    }}
}}
"""


def _java_runner() -> str:
    """One JVM for all cases: starting Java and loading Jackson is most of the cost."""
    calls = "\n".join(
        f"""\
        out.println("=== {case.name}");
        try {{
            check_{case.name}.Check.run("{case.name}.json", out);
        }} catch (Exception error) {{
            error.printStackTrace(out);
        }}"""
        for case in CASES
    )
    return f"""\
package check;

import java.io.PrintStream;

public class RunAll {{
    public static void main(String[] args) throws Exception {{
        PrintStream out = new PrintStream(System.out, true, "UTF-8");
{calls}
    }}
}}
"""


@pytest.fixture(scope="session")
def java_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    require_java()
    root = tmp_path_factory.mktemp("java")
    sources: list[Path] = []
    checks = {f"check_{case.name}/Check.java": _java_check(case) for case in CASES}
    for case in CASES:
        bindings = generate(case.document, "Java8", schema_name=case.schema_name)
        sources += write(root / "src", bindings)
        (root / f"{case.name}.json").write_text(json.dumps(case.event), encoding="utf-8")
    for relative, text in {**checks, "check/RunAll.java": _java_runner()}.items():
        path = root / "src" / relative
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
        sources.append(path)
    build = Build(*javac(sources, root / "classes", root))
    if build.returncode != 0:
        return build
    returncode, output = java("check.RunAll", root / "classes", root)
    sections = output.split("=== ")
    for section in sections[1:]:
        name, _, text = section.partition("\n")
        build.runs[name] = (returncode, text)
    for case in CASES:
        build.runs.setdefault(case.name, (1, output))
    return build


# -- Go ----------------------------------------------------------------------------------------


def _go_check(expression: str, expected: str) -> str:
    want = json.dumps(expected, ensure_ascii=False)
    label = json.dumps(f"{expression} = %q, want %q")
    return (
        f"\tif got := fmt.Sprint({expression}); got != {want} {{\n"
        f"\t\tt.Errorf({label}, got, {want})\n"
        "\t}"
    )


def _go_test(case: Case, package: str) -> str:
    checks = "\n".join(_go_check(c.go, c.printed("go")) for c in case.checks)
    return f"""\
package {package}

import (
\t"bytes"
\t"fmt"
\t"os"
\t"testing"
)

func TestUnmarshalEvent(t *testing.T) {{
\tdata, err := os.ReadFile("testdata/event.json")
\tif err != nil {{
\t\tt.Fatal(err)
\t}}
\tevent, err := UnmarshalEvent(data)
\tif err != nil {{
\t\tt.Fatal(err)
\t}}
{checks}
\tagain, err := Marshal(event)
\tif err != nil {{
\t\tt.Fatal(err)
\t}}
\tback, err := UnmarshalEvent(again)
\tif err != nil {{
\t\tt.Fatal(err)
\t}}
\t// omitempty drops empty slices, so compare from the first re-encoding on.
\tonceMore, err := Marshal(back)
\tif err != nil {{
\t\tt.Fatal(err)
\t}}
\tif !bytes.Equal(again, onceMore) {{
\t\tt.Errorf("the event changed on a round trip:\\n%s\\n%s", again, onceMore)
\t}}
}}
"""


@pytest.fixture(scope="session")
def go_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    require_go()
    root = tmp_path_factory.mktemp("go")
    env = go_module(root)
    folders: dict[str, str] = {}
    for case in CASES:
        bindings = generate(case.document, "Go1", schema_name=case.schema_name)
        write(root, bindings)
        folder = folders[case.name] = bindings.folder
        (root / folder / "testdata").mkdir()
        (root / folder / "testdata" / "event.json").write_text(json.dumps(case.event))
        (root / folder / "check_test.go").write_text(_go_test(case, folder), encoding="utf-8")
    build = Build(*run(["go", "build", "./..."], root, env))
    if build.returncode != 0:
        return build
    # One go test for every package builds them in parallel; -json says which output is whose.
    _, output = run(["go", "test", "-count=1", "-json", "./..."], root, env)
    outputs = {folder: [] for folder in folders.values()}
    failed = set(folders.values())
    for line in output.splitlines():
        event = json.loads(line) if line.startswith("{") else {}
        folder = str(event.get("Package", "")).removeprefix("check/")
        if folder in outputs:
            outputs[folder].append(event.get("Output", ""))
            if event.get("Action") == "pass" and not event.get("Test"):
                failed.discard(folder)
    _, unformatted = run(["gofmt", "-l", *sorted(outputs)], root)
    for name, folder in folders.items():
        misformatted = [path for path in unformatted.splitlines() if path.startswith(folder)]
        text = "".join(outputs[folder]) + "".join(f"not gofmt-clean: {p}\n" for p in misformatted)
        build.runs[name] = (int(folder in failed or bool(misformatted)), text)
    return build


# -- TypeScript --------------------------------------------------------------------------------


def _ts_usage(case: Case, folder: str) -> str:
    type_names = {case.detail_class}
    for check in case.checks:
        type_names.update(word for word in check.ts_type.split() if word[:1].isupper())
    lines = [
        f'import type {{ AWSEvent, {", ".join(sorted(type_names))} }} from "./{folder}/index.js";',
        f'import {{ Marshaller }} from "./{folder}/index.js";',
        "",
        "type Equal<A, B> =",
        "  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;",
        "",
        f"const json = {json.dumps(json.dumps(case.event))};",
        f"const event: AWSEvent<{case.detail_class}> = Marshaller.unmarshalEvent(json);",
    ]
    for index, check in enumerate(case.checks):
        lines += [
            f"const value{index} = {check.typescript};",
            f"export const type{index}: Equal<typeof value{index}, {check.ts_type}> = true;",
        ]
    lines.append("export const text: string = Marshaller.marshal(event);")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def ts_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    require_tsc()
    root = tmp_path_factory.mktemp("ts")
    tsc_project(root)
    for case in CASES:
        bindings = generate(case.document, "TypeScript3", schema_name=case.schema_name)
        write(root, bindings)
        usage = root / f"check_{case.name}.ts"
        usage.write_text(_ts_usage(case, bindings.folder), encoding="utf-8")
    return Build(*tsc(root))
