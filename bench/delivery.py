"""End-to-end delivery: latency from PutEvents to a local HTTP receiver, and the highest
sustained delivered rate — this service on SQLite and Redis, and moto's server (with
MOTO_EVENTS_INVOKE_HTTP=true), measured in the same run.

    python bench/delivery.py [--rate 1000] [--duration 20]

The load generator sends PutEvents batches of 10 at a fixed rate over keep-alive
connections (raw HTTP, not boto3); each event carries its send time, and the receiver
(bench/receiver.py, its own process) records arrival minus send time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peers import peer_python
from putevents import free_port, start, stop, wait_until_up

HERE = Path(__file__).resolve().parent


@dataclass
class Row:
    target: str
    offered: float
    delivered: int
    sent: int
    p50_ms: float
    p99_ms: float
    duplicates: int


def setup(url: str, receiver_port: int) -> None:
    events = boto3.client(
        "events",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    connection = events.create_connection(
        Name="bench",
        AuthorizationType="API_KEY",
        AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "k"}},
    )
    destination = events.create_api_destination(
        Name="bench",
        ConnectionArn=connection["ConnectionArn"],
        InvocationEndpoint=f"http://127.0.0.1:{receiver_port}/events",
        HttpMethod="POST",
        InvocationRateLimitPerSecond=20000,
    )
    events.put_rule(Name="bench", EventPattern='{"source": ["bench"]}')
    events.put_targets(
        Rule="bench",
        Targets=[
            {
                "Id": "http",
                "Arn": destination["ApiDestinationArn"],
                "RoleArn": "arn:aws:iam::000000000000:role/bench",
            }
        ],
    )


async def offer(url: str, rate: float, duration: float) -> int:
    """Send PutEvents batches of 10 at ``rate`` events/s; returns events sent."""
    interval = 10 / rate
    sent = 0
    headers = {"X-Amz-Target": "AWSEvents.PutEvents", "Content-Type": "application/x-amz-json-1.1"}
    async with httpx.AsyncClient(limits=httpx.Limits(max_keepalive_connections=8)) as http:
        pending: set[asyncio.Task[httpx.Response]] = set()
        start_at = time.perf_counter()
        n = 0
        while time.perf_counter() - start_at < duration:
            due = start_at + n * interval
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            now = time.time()
            entries = [
                {
                    "Source": "bench",
                    "DetailType": "t",
                    "Detail": json.dumps({"sent": now, "i": n * 10 + i}),
                }
                for i in range(10)
            ]
            task = asyncio.create_task(
                http.post(url, headers=headers, content=json.dumps({"Entries": entries}))
            )
            pending.add(task)
            task.add_done_callback(pending.discard)
            sent += 10
            n += 1
        await asyncio.gather(*pending)
    return sent


def collect(receiver_port: int, expected: int, wait: float) -> tuple[list[float], int]:
    latencies: list[float] = []
    duplicates = 0
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        stats = httpx.get(f"http://127.0.0.1:{receiver_port}/stats").json()
        latencies += stats["latencies"]
        duplicates += stats["duplicates"]
        if len(latencies) >= expected:
            break
        time.sleep(0.5)
    return latencies, duplicates


def run_one(label: str, url: str, receiver_port: int, rate: float, duration: float) -> Row:
    sent = asyncio.run(offer(url, rate, duration))
    latencies, duplicates = collect(receiver_port, sent, wait=max(30.0, duration))
    latencies.sort()
    if latencies:
        p50 = statistics.median(latencies) * 1000
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    else:
        p50 = p99 = float("nan")
    row = Row(label, rate, len(latencies), sent, p50, p99, duplicates)
    print(
        f"  {label:<16} offered {rate:>6.0f}/s delivered {len(latencies)}/{sent} "
        f"p50 {p50:8.1f} ms p99 {p99:8.1f} ms",
        file=sys.stderr,
    )
    return row


def bench_target(
    label: str, command: list[str], env: dict[str, str], rates: list[float], duration: float
) -> list[Row]:
    receiver_port = free_port()
    receiver = start([sys.executable, str(HERE / "receiver.py"), str(receiver_port)])
    port = free_port()
    server = start([*command, str(port)], env)
    rows = []
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_until_up(url, b"{}", "AWSEvents.ListEventBuses")
        for _ in range(50):
            try:
                httpx.get(f"http://127.0.0.1:{receiver_port}/stats")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        setup(url, receiver_port)
        for rate in rates:
            rows.append(run_one(label, url, receiver_port, rate, duration))
    finally:
        stop(server)
        stop(receiver)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=1000)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument(
        "--max-rates",
        default="2000,4000",
        help="higher offered rates, to find the sustained maximum",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--skip-moto", action="store_true")
    args = parser.parse_args()
    rates = [args.rate, *(float(r) for r in args.max_rates.split(",") if r)]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        ours = [sys.executable, "-m", "eventbus.cli", "serve", "--port"]
        rows += bench_target(
            "eventbus sqlite",
            [*ours[:-1], "--store", f"sqlite:///{tmp}/bench.db", "--port"],
            {},
            rates,
            args.duration,
        )
        rows += bench_target(
            "eventbus redis",
            [*ours[:-1], "--store", f"{args.redis}?prefix=bench-{uuid.uuid4().hex[:8]}", "--port"],
            {},
            rates,
            args.duration,
        )
        if not args.skip_moto:
            python = peer_python("moto", ["moto[server]"])
            rows += bench_target(
                "moto",
                [str(python), "-m", "moto.server", "-p"],
                {"MOTO_EVENTS_INVOKE_HTTP": "true"},
                [args.rate],
                args.duration,
            )
    print(f"\nDelivery PutEvents → HTTP receiver, {args.duration:.0f} s per row\n")
    print("| target | offered events/s | delivered | p50 ms | p99 ms | duplicates |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r.target} | {r.offered:,.0f} | {r.delivered:,}/{r.sent:,} | {r.p50_ms:.1f} | "
            f"{r.p99_ms:.1f} | {r.duplicates} |"
        )
    moto = next((r for r in rows if r.target == "moto"), None)
    if moto is not None and moto.delivered:
        for r in rows:
            if r.target != "moto" and r.offered == moto.offered:
                print(
                    f"{r.target}: p99 {moto.p99_ms / r.p99_ms:.1f}x lower than moto at "
                    f"{r.offered:,.0f} events/s"
                )


if __name__ == "__main__":
    main()
