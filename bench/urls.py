"""Dead-URL checking speed: iprdesk against linkchecker and against checking one at a time.

    python bench/urls.py [--urls 2000] [--delay 0.05] [--hosts 4] [--sequential-sample 200]
                         [--images 200] [--no-peers] [--cached]

A local aiohttp server answers every request after `--delay` seconds: nine URLs in ten are
404, one in ten serves a small JPEG, as an origin does: without cache headers, so iprdesk
settles it on that one request (`--cached`: with `Age: 60`, as an edge cache answers, so
iprdesk asks for each live image again with the cache bypassed, to tell the cache from the
origin). The URLs are spread over four loopback addresses standing in for CDN hosts,
so per-host limits apply as they do on img.joomcdn.net and img-edg.joomcdn.net (`--hosts 1`:
all on one, the case of issue 16's target).

Measured in the same run, each as a user would run it (a fresh process reading the list):
- iprdesk: `iprdesk check-urls --from LIST --no-variants --json` with default settings;
- linkchecker (Debian): `linkchecker --stdin -o none` with its default 10 threads;
- sequential: iprdesk's checker one request at a time on a sample, scaled to the full list
  (checking all of them at 50 ms each would take minutes).
Targets: at least 10x faster than sequential, and faster than linkchecker; and at least 0.9
of the latency limit, URLs x latency / (requests at once per host x hosts): no checker that
keeps to the per-host limit can finish sooner. The requests the server answered have a floor
of their own, printed beside it (with `--cached`, 2,200 requests for 2,000 URLs: 1.1x the
limit), and so do the CPU time of the check-urls process (user + system) and its parts:
from its start to the first request the server saw, and from the last answer to its exit.
`--no-peers` measures iprdesk alone (linkchecker limits itself to 10 requests a second per
host, its `maxrequestspersecond`: on one host, minutes).

Where the time over the floor goes: each connection's idle time, from the server's answer to
the next request it saw on that connection (what keeps a slot from the 50 ms it could be
busy). `--trace` checks the list once more, under bench/urls_traced.py (each request's moments
noted in the checker's process: not the run the figures above come from), and splits that
idle time: the answer on its way to the checker and its headers read, the body read, the
hand-off to the next request (the checker's scheduler), that request's connection and
headers, and its way to the server.

Then Joom CDN size variants (issue 16): `--images` uploads under two loopback addresses
standing in for img.joomcdn.net and img-edg.joomcdn.net, each URL given becoming 14 (7 sizes
on 2 hosts). One upload in ten serves every size, one in ten only `original` (the size given
is gone), the rest none. iprdesk's checker (in-process, the variant hosts pointed at the
stand-in) with its variants stopping early and without, in the same run: the requests the
stand-in answered, the connections it saw opened (the checks of one image share them) and the
time, with the latency limit of the requests each made.
"""

import argparse
import asyncio
import itertools
import json
import os
import resource
import statistics
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
CDN_HOSTS = HOSTS[:2]  # the stand-ins for img.joomcdn.net and img-edg.joomcdn.net


class Seen:
    """What the stand-in served: requests, and the client connections they came over."""

    def __init__(self):
        self.requests = 0
        self.connections: set = set()
        self.first = self.last = 0.0  # perf_counter() of the first and the last request seen
        # (connection, URL, perf_counter() when it came and when it was answered)
        self.answers: list[tuple[tuple, str, float, float]] = []

    def saw(self, request: web.Request) -> float:
        self.requests += 1
        self.connections.add(request.transport.get_extra_info("peername"))
        self.last = time.perf_counter()
        self.first = self.first or self.last
        return self.last

    def answered(self, request: web.Request, came: float) -> None:
        connection = (request.host, request.transport.get_extra_info("peername"))
        self.answers.append((connection, f"http://{request.host}{request.path_qs}", came,
                             time.perf_counter()))


SEEN = Seen()


def upload_serves(upload: int, size: str) -> bool:
    """One upload in ten serves every size, one in ten only its original, the rest none."""
    return upload % 10 == 0 or (upload % 10 == 5 and size == "original")


ANSWERED = Seen()  # the requests of the plain URL list


