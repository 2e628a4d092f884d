"""Agent latency and memory: 2,000 authenticated GET /v1/health over one keep-alive
connection against the real agent process. Targets: p50 under 2 ms, idle RSS under 80 MB.

    python bench/agent.py [--requests 2000]
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "agent")]

from iprdesk.server.pairing import AuthStore  # noqa: E402
from tests.helpers import AgentProcess  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def measure(url: str, token: str, n: int) -> list[float]:
    headers = {"Authorization": f"Bearer {token}"}
    timings = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1)) as session:
        for _ in range(50):  # warm-up
            async with session.get(url + "/v1/health", headers=headers) as r:
                await r.read()
        for _ in range(n):
            start = time.perf_counter()
            async with session.get(url + "/v1/health", headers=headers) as r:
                await r.read()
                assert r.status == 200
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        auth = AuthStore(home)
        code, _ = auth.new_code()
        token = auth.redeem(code)
        with AgentProcess(home) as agent:
            time.sleep(0.5)
            idle = rss_mb(agent.proc.pid)
            timings = asyncio.run(measure(agent.url, token, args.requests))
            after = rss_mb(agent.proc.pid)
    timings.sort()
    p50 = statistics.median(timings)
    p99 = timings[int(len(timings) * 0.99) - 1]
    print(f"requests: {len(timings)} over keep-alive")
    print(f"p50: {p50:.3f} ms (target < 2 ms: {p50 / 2:.2f}x of budget)")
    print(f"p99: {p99:.3f} ms")
    print(f"RSS idle: {idle:.1f} MB (target < 80 MB: {idle / 80:.2f}x of budget); "
          f"after load: {after:.1f} MB")


if __name__ == "__main__":
    main()
