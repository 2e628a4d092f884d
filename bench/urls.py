"""Dead-URL checking speed: iprdesk against linkchecker and against checking one at a time.

    python bench/urls.py [--urls 2000] [--delay 0.05] [--hosts 4] [--sequential-sample 200]

A local aiohttp server answers every request after `--delay` seconds: nine URLs in ten are
404, one in ten serves a small JPEG (which iprdesk also checks cache-busted, as it does for
any live image). The URLs are spread over four loopback addresses standing in for CDN hosts,
so per-host limits apply as they do on img.joomcdn.net and img-edg.joomcdn.net (`--hosts 1`:
all on one, the case of issue 16's target).

Measured in the same run, each as a user would run it (a fresh process reading the list):
- iprdesk: `iprdesk check-urls --from LIST --no-variants --json` with default settings;
- linkchecker (Debian): `linkchecker --stdin -o none` with its default 10 threads;
- sequential: iprdesk's checker one request at a time on a sample, scaled to the full list
  (checking all of them at 50 ms each would take minutes).
Targets: at least 10x faster than sequential, and faster than linkchecker; and at least 0.9
of the latency limit, URLs x latency / (requests at once per host x hosts): no checker that
keeps to the per-host limit can finish sooner.
"""

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from aiohttp import web

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "agent"), str(REPO)]

from bench.imagegen import jpeg, product_photo  # noqa: E402
from iprdesk.urls import check as urlcheck  # noqa: E402

HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4")
IMAGE = jpeg(product_photo(1, (200, 200)), 80)


def serve(delay: float) -> tuple[int, asyncio.AbstractEventLoop]:
    """Start the slow server in a thread; returns its port and loop."""
    started = threading.Event()
    box = {}

    async def handle(request: web.Request) -> web.Response:
        await asyncio.sleep(delay)
        if request.match_info["n"].endswith("0.jpg"):
            return web.Response(body=IMAGE, content_type="image/jpeg")
        return web.Response(status=404, text="Not Found")

    async def main():
        app = web.Application()
        app.router.add_get("/img/{n}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, HOSTS[0], 0, backlog=1024)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        for host in HOSTS[1:]:
            await web.TCPSite(runner, host, port, backlog=1024).start()
        box["port"] = port
        started.set()
        await asyncio.Event().wait()

    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True).start()
    started.wait(10)
    return box["port"], loop


def timed(cmd: list[str], stdin: str | None = None, env=None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, input=stdin, text=True, capture_output=True,
                   env={**os.environ, **(env or {})}, check=False)
    return time.perf_counter() - start


async def sequential(urls: list[str]) -> None:
    options = urlcheck.Options(per_host=1, total=1, variants=False)
    async with urlcheck.Checker(options) as checker:
        for url in urls:
            await checker.check(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--hosts", type=int, default=len(HOSTS), choices=range(1, len(HOSTS) + 1))
    parser.add_argument("--sequential-sample", type=int, default=200)
    args = parser.parse_args()
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"):
        os.environ.pop(name, None)

    port, _ = serve(args.delay)
    hosts = HOSTS[:args.hosts]
    urls = [f"http://{hosts[i % len(hosts)]}:{port}/img/{i}.jpg" for i in range(args.urls)]
    listing = Path(tempfile.mkdtemp()) / "urls.txt"
    listing.write_text("\n".join(urls) + "\n")
    env = {"PYTHONPATH": str(REPO / "agent")}

    ours = timed([sys.executable, "-m", "iprdesk", "check-urls", "--from", str(listing),
                  "--no-variants", "--json"], env=env)
    peer = timed(["linkchecker", "--stdin", "-o", "none", "--no-status", "--no-robots",
                  "--check-extern", "-r", "0"], stdin="\n".join(urls))
    sample = urls[:args.sequential_sample]
    start = time.perf_counter()
    asyncio.run(sequential(sample))
    one_by_one = (time.perf_counter() - start) * len(urls) / len(sample)

    print(f"{args.urls} URLs, server answers in {args.delay * 1000:.0f} ms, "
          f"{len(hosts)} host(s), {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"sequential (sample of {len(sample)}, scaled): {one_by_one:7.1f} s")
    print(f"linkchecker {subprocess.run(['linkchecker', '--version'], capture_output=True, text=True).stdout.split()[1]:<14} {peer:7.1f} s")  # noqa: E501
    print(f"iprdesk check-urls:            {ours:7.1f} s  "
          f"({one_by_one / ours:.1f}x sequential, target 10x; "
          f"{peer / ours:.1f}x linkchecker, target >1x)")
    limit = args.urls * args.delay / (urlcheck.Options().per_host * len(hosts))
    print(f"latency limit:                 {limit:7.1f} s  (iprdesk reaches {limit / ours:.2f} of "
          "it, process start included; target 0.9)")


if __name__ == "__main__":
    main()