def serve(delay: float, cached: bool = False) -> tuple[int, asyncio.AbstractEventLoop]:
    """Start the slow server in a thread; returns its port and loop. `cached`: the images come
    with `Age`, as from an edge cache."""
    started = threading.Event()
    box = {}
    cache_headers = {"Age": "60"} if cached else {}

    async def handle(request: web.Request) -> web.Response:
        came = ANSWERED.saw(request)
        await asyncio.sleep(delay)
        ANSWERED.answered(request, came)
        if request.match_info["n"].endswith("0.jpg"):
            return web.Response(body=IMAGE, content_type="image/jpeg", headers=cache_headers)
        return web.Response(status=404, text="Not Found")

    async def joom(request: web.Request) -> web.Response:
        SEEN.saw(request)
        await asyncio.sleep(delay)
        if upload_serves(int(request.match_info["id"], 16), request.match_info["size"]):
            return web.Response(body=IMAGE, content_type="image/jpeg")
        return web.Response(status=404, text="Not Found")

    async def main():
        app = web.Application()
        app.router.add_get("/img/{n}", handle)
        app.router.add_get(r"/{id:[0-9a-f]{40}}_{size}.jpeg", joom)
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


def timed(cmd: list[str], stdin: str | None = None, env=None) -> tuple[float, float, float]:
    """(perf_counter() at the start, seconds, CPU seconds of the command, user + system)"""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, input=stdin, text=True, capture_output=True,
                   env={**os.environ, **(env or {})}, check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return start, seconds, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


async def check_variants(urls: list[str], stop_early: bool) -> tuple[float, float, int, int]:
    """(seconds, CPU seconds of this process, stand-in included, requests, connections) of
    checking `urls` with their CDN variants."""
    real = urlcheck.JoomCdn.load()
    cdn = urlcheck.JoomCdn(CDN_HOSTS, real.pattern, real.sizes)
    before = (SEEN.requests, len(SEEN.connections))
    start, cpu = time.perf_counter(), time.process_time()
    async with urlcheck.Checker(urlcheck.Options(stop_early=stop_early), cdn=cdn) as checker:
        await checker.check_many(urls)
    return (time.perf_counter() - start, time.process_time() - cpu,
            SEEN.requests - before[0], len(SEEN.connections) - before[1])


def variants(port: int, images: int, delay: float) -> None:
    urls = [f"http://{CDN_HOSTS[0]}:{port}/{i:040x}_1024_1024.jpeg" for i in range(images)]
    sizes = len(urlcheck.JoomCdn.load().sizes)
    print(f"\n{images} Joom CDN images, each URL with {sizes * len(CDN_HOSTS) - 1} size "
          f"variants ({len(urls) * sizes * len(CDN_HOSTS)} URLs), load average "
          f"{os.getloadavg()[0]:.1f}")
    runs = {}
    for stop_early in (False, True):
        SEEN.connections.clear()  # a new checker's connections only
        runs[stop_early] = asyncio.run(check_variants(urls, stop_early))
        seconds, cpu, requests, connections = runs[stop_early]
        limit = requests * delay / (urlcheck.Options().per_host * len(CDN_HOSTS))
        name = "stopping early" if stop_early else "every variant "
        print(f"{name}: {seconds:6.1f} s ({cpu:5.1f} s CPU), {requests:5d} requests "
              f"({requests / images:.1f} an image), {connections} connections; latency limit "
              f"of those requests {limit:.1f} s, reached {limit / seconds:.2f}")
    (full_s, full_cpu, full_r, _), (early_s, early_cpu, early_r, _) = runs[False], runs[True]
    print(f"stopping early: {early_r / full_r:.2f} of the requests, {early_s / full_s:.2f} of "
          f"the time, {early_cpu / full_cpu:.2f} of the CPU time")


