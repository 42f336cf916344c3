"""Load test of `rb serve`: start uvicorn on the demo data (or --data), fire N concurrent requests
(a mix of /api/run of several built-ins, /api/rows and pages) with httpx's AsyncClient, check that
none failed, and report p50/p95/max latency.

    .venv/bin/python benchmarks/serve_load.py --requests 48 [--data PATH] [--now 2025-06-30T12:00:00]

The first request of each kind is sent once before timing (warm-up: module imports, demo data).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import time

import httpx

REPORTS = ("tickets_by_channel", "tickets_created_over_time", "tickets_per_company", "call_performance")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mix(n: int, now: str) -> list[tuple[str, dict]]:
    """n requests cycling through runs of several built-ins, a drill-down, a report page and the library."""
    kinds = [(f"/api/run/{r}", {"now": now}) for r in REPORTS]
    kinds += [("/api/rows/tickets_by_channel", {"now": now, "cell": "channel=email", "limit": "50"}),
              ("/report/tickets_by_channel", {"now": now}), ("/", {})]
    return [kinds[i % len(kinds)] for i in range(n)]


async def fire(base: str, requests: list[tuple[str, dict]]) -> list[tuple[str, int, float]]:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        async def one(path, params):
            start = time.perf_counter()
            answer = await client.get(path, params=params)
            return path, answer.status_code, time.perf_counter() - start
        for path, params in {p: q for p, q in requests}.items():  # warm-up, once per kind
            await one(path, params)
        return await asyncio.gather(*(one(p, q) for p, q in requests))


def wait_up(base: str, limit_s: float = 60) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=48)
    parser.add_argument("--data", help="data folder (default: the demo data)")
    parser.add_argument("--now", default="2025-06-30T12:00:00")
    parser.add_argument("--json", help="write the latencies here")
    args = parser.parse_args()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "reportbuilder", "serve", "--port", str(port)]
    if args.data:
        command += ["--data", args.data]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_up(base)
        started = time.perf_counter()
        results = asyncio.run(fire(base, mix(args.requests, args.now)))
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(10)
    failed = [(p, s) for p, s, _ in results if s != 200]
    times = sorted(t for _, _, t in results)
    p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
    print(f"{len(results)} concurrent requests, {len(failed)} failed, wall {wall:.2f} s (incl. warm-up)")
    print(f"latency p50 {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms")
    for path in sorted({p for p, _, _ in results}):
        mine = sorted(t for p, _, t in results if p == path)
        print(f"  {path}: {len(mine)} requests, median {statistics.median(mine) * 1000:.0f} ms, "
              f"max {mine[-1] * 1000:.0f} ms")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump([{"path": p, "status": s, "seconds": t} for p, s, t in results], out, indent=1)
    if failed:
        print(f"failed: {failed[:5]}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
