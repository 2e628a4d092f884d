"""The agent under load: 200 concurrent POST /v1/strip of a 5 MB camera JPEG, each on its own
connection, against the real agent process. A client answered 503 busy waits the Retry-After
seconds and tries again, as the extension does, until every upload is cleaned. The peer is the
same agent in the same run with a queue as deep as the load (every body admitted and buffered
at once, as before the queue existed). Targets: peak RSS under 800 MB, RSS after the burst back
near idle (within 100 MB of it).

    python bench/load.py [--uploads 200] [--no-peer]
"""

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "agent")]
# The agent process runs this checkout too, not an installed copy.
os.environ["PYTHONPATH"] = os.pathsep.join([str(REPO / "agent"), os.environ.get("PYTHONPATH", "")])

from bench import PeakRss, rss_mb  # noqa: E402
from bench.strip import camera_jpeg  # noqa: E402
from iprdesk.config import Config  # noqa: E402
from iprdesk.server.pairing import AuthStore  # noqa: E402
from tests.helpers import AgentProcess  # noqa: E402

PEAK_BUDGET_MB = 800
SETTLED_BUDGET_MB = 100


async def upload_all(url: str, token: str, data: bytes, n: int) -> tuple[int, int]:
    """n concurrent uploads, each retried after Retry-After until cleaned: (ok, busy answers)."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/octet-stream",
               "X-Filename": "IMG_0001.jpg"}
    busy = 0

    async def one(session):
        nonlocal busy
        for _ in range(200):
            async with session.post(url + "/v1/strip", data=data, headers=headers) as r:
                body = await r.read()
                if r.status == 200:
                    return len(body)
                assert r.status == 503, (r.status, body[:200])
                busy += 1
                # Spread over a second, as the extension does, so retries do not come in waves.
                await asyncio.sleep(int(r.headers["Retry-After"]) + random.random())
        raise RuntimeError("still busy after 200 tries")

    timeout = aiohttp.ClientTimeout(total=600)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                     timeout=timeout) as session:
        sizes = await asyncio.gather(*(one(session) for _ in range(n)))
    return len(sizes), busy


def run(home: Path, token: str, data: bytes, n: int, depth: int | None) -> dict:
    if depth is not None:
        Config(work_queue_depth=depth).save(home)
    with AgentProcess(home) as agent:
        time.sleep(1)
        idle = rss_mb(agent.proc.pid)
        start = time.perf_counter()
        with PeakRss(agent.proc.pid) as peak:
            ok, busy = asyncio.run(upload_all(agent.url, token, data, n))
        seconds = time.perf_counter() - start
        time.sleep(2)  # let the agent settle: what it still holds then is what it keeps
        after = rss_mb(agent.proc.pid)
    return {"idle": idle, "peak": peak.peak, "after": after, "ok": ok, "busy": busy,
            "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--uploads", type=int, default=200)
    parser.add_argument("--no-peer", action="store_true",
                        help="skip the unbounded agent (it needs several GB of memory)")
    args = parser.parse_args()
    data = camera_jpeg(7)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        auth = AuthStore(home)
        code, _ = auth.new_code()
        token = auth.redeem(code)
        ours = run(home, token, data, args.uploads, None)
        peer = None if args.no_peer else run(home, token, data, args.uploads, args.uploads)
    print(f"{args.uploads} concurrent uploads of {len(data) / 1e6:.1f} MB to POST /v1/strip")
    for name, r in [("bounded queue (default)", ours), ("peer: queue as deep as the load", peer)]:
        if r is None:
            continue
        print(f"{name}: {r['ok']} cleaned, {r['busy']} answers 503 busy (retried), "
              f"{r['seconds']:.1f} s; RSS idle {r['idle']:.0f} MB, peak {r['peak']:.0f} MB, "
              f"after {r['after']:.0f} MB")
    print(f"peak: {ours['peak']:.0f} MB (target < {PEAK_BUDGET_MB} MB: "
          f"{ours['peak'] / PEAK_BUDGET_MB:.2f}x of budget)")
    settled = ours["after"] - ours["idle"]
    print(f"after - idle: {settled:.0f} MB (target < {SETTLED_BUDGET_MB} MB: "
          f"{settled / SETTLED_BUDGET_MB:.2f}x of budget)")
    if peer:
        print(f"peak against the peer: {ours['peak'] / peer['peak']:.2f}x; "
              f"held after: {ours['after'] / peer['after']:.2f}x")


if __name__ == "__main__":
    main()
