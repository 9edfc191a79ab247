"""PutEvents throughput and latency: this service on SQLite and Redis (with its workers
routing every event in the same process, and as an API-only process), and moto's server.

Load comes from ``wrk`` (a C load generator; boto3 would spend ~3 ms of client CPU per
call and measure itself), with 8 keep-alive connections, sending batches of 10 and of 1.
Prints events/s, p50 and p99 latency per target, and our ratios against moto.

    python bench/putevents.py [--duration 10] [--redis redis://127.0.0.1:6379/0]

Needs ``wrk`` (Debian package ``wrk``) and a Redis server for the Redis row.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peers import peer_python

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 8


@dataclass
class Result:
    target: str
    batch: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def events_per_s(self) -> float:
        return self.requests_per_s * self.batch


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(url: str, probe: bytes, target: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(
                url,
                data=probe,
                headers={"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"},
            )
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def body(batch: int) -> str:
    detail = json.dumps(
        {
            "order_id": "o-123456",
            "customer": {"id": "c-42", "tier": "gold", "country": "DE"},
            "items": [{"sku": f"sku-{i}", "qty": i + 1, "price": 9.99} for i in range(5)],
            "total": 149.85,
            "currency": "EUR",
        }
    )
    entry = {
        "Source": "shop",
        "DetailType": "Order Placed",
        "Detail": detail,
        "EventBusName": "default",
    }
    return json.dumps({"Entries": [entry] * batch})


def run_wrk(url: str, batch: int, duration: int, workdir: Path) -> tuple[float, float, float, int]:
    script = workdir / f"put{batch}.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body(batch))}\n"
        'wrk.headers["Content-Type"] = "application/x-amz-json-1.1"\n'
        'wrk.headers["X-Amz-Target"] = "AWSEvents.PutEvents"\n'
    )
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(CONNECTIONS),
            "-d",
            f"{duration}s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not match:
            raise RuntimeError(f"no {label}% latency in wrk output:\n{out}")
        value, unit = float(match[1]), match[2]
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    errors_match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = int(errors_match[1]) if errors_match else 0
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    return rps, latency("50"), latency("99"), errors


def measure(name: str, url: str, duration: int, workdir: Path) -> list[Result]:
    results = []
    for batch in (10, 1):
        run_wrk(url, batch, 2, workdir)  # warm-up
        rps, p50, p99, errors = run_wrk(url, batch, duration, workdir)
        results.append(Result(name, batch, rps, p50, p99, errors))
        print(
            f"  {name:<16} batch {batch:>2}: {rps * batch:>9.0f} events/s "
            f"p50 {p50:6.2f} ms p99 {p99:6.2f} ms errors {errors}",
            file=sys.stderr,
        )
    return results


def start(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def bench_ours(
    store_url: str, label: str, duration: int, workdir: Path, *extra: str
) -> list[Result]:
    port = free_port()
    process = start(
        [
            sys.executable,
            "-m",
            "eventbus.cli",
            "serve",
            "--port",
            str(port),
            "--store",
            store_url,
            *extra,
        ]
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_until_up(url, b"{}", "AWSEvents.ListEventBuses")
        return measure(label, url, duration, workdir)
    finally:
        stop(process)


def bench_moto(duration: int, workdir: Path) -> list[Result]:
    python = peer_python("moto", ["moto[server]"])
    port = free_port()
    process = start([str(python), "-m", "moto.server", "-p", str(port)])
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_until_up(url, b"{}", "AWSEvents.ListEventBuses")
        return measure("moto", url, duration, workdir)
    finally:
        stop(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--skip-moto", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        results = bench_ours(
            f"sqlite:///{workdir / 'bench.db'}", "eventbus sqlite", args.duration, workdir
        )
        results += bench_ours(
            f"{args.redis}?prefix=bench-{uuid.uuid4().hex[:8]}",
            "eventbus redis",
            args.duration,
            workdir,
        )
        # The scale-out shape: API processes alone, routing in `eventbus worker` processes.
        results += bench_ours(
            f"sqlite:///{workdir / 'bench-api.db'}",
            "eventbus sqlite, API only",
            args.duration,
            workdir,
            "--no-workers",
        )
        results += bench_ours(
            f"{args.redis}?prefix=bench-{uuid.uuid4().hex[:8]}",
            "eventbus redis, API only",
            args.duration,
            workdir,
            "--no-workers",
        )
        if not args.skip_moto:
            results += bench_moto(args.duration, workdir)

    print(f"\nPutEvents, {CONNECTIONS} keep-alive connections, {args.duration} s per row\n")
    print("| target | batch | events/s | p50 ms | p99 ms | errors | vs moto (events/s) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    moto = {r.batch: r for r in results if r.target == "moto"}
    for r in results:
        ratio = f"{r.events_per_s / moto[r.batch].events_per_s:.1f}x" if r.batch in moto else "-"
        print(
            f"| {r.target} | {r.batch} | {r.events_per_s:,.0f} | {r.p50_ms:.2f} | "
            f"{r.p99_ms:.2f} | {r.errors} | {ratio} |"
        )


if __name__ == "__main__":
    main()
