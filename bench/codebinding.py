"""Benchmark: code bindings through the API, PutCodeBinding until CREATE_COMPLETE.

Starts ``eventbus serve`` (SQLite in a temporary folder, and Redis with ``--redis``) and,
through boto3's ``schemas`` client as a user would, times for each language the time from
sending PutCodeBinding to the first DescribeCodeBinding that reports ``CREATE_COMPLETE``
(polling every 5 ms), the median of 10 runs after one warm-up. Every run uses a schema of
its own, so nothing comes from the cache. The schemas are ``bench/codegen.py``'s: the typical
discovered schema (the ``shop@OrderPlaced`` fixture) and the large synthetic one.

Alongside, in the same run: the same generation and zip in this process (what the API adds
is the difference: HTTP, the store, the worker thread and the polling), a cached
PutCodeBinding (the binding exists), GetCodeBindingSource, and one Python binding asked for
as soon as a fresh server answers (while ``codegen.warm_up()`` may still be running) and
3 s later (once it has run).

    .venv/bin/python bench/codebinding.py
    .venv/bin/python bench/codebinding.py --runs 20 --redis redis://127.0.0.1:6379/0
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import httpx
from botocore.config import Config

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Run as a script, this file's folder comes first on sys.path, where bench/codegen.py would
# shadow the codegen package.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != HERE)]
LANGUAGES = ("Python", "Java8", "TypeScript3", "Go1")
POLL_SECONDS = 0.005
GOAL_SECONDS = 0.5


def _generation_bench() -> ModuleType:
    # bench/codegen.py by path: as a module named "codegen" it would shadow the package.
    spec = importlib.util.spec_from_file_location("bench_codegen", HERE / "codegen.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def server(store_url: str) -> Iterator[str]:
    """A running ``eventbus serve`` on ``store_url``; yields its URL once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "eventbus.cli", "serve", "--port", str(port), "--store", store_url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server on {store_url} did not start")
            time.sleep(0.02)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def schemas_client(url: str) -> Any:
    return boto3.client(
        "schemas",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(retries={"max_attempts": 1}),
    )


class Api:
    """One registry on one server, and the timed calls."""

    def __init__(self, url: str) -> None:
        self.client = schemas_client(url)
        self.registry = f"bench{uuid.uuid4().hex[:8]}"
        self.client.create_registry(RegistryName=self.registry)

    def new_schema(self, document: dict[str, Any], draft4: bool) -> str:
        name = f"bench@Event{uuid.uuid4().hex[:10]}"
        self.client.create_schema(
            RegistryName=self.registry,
            SchemaName=name,
            Type="JSONSchemaDraft4" if draft4 else "OpenApi3",
            Content=json.dumps(document),
        )
        return name

    def put_until_complete(self, schema: str, language: str) -> tuple[float, int]:
        """Seconds from sending PutCodeBinding to CREATE_COMPLETE, and Describe calls made."""
        names = {"RegistryName": self.registry, "SchemaName": schema, "Language": language}
        start = time.perf_counter()
        status = self.client.put_code_binding(**names)["Status"]
        polls = 0
        while status == "CREATE_IN_PROGRESS":
            time.sleep(POLL_SECONDS)
            status = self.client.describe_code_binding(**names)["Status"]
            polls += 1
        elapsed = time.perf_counter() - start
        if status != "CREATE_COMPLETE":
            raise RuntimeError(f"{language} bindings of {schema} ended with {status}")
        return elapsed, polls

    def timed(self, call: Callable[..., Any], schema: str, language: str, runs: int) -> float:
        names = {"RegistryName": self.registry, "SchemaName": schema, "Language": language}
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            result = call(**names)
            if "Body" in result:
                result["Body"].read()
            samples.append(time.perf_counter() - start)
        return statistics.median(samples)


def bench_store(label: str, store_url: str, runs: int, gen: ModuleType) -> None:
    from codegen import generate, to_zip, warm_up

    warm_up()
    subjects = [("typical", *gen.typical(), False), ("large", *gen.large(), True)]
    with server(store_url) as url:
        api = Api(url)
        print(
            f"\n{label}: PutCodeBinding → CREATE_COMPLETE, median of {runs} (goal {GOAL_SECONDS} s)"
        )
        header = f"{'schema':<8} {'language':<12} {'API':>9} {'polls':>5} {'in-process':>11}"
        print(f"{header} {'API adds':>9} {'cached Put':>10} {'GetSource':>9}")
        for subject, _, document, draft4 in subjects:
            for language in LANGUAGES:
                api.put_until_complete(api.new_schema(document, draft4), language)  # warm-up
                results = [
                    api.put_until_complete(api.new_schema(document, draft4), language)
                    for _ in range(runs)
                ]
                seconds = statistics.median(r[0] for r in results)
                polls = statistics.median(r[1] for r in results)
                local = gen.median_seconds(
                    lambda d=document, lang=language: to_zip(
                        generate(d, lang, schema_name="bench@Event")
                    ),
                    runs,
                )
                done = api.new_schema(document, draft4)
                api.put_until_complete(done, language)
                cached = api.timed(api.client.put_code_binding, done, language, runs)
                source = api.timed(api.client.get_code_binding_source, done, language, runs)
                verdict = "ok" if seconds < GOAL_SECONDS else "OVER"
                print(
                    f"{subject:<8} {language:<12} {seconds * 1000:6.1f} ms {polls:5.0f} "
                    f"{local * 1000:8.1f} ms {(seconds - local) * 1000:6.1f} ms "
                    f"{cached * 1000:7.1f} ms {source * 1000:6.1f} ms  {verdict}"
                )


def bench_fresh_server(store_url: str, gen: ModuleType, wait: float) -> None:
    """The first Python binding of a new server process, ``wait`` seconds after it answers."""
    _, document = gen.typical()
    start = time.perf_counter()
    with server(store_url) as url:
        up = time.perf_counter() - start
        api = Api(url)
        schema = api.new_schema(document, False)
        time.sleep(wait)
        seconds, polls = api.put_until_complete(schema, "Python")
    print(
        f"fresh server (answered after {up:.2f} s), first Python binding {wait:.0f} s later: "
        f"{seconds * 1000:.0f} ms, {polls} polls"
    )


def drop_keys(redis_url: str, prefix: str) -> None:
    import redis

    from eventbus.store import redis_keys

    client = redis.Redis.from_url(redis_url)
    try:
        stale = list(client.scan_iter(match=redis_keys.namespace_pattern(prefix)))
        if stale:
            client.unlink(*stale)
    finally:
        client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--redis", help="also measure on this Redis, e.g. redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    gen = _generation_bench()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        for wait in (0.0, 3.0):
            bench_fresh_server(f"sqlite:///{Path(tmp) / f'fresh-{wait}.db'}", gen, wait)
        bench_store("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", args.runs, gen)
    if args.redis:
        separator = "&" if "?" in args.redis else "?"
        prefix = f"bench-{uuid.uuid4().hex[:8]}"
        try:
            bench_store("Redis", f"{args.redis}{separator}prefix={prefix}", args.runs, gen)
        finally:
            drop_keys(args.redis, prefix)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
