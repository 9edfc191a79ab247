"""The compilers that check generated code bindings: where they are and how to call them.

Shared by the codegen tests (bindings straight from ``codegen``) and the registry tests
(bindings downloaded through the API). ``scripts/system-deps.sh`` installs them; a missing
one skips its tests, except in CI (``CI=true``), where it fails them so that nothing hides
as a skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
JACKSON_JARS = tuple(
    Path("/usr/share/java") / f"jackson-{name}.jar" for name in ("databind", "core", "annotations")
)
JACKSON_CLASSPATH = os.pathsep.join(str(jar) for jar in JACKSON_JARS)
TSC = REPO / ".toolchains" / "typescript" / "node_modules" / ".bin" / "tsc"

#: The strictest settings the TypeScript bindings promise to pass.
TSCONFIG = {
    "compilerOptions": {
        "strict": True,
        "noEmit": True,
        "target": "es2020",
        "module": "nodenext",
        "moduleResolution": "nodenext",
        "verbatimModuleSyntax": True,
        "isolatedModules": True,
        "exactOptionalPropertyTypes": True,
        "noImplicitReturns": True,
        "noUnusedLocals": True,
        "noUnusedParameters": True,
        "types": [],
    },
    "include": ["**/*.ts"],
}


def require(available: bool, what: str) -> None:
    """Skip when a toolchain is missing; in CI fail instead, so nothing hides as a skip."""
    if available:
        return
    message = f"{what} is missing: run scripts/system-deps.sh"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def require_java() -> None:
    tools = shutil.which("javac") and shutil.which("java")
    require(bool(tools) and all(jar.exists() for jar in JACKSON_JARS), "javac, java or Jackson")


def require_go() -> None:
    require(bool(shutil.which("go") and shutil.which("gofmt")), "go (golang-go)")


def require_tsc() -> None:
    require(TSC.exists() and bool(shutil.which("node")), "the TypeScript compiler")


def run(command: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None) -> tuple[int, str]:
    """Exit status and combined output of a command."""
    done = subprocess.run(
        list(command),
        cwd=cwd,
        env=None if env is None else dict(env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    return done.returncode, done.stdout + done.stderr


def javac(sources: Sequence[Path], classes: Path, cwd: Path) -> tuple[int, str]:
    """Compile for Java 8 against Jackson, every warning an error."""
    command = ["javac", "--release", "8", "-encoding", "UTF-8", "-Xlint:all,-options", "-Werror"]
    command += ["-cp", JACKSON_CLASSPATH, "-d", str(classes), *map(str, sources)]
    return run(command, cwd)


def java(main_class: str, classes: Path, cwd: Path) -> tuple[int, str]:
    return run(["java", "-cp", os.pathsep.join([str(classes), JACKSON_CLASSPATH]), main_class], cwd)


def go_module(root: Path, name: str = "check", cache: Path | None = None) -> dict[str, str]:
    """Make ``root`` a Go module; returns the environment to run ``go`` in it with.

    ``cache`` lets several modules share one build cache (the standard library is built
    once); by default the cache is in the module's folder.
    """
    (root / "go.mod").write_text(f"module {name}\n\ngo 1.19\n", encoding="utf-8")
    # Offline and self-contained: no module proxy, no cgo, caches in temporary folders.
    return {
        **os.environ,
        "GOCACHE": str(cache or root / ".cache"),
        "GOPATH": str(root / ".gopath"),
        "GOPROXY": "off",
        "GOFLAGS": "",
        "GOTOOLCHAIN": "local",
        "GO111MODULE": "on",
        "CGO_ENABLED": "0",
    }


def tsc_project(root: Path) -> None:
    """Make ``root`` an ES module project that ``tsc`` checks with ``TSCONFIG``."""
    (root / "package.json").write_text('{"private": true, "type": "module"}\n')
    (root / "tsconfig.json").write_text(json.dumps(TSCONFIG, indent=2))


def tsc(root: Path) -> tuple[int, str]:
    return run([str(TSC), "-p", str(root)], root)
