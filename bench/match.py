"""Benchmark: event-pattern matching, our index against moto's and LocalStack's matchers.

Deterministic and seeded: the same rules and events every run. Prints events/s for 10,
100, 1,000 and 10,000 rules, the index build time, the cost of a rule change while
matching goes on, and the peers measured in the same run: moto and LocalStack, installed in
a throwaway virtualenv (bench/.peers/match, made by bench/peers.py) and driven through a
JSON file by this same script in ``--driver`` mode.

    .venv/bin/python bench/match.py                 # everything (installs peers once)
    .venv/bin/python bench/match.py --no-peers      # our index only
    .venv/bin/python bench/match.py --quick         # shorter timings, for a smoke run

Imports of the project happen inside functions: in ``--driver`` mode this file runs in
the peers' virtualenv, where only the standard library and the peer are installed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

SEED = 20240611
RULE_COUNTS = (10, 100, 1_000, 10_000)
EVENT_COUNT = 500
HERE = Path(__file__).resolve().parent
PEERS = HERE / ".peers"
PEER_VENV_NAME = "match"
# localstack-core's rule engine imports its AWS API layer, which needs rolo and jsonpatch.
PEER_PACKAGES = ("moto", "localstack-core", "rolo", "jsonpatch")
# Peers test every rule against every event; at many rules time only this many events.
PEER_EVENT_BUDGET = {10: 500, 100: 500, 1_000: 100, 10_000: 20}

# --- the workload ----------------------------------------------------------------------

SOURCES = [f"com.example.service{i}" for i in range(500)] + [
    "aws.ec2",
    "aws.s3",
    "aws.autoscaling",
    "aws.cloudwatch",
    "aws.codebuild",
]
DETAIL_TYPES = [f"Order{verb}" for verb in ("Created", "Paid", "Shipped", "Cancelled")] + [
    f"Event Type {i}" for i in range(36)
]
STATES = ["pending", "running", "stopping", "stopped", "terminated", "failed", "initializing"]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"]
SKUS = [f"SKU-{i:04d}" for i in range(300)]


def make_rules(count: int, rng: random.Random) -> list[tuple[str, dict[str, Any]]]:
    """A realistic mix: exact source/detail-type, prefix, ranges, negations, arrays."""
    rules = []
    for i in range(count):
        source = rng.choice(SOURCES)
        detail_type = rng.choice(DETAIL_TYPES)
        kind = rng.random()
        pattern: dict[str, Any]
        if kind < 0.25:
            pattern = {"source": [source], "detail-type": [detail_type]}
        elif kind < 0.35:
            pattern = {"source": [source, rng.choice(SOURCES)]}
        elif kind < 0.47:
            pattern = {"source": [source], "detail": {"state": rng.sample(STATES, 2)}}
        elif kind < 0.55:
            pattern = {
                # "com.example.service12" also takes service120 to service129
                "source": [{"prefix": source[: len(source) - rng.randint(0, 1)]}],
                "detail-type": [detail_type],
            }
        elif kind < 0.67:
            low = rng.randint(0, 900)
            pattern = {
                "source": [source],
                "detail": {"amount": [{"numeric": [">", low, "<=", low + rng.randint(10, 500)]}]},
            }
        elif kind < 0.75:
            pattern = {
                "source": [source],
                "detail": {"state": [{"anything-but": rng.sample(STATES, 2)}]},
            }
        elif kind < 0.81:
            pattern = {
                "source": [source],
                "detail-type": [detail_type],
                "detail": {"error": [{"exists": rng.random() < 0.7}]},
            }
        elif kind < 0.91:
            pattern = {
                "source": [source],
                "detail": {
                    "items": {
                        "sku": [rng.choice(SKUS)],
                        "quantity": [{"numeric": [">=", rng.randint(1, 5)]}],
                    }
                },
            }
        elif kind < 0.96:
            pattern = {
                "source": [source],
                "$or": [
                    {"region": [rng.choice(REGIONS)]},
                    {"detail": {"customer": {"tier": [rng.choice(["gold", "silver"])]}}},
                ],
            }
        else:
            pattern = {
                "source": [source],
                "detail": {
                    "customer": {"email": [{"suffix": rng.choice(["@example.com", ".org"])}]}
                },
                "resources": [{"prefix": "arn:aws:s3:::"}],
            }
        rules.append((f"rule-{i:05d}", pattern))
    return rules


def make_events(count: int, rng: random.Random) -> list[dict[str, Any]]:
    events = []
    for i in range(count):
        detail: dict[str, Any] = {
            "state": rng.choice(STATES),
            "amount": round(rng.uniform(0, 1500), 2),
            "customer": {
                "id": f"c-{rng.randint(1, 10_000)}",
                "tier": rng.choice(["gold", "silver", "bronze"]),
                "email": f"user{i}@" + rng.choice(["example.com", "mail.org", "corp.net"]),
            },
            "items": [
                {
                    "sku": rng.choice(SKUS),
                    "quantity": rng.randint(1, 6),
                    "price": rng.randint(1, 99),
                }
                for _ in range(rng.randint(1, 4))
            ],
            "notes": "x" * rng.randint(0, 40),
        }
        if rng.random() < 0.3:
            detail["error"] = {"code": rng.randint(400, 599)} if rng.random() < 0.5 else "boom"
        events.append(
            {
                "version": "0",
                "id": f"00000000-0000-0000-0000-{i:012d}",
                "detail-type": rng.choice(DETAIL_TYPES),
                "source": rng.choice(SOURCES),
                "account": "123456789012",
                "time": "2024-06-11T12:00:00Z",
                "region": rng.choice(REGIONS),
                "resources": [f"arn:aws:s3:::bucket-{rng.randint(1, 50)}"],
                "detail": detail,
            }
        )
    return events


def never_matching(rules: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    """The same rules with every source, detail type and SKU renamed out of the events.

    Matching cost then shows what the index costs by itself, without the work of the
    rules an event does (partly) match.
    """
    renames = {
        '"com.example.': '"org.nowhere.',
        '"aws.': '"gcp.',
        '"SKU-': '"NOSKU-',
        '"Order': '"Nope',
        '"Event Type': '"Nope Type',
    }
    renamed = []
    for rule_id, pattern in rules:
        text = json.dumps(pattern)
        for old, new in renames.items():
            text = text.replace(old, new)
        renamed.append((rule_id, json.loads(text)))
    return renamed


def workload() -> tuple[list[tuple[str, dict[str, Any]]], list[dict[str, Any]]]:
    rng = random.Random(SEED)
    rules = make_rules(max(RULE_COUNTS), rng)
    events = make_events(EVENT_COUNT, rng)
    return rules, events


# --- our index ---------------------------------------------------------------------------


def timed_rates(
    matchers: dict[int, Any], events: list[dict[str, Any]], seconds: float, rounds: int = 5
) -> dict[int, float]:
    """Events per CPU second of this process for each matcher, the best of a few rounds.

    CPU time, not wall time, because the machine is shared: other processes taking the
    core would otherwise count against us. The best round, like timeit, because
    interference only ever slows a round down; and rounds go round-robin over the
    matchers so that a noisy minute hurts them all alike. Each round makes whole passes
    over the events for at least ``seconds / rounds``.
    """
    best = dict.fromkeys(matchers, 0.0)
    for _ in range(rounds):
        for name, match in matchers.items():
            done = 0
            start = time.process_time()
            while True:
                for event in events:
                    match(event)
                done += len(events)
                elapsed = time.process_time() - start
                if elapsed >= seconds / rounds:
                    break
            best[name] = max(best[name], done / elapsed)
    return best


def bench_ours(
    rules: list[tuple[str, dict[str, Any]]], events: list[dict[str, Any]], seconds: float
) -> dict[str, Any]:
    from eventbus.patterns import PatternIndex, compile_pattern

    compiled = [(rule_id, compile_pattern(raw)) for rule_id, raw in rules]
    indexes = {count: PatternIndex.build(compiled[:count]) for count in RULE_COUNTS}
    unmatched = PatternIndex.build(
        (rule_id, compile_pattern(raw)) for rule_id, raw in never_matching(rules)
    )
    assert not any(unmatched.match(e) for e in events)
    matchers = {n: index.match for n, index in indexes.items()} | {-1: unmatched.match}
    rates = timed_rates(matchers, events, seconds)
    results: dict[str, Any] = {
        "rates": {n: rates[n] for n in RULE_COUNTS},
        "unmatched_rate": rates[-1],
        "matches": {n: [index.match(e) for e in events] for n, index in indexes.items()},
    }

    builds = []
    for _ in range(3):
        start = time.perf_counter()
        PatternIndex.build(compiled)
        builds.append(time.perf_counter() - start)
    results["build_10000"] = min(builds)
    start = time.perf_counter()
    for _rule_id, raw in rules:
        compile_pattern(raw)
    results["compile_10000"] = time.perf_counter() - start
    # Wall time is fine for these one-off figures; they are whole seconds, not microseconds.
    results["change"] = _bench_change(compiled, events)
    return results


def _bench_change(
    compiled: list[tuple[str, Any]], events: list[dict[str, Any]]
) -> dict[str, float]:
    """Change one rule of 10,000 while another thread keeps matching on the old index."""
    from eventbus.patterns import PatternIndex, compile_pattern

    current = {"index": PatternIndex.build(compiled)}
    stop = threading.Event()
    served = [0]

    def reader() -> None:
        while not stop.is_set():
            index = current["index"]  # one reference read: no lock needed
            for event in events[:50]:
                index.match(event)
            served[0] += 50

    thread = threading.Thread(target=reader)
    thread.start()
    time.sleep(0.2)
    changed = compile_pattern({"source": ["com.example.changed"], "detail": {"amount": [5]}})
    times = []
    for _ in range(3):
        start = time.perf_counter()
        current["index"] = current["index"].replace(upserts=[("rule-00042", changed)])
        times.append(time.perf_counter() - start)
    stop.set()
    thread.join()
    return {"rebuild_s": statistics.median(times), "events_served": served[0]}


# --- peers -------------------------------------------------------------------------------


def ensure_peers() -> Path:
    """The Python of the peers' virtualenv (bench/.peers/match), created on first use."""
    sys.path.insert(0, str(HERE))
    from peers import peer_python  # bench/peers.py: the benchmarks' shared peer installer

    return peer_python(PEER_VENV_NAME, list(PEER_PACKAGES))