def _ms(values: list[float]) -> str:
    values = sorted(values)
    median, p90 = values[len(values) // 2], values[len(values) * 9 // 10]
    return (f"mean {statistics.mean(values) * 1000:5.2f} ms, median {median * 1000:5.2f}, "
            f"p90 {p90 * 1000:5.2f}")


def idle(answers: list[tuple[tuple, str, float, float]],
         moments: dict[str, dict[str, float]] | None = None) -> None:
    """Each connection's idle time between an answer and its next request, and with the
    checker's `moments` (bench/urls_traced.py) where it went."""
    by_connection: dict[tuple, list] = {}
    for connection, url, came, answered in answers:
        by_connection.setdefault(connection, []).append((came, answered, url))
    gaps, parts = [], {}
    steps = (("answer to its headers read", "answered", "headers"),
             ("its body read", "headers", "read"),
             ("hand-off to the next request", "read", "start"),
             ("next request's connection", "start", "connection"),
             ("its headers written", "connection", "sent"),
             ("on its way to the server", "sent", "came"))
    for seen in by_connection.values():
        seen.sort()
        for (_, answered, url), (came, _, next_url) in itertools.pairwise(seen):
            gaps.append(came - answered)
            if moments and url in moments and next_url in moments:
                at = {"answered": answered, "came": came, **moments[url],
                      **{k: v for k, v in moments[next_url].items()
                         if k in ("start", "connection", "sent")}}
                if all(k in at for _, a, b in steps for k in (a, b)):
                    for name, a, b in steps:
                        parts.setdefault(name, []).append(at[b] - at[a])
    if not gaps:
        return
    print(f"idle between an answer and the next request on its connection: {_ms(gaps)}; "
          f"{sum(gaps) / len(by_connection):.2f} s a connection")
    for name, values in parts.items():
        print(f"  {name:<30} {_ms(values)}")


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
    parser.add_argument("--images", type=int, default=200,
                        help="Joom CDN images for the size-variant run (0: none)")
    parser.add_argument("--no-peers", action="store_true",
                        help="iprdesk alone: no linkchecker, no sequential sample")
    parser.add_argument("--cached", action="store_true",
                        help="the images come with Age, as from an edge cache")
    parser.add_argument("--trace", action="store_true",
                        help="once more with each request's moments noted: where the idle "
                             "time goes")
    args = parser.parse_args()
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"):
        os.environ.pop(name, None)

    port, _ = serve(args.delay, args.cached)
    hosts = HOSTS[:args.hosts]
    urls = [f"http://{hosts[i % len(hosts)]}:{port}/img/{i}.jpg" for i in range(args.urls)]
    listing = Path(tempfile.mkdtemp()) / "urls.txt"
    listing.write_text("\n".join(urls) + "\n")
    env = {"PYTHONPATH": str(REPO / "agent")}

    load = os.getloadavg()[0]
    started, ours, cpu = timed([sys.executable, "-m", "iprdesk", "check-urls", "--from",
                                str(listing), "--no-variants", "--json"], env=env)
    answered, connections = ANSWERED.requests, len(ANSWERED.connections)
    first, last = ANSWERED.first, ANSWERED.last
    print(f"{args.urls} URLs, server answers in {args.delay * 1000:.0f} ms, "
          f"{len(hosts)} host(s), {os.cpu_count()} cores, load average {load:.1f}"
          f"{', images from a cache' if args.cached else ''}")
    if not args.no_peers:
        _, peer, _ = timed(["linkchecker", "--stdin", "-o", "none", "--no-status", "--no-robots",
                      "--check-extern", "-r", "0"], stdin="\n".join(urls))
        sample = urls[:args.sequential_sample]
        start = time.perf_counter()
        asyncio.run(sequential(sample))
        one_by_one = (time.perf_counter() - start) * len(urls) / len(sample)
        print(f"sequential (sample of {len(sample)}, scaled): {one_by_one:7.1f} s")
        print(f"linkchecker {subprocess.run(['linkchecker', '--version'], capture_output=True, text=True).stdout.split()[1]:<14} {peer:7.1f} s")  # noqa: E501
        print(f"iprdesk check-urls:            {ours:7.1f} s  "
              f"({one_by_one / ours:.1f}x sequential, target 10x; "
              f"{peer / ours:.1f}x linkchecker, target >1x)")
    else:
        print(f"iprdesk check-urls:            {ours:7.1f} s")
    print(f"  its CPU (user + system) {cpu:.1f} s; from its start to the first request "
          f"{first - started:.2f} s, from the last answer to its exit "
          f"{started + ours - last - args.delay:.2f} s")
    at_once = urlcheck.Options().per_host * len(hosts)
    limit = args.urls * args.delay / at_once
    print(f"latency limit:                 {limit:7.1f} s  (iprdesk reaches {limit / ours:.2f} of "
          "it, process start included; target 0.9)")
    floor = answered * args.delay / at_once
    print(f"its {answered} requests' floor:      {floor:7.1f} s  (reached {floor / ours:.2f}; "
          f"{limit / floor:.3f} of the latency limit at best; {connections} connections)")
    idle(ANSWERED.answers)
    if args.trace:
        traced, moments = len(ANSWERED.answers), listing.parent / "moments.json"
        _, seconds, _ = timed([sys.executable, str(REPO / "bench" / "urls_traced.py"),
                               str(moments), "check-urls", "--from", str(listing),
                               "--no-variants", "--json"], env=env)
        print(f"traced, once more: {seconds:.1f} s, load average {os.getloadavg()[0]:.1f}")
        idle(ANSWERED.answers[traced:], json.loads(moments.read_text()))
    if args.images:
        variants(port, args.images, args.delay)


if __name__ == "__main__":
    main()
