"""Benchmark: generating code bindings in a warm process, per language.

For a typical discovered schema (the ``shop@OrderPlaced`` test fixture: five classes, one
enum) and a large synthetic one (40 classes of 12 fields), prints the median of 10 timed
generations after one warm-up, for each language, against the goal of 0.5 s. It also
prints what a cold process pays once (a fresh interpreter: import and first generation),
and, as the peer in the same run, the Python generation with datamodel-code-generator's
black + isort formatters instead of its builtin one.

    .venv/bin/python bench/codegen.py
    .venv/bin/python bench/codegen.py --runs 30
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Run as a script, this file's folder comes first on sys.path, and this file's name would
# shadow the codegen package.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != HERE)]
FIXTURE = ROOT / "tests" / "codegen" / "fixtures" / "shop_order_placed.json"
GOAL_SECONDS = 0.5


def typical() -> tuple[str, dict[str, Any]]:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data["schema_name"], data["document"]


def large(classes: int = 40, fields: int = 12) -> tuple[str, dict[str, Any]]:
    """A JSON Schema detail whose classes form a chain, each with every kind of field."""
    kinds: list[dict[str, Any]] = [
        {"type": "string"},
        {"type": "integer"},
        {"type": "number", "nullable": True},
        {"type": "boolean"},
        {"type": "string", "format": "date-time"},
        {"type": "array", "items": {"type": "string"}},
        {"type": "string", "enum": ["low", "medium", "high"]},
    ]
    definitions: dict[str, Any] = {}
    for index in range(classes):
        properties = {f"field-{n}": kinds[n % len(kinds)] for n in range(fields - 1)}
        if index + 1 < classes:
            properties["next item"] = {"$ref": f"#/definitions/Part{index + 1}"}
        definitions[f"Part{index}"] = {"type": "object", "properties": properties}
    document = {"$ref": "#/definitions/Part0", "definitions": definitions}
    return "bench@LargeEvent", document


def median_seconds(action: Callable[[], object], runs: int) -> float:
    return timed(action, runs)[0]


def timed(action: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time of ``runs`` calls, after one warm-up. CPU time
    says what the work costs when other processes share the machine."""
    action()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def cold_seconds(schema_name: str, language: str) -> float:
    """Import and first generation in a fresh interpreter."""
    script = (
        "import json, sys, time\n"
        "start = time.perf_counter()\n"
        "from codegen import generate\n"
        f"generate(json.loads(sys.stdin.read()), {language!r}, schema_name={schema_name!r})\n"
        "print(time.perf_counter() - start)\n"
    )
    _, document = typical()
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(document),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return float(done.stdout.strip())


def models_only(
    schema_name: str, document: dict[str, Any], black_isort: bool
) -> Callable[[], object]:
    """datamodel-code-generator's part of a Python generation, with the builtin formatter we
    use or with black + isort (its former default) for comparison."""
    from datamodel_code_generator.format import Formatter

    from codegen import python
    from codegen.normalise import normalise

    json_schema, aliases = python._json_schema(normalise(document, schema_name=schema_name))
    generator = python._datamodel_codegen()
    options = dict(generator.options)
    if black_isort:
        options["formatters"] = [Formatter.BLACK, Formatter.ISORT]
        options.pop("builtin_format_line_length")

    def run() -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # black and isort warn that they are optional now
            return generator.generate(json_schema, aliases=aliases, **options)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    from codegen import LANGUAGES, generate, to_zip, warm_up

    for language in ("Python", "Java8"):
        seconds = cold_seconds("shop@OrderPlaced", language)
        print(f"cold process, import + first {language} generation: {seconds:.3f} s")
    start = time.perf_counter()
    warm_up()
    print(f"warm_up() in this process: {time.perf_counter() - start:.3f} s\n")

    header = f"{'schema':<10} {'language':<12} {'wall':>9} {'CPU':>9} {'+ zip':>9}"
    print(f"{header}  goal {GOAL_SECONDS} s wall, with zip")
    for label, (name, document) in (("typical", typical()), ("large", large())):
        for language in LANGUAGES:

            def generated(language: str = language, name: str = name, doc: Any = document) -> Any:
                return generate(doc, language, schema_name=name)

            wall, cpu = timed(generated, args.runs)
            zipped = median_seconds(lambda generated=generated: to_zip(generated()), args.runs)
            verdict = "ok" if zipped < GOAL_SECONDS else "OVER"
            timings = f"{wall * 1000:6.1f} ms {cpu * 1000:6.1f} ms {zipped * 1000:6.1f} ms"
            print(f"{label:<10} {language:<12} {timings}  {verdict}")
        builtin = median_seconds(models_only(name, document, black_isort=False), args.runs)
        peer = median_seconds(models_only(name, document, black_isort=True), args.runs)
        print(
            f"{label:<10} {'models only':<12} {builtin * 1000:7.1f} ms builtin formatter, "
            f"{peer * 1000:.1f} ms with black + isort ({peer / builtin:.1f}x)"
        )


if __name__ == "__main__":
    main()