def peer_versions(python: Path) -> dict[str, str]:
    frozen = subprocess.run(
        [str(python), "-m", "pip", "freeze"], check=True, capture_output=True, text=True
    ).stdout
    found = {}
    for line in frozen.splitlines():
        name, _, version = line.partition("==")
        if name.lower() in PEER_PACKAGES:
            found[name.lower()] = version
    return found


def bench_peer(
    python: Path,
    peer: str,
    rules: list[tuple[str, dict[str, Any]]],
    events: list[dict[str, Any]],
    seconds: float,
) -> dict[int, dict[str, Any]]:
    data = PEERS / "workload.json"
    data.write_text(json.dumps({"rules": rules, "events": events}))
    results: dict[int, dict[str, Any]] = {}
    for count in RULE_COUNTS:
        budget = PEER_EVENT_BUDGET[count]
        out = subprocess.run(
            [
                str(python),
                __file__,
                "--driver",
                peer,
                "--input",
                str(data),
                "--rules",
                str(count),
                "--events",
                str(budget),
                "--seconds",
                str(seconds),
            ],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        results[count] = json.loads(out.stdout.strip().splitlines()[-1])
    return results


def driver(peer: str, path: str, rule_count: int, event_count: int, seconds: float) -> None:
    """Runs inside the peers' virtualenv: time one peer's matcher, print JSON."""
    data = json.loads(Path(path).read_text())
    rules = [(rule_id, json.dumps(pattern)) for rule_id, pattern in data["rules"][:rule_count]]
    events = data["events"][:event_count]
    if peer == "moto":
        from moto.events.models import EventPattern  # type: ignore[import-not-found]

        parsed = [(rule_id, EventPattern.load(text)) for rule_id, text in rules]

        def match(event: dict[str, Any]) -> list[str]:
            return [rule_id for rule_id, pattern in parsed if pattern.matches_event(event)]

    elif peer == "localstack":
        from localstack.services.events.event_rule_engine import (  # type: ignore[import-not-found]
            EventPatternCompiler,
            EventRuleEngine,
        )

        compiler = EventPatternCompiler()
        engine = EventRuleEngine()
        parsed = [(rule_id, compiler.compile_event_pattern(text)) for rule_id, text in rules]

        def match(event: dict[str, Any]) -> list[str]:
            return [
                rule_id
                for rule_id, pattern in parsed
                if engine.evaluate_pattern_on_event(pattern, event)
            ]

    else:
        raise SystemExit(f"unknown peer {peer}")

    matched = [sorted(match(event)) for event in events]  # one pass, also a warm-up
    best = 0.0
    spent = 0.0
    while spent < seconds:
        start = time.process_time()
        for event in events:
            match(event)
        elapsed = time.process_time() - start
        spent += elapsed
        best = max(best, len(events) / elapsed)
    print(json.dumps({"rate": best, "events": len(events), "matches": matched}))


# --- report ------------------------------------------------------------------------------


def report(ours: dict[str, Any], peers: dict[str, dict[int, dict[str, Any]]]) -> str:
    lines = []
    header = f"{'rules':>7} | {'ours ev/s':>10} | {'µs/event':>8}"
    for peer in peers:
        header += f" | {peer + ' ev/s':>15} | {'timed':>5} | {'ours/' + peer:>15}"
    lines.append(header)
    lines.append("-" * len(header))
    for count in RULE_COUNTS:
        rate = ours["rates"][count]
        row = f"{count:>7,} | {rate:>10,.0f} | {1e6 / rate:>8.1f}"
        for results in peers.values():
            peer = results[count]
            row += (
                f" | {peer['rate']:>15,.1f} | {peer['events']:>5} | {rate / peer['rate']:>14,.0f}x"
            )
        lines.append(row)
    lines.append("")
    ratio = ours["rates"][RULE_COUNTS[0]] / ours["rates"][RULE_COUNTS[-1]]
    lines.append(f"per-event time at 10,000 rules / at 10 rules: {ratio:.2f}x")
    unmatched = ours["unmatched_rate"]
    lines.append(
        f"10,000 rules that match no event: {unmatched:,.0f} ev/s, {1e6 / unmatched:.1f} µs/event,"
        f" {ours['rates'][RULE_COUNTS[0]] / unmatched:.2f}x the time at 10 rules"
    )
    average = {n: sum(map(len, ids)) / len(ids) for n, ids in ours["matches"].items()}
    lines.append(
        "rules matched per event: " + ", ".join(f"{n:,}: {m:.1f}" for n, m in average.items())
    )
    for name, results in peers.items():
        differing = {
            count: sum(
                1
                for theirs, mine in zip(
                    results[count]["matches"], ours["matches"][count], strict=False
                )
                if theirs != mine
            )
            for count in RULE_COUNTS
        }
        lines.append(
            f"{name} disagrees with ours on "
            + ", ".join(
                f"{d} of {results[c]['events']} events at {c:,}" for c, d in differing.items()
            )
        )
    lines.append(f"compile 10,000 patterns: {ours['compile_10000']:.2f} s")
    lines.append(f"build the index of 10,000 rules: {ours['build_10000']:.2f} s")
    change = ours["change"]
    lines.append(
        f"change one rule of 10,000 (new index + swap) while another thread matches:"
        f" {change['rebuild_s'] * 1000:.0f} ms; {change['events_served']:,} events served"
        " meanwhile from the old index"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-peers", action="store_true", help="measure our index only")
    parser.add_argument("--quick", action="store_true", help="shorter timings")
    parser.add_argument("--driver", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--rules", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--events", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=2.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.driver:
        driver(args.driver, args.input, args.rules, args.events, args.seconds)
        return

    sys.path.insert(0, str(HERE.parent))
    seconds = 0.5 if args.quick else 2.0
    rules, events = workload()
    print(f"workload: {len(rules):,} rules, {len(events)} events, seed {SEED}", flush=True)
    ours = bench_ours(rules, events, seconds)
    peers: dict[str, dict[int, dict[str, Any]]] = {}
    if not args.no_peers:
        python = ensure_peers()
        versions = peer_versions(python)
        print(f"peers: {versions}", flush=True)
        for peer in ("moto", "localstack"):
            peers[peer] = bench_peer(python, peer, rules, events, seconds)
    print(report(ours, peers))


if __name__ == "__main__":
    main()
