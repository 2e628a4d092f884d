"""Agent latency, start and memory.

1. Start as a browser starts it: the native host launcher that `iprdesk install
   --user-data-dir` registers, run as Chrome runs it (the extension's origin as argument), on
   a data directory with no agent running, until its first message (the session) arrives: the
   host starts the agent and waits for it; then until the agent answers a first request with
   that session (GET /v1/health, as the extension's first call). Then a second host beside
   it (the agent running). Target: the first answer under 300 ms. Then the browser-started
   agent's RSS at rest. Target: under 60 MB. Each start's agent is stopped before the next
   (else it would stay for its 30 s grace and the runs would overlap); each checkout is
   compiled first, as an installed iprdesk is. `--against DIR`: another checkout of iprdesk
   (the previous version: `git worktree add DIR <commit>`), its starts taking turns with
   this one's, each figure printed for both and their ratio. `--watch`: each agent watches a
   folder, as a user with `watch` in config.json has it.
2. 2,000 authenticated GET /v1/health over one keep-alive connection. Target: p50 under 2 ms.

    python bench/agent.py [--requests 2000] [--starts 5] [--against DIR] [--watch]
"""

import argparse
import asyncio
import compileall
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "agent")]
# The hosts and agents started below run this checkout, wherever iprdesk is installed.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "agent"),
                                                         os.environ.get("PYTHONPATH")]))

from bench import cpu_seconds, instructions, rss_mb, spread  # noqa: E402
from iprdesk.native.agent_lock import read_info  # noqa: E402
from iprdesk.native.host import read_message  # noqa: E402
from iprdesk.native.manifest import profile_manifest_path  # noqa: E402
from iprdesk.server.pairing import AuthStore  # noqa: E402
from iprdesk.text import shared_data  # noqa: E402
from tests.helpers import AgentProcess, iprdesk, stop_agent  # noqa: E402


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


def checkout_env(checkout: Path) -> dict:
    """Hosts, agents and the CLI of `checkout`."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(checkout / "agent"), os.environ.get("PYTHONPATH")]))}


def start_host(profile: Path, env: dict) -> tuple[subprocess.Popen, float, float, float]:
    """The registered host, started as Chrome starts it; its process, the seconds until its
    first message and until the agent answered a first request with the session it gave,
    and the CPU seconds the host had spent by its first message."""
    manifest = json.loads(profile_manifest_path(profile).read_text())
    started = time.perf_counter()
    host = subprocess.Popen([manifest["path"], manifest["allowed_origins"][0]],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    message = read_message(host.stdout)
    session = time.perf_counter() - started
    host_cpu = cpu_seconds(host.pid)  # the launcher execs Python: the same process
    if message is None or message.get("type") != "session":
        raise SystemExit(f"the host answered {message!r}")
    request = urllib.request.Request(message["agent_url"] + "/v1/health", headers={
        "Authorization": f"Bearer {message['token']}",
        "Origin": f"chrome-extension://{shared_data.extension_ids()[0]}"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert answer.status == 200
    return host, session, time.perf_counter() - started, host_cpu


class Starts:
    """One checkout's figures over the starts."""

    def __init__(self, checkout: Path, watch: bool = False):
        self.checkout, self.env = checkout, checkout_env(checkout)
        self.watch = watch  # a folder watched (config.json `watch`), as some users have
        # Compiled, as pip leaves an install. A checkout that never wrote its .pyc files
        # (PYTHONDONTWRITEBYTECODE, set on the test machines) would compile each of its
        # modules on the browser's path at every start (~5% more instructions of the host and
        # the agent until the first answer), which no user's start pays.
        compileall.compile_dir(checkout / "agent" / "iprdesk", quiet=1)
        self.cold, self.cold_http, self.warm, self.warm_http, self.rest = [], [], [], [], []
        # CPU spent until the first request is answered: the host's and the agent's, one
        # after the other on a quiet machine; unlike the times above, barely moved by load.
        self.cold_cpu = []

    def start(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            home, profile = Path(tmp) / "home", Path(tmp) / "profile"
            iprdesk("install", "--user-data-dir", str(profile), home=home, env=self.env)
            if self.watch:
                (Path(tmp) / "photos").mkdir()
                (home / "config.json").write_text(json.dumps({"watch": [
                    {"in": str(Path(tmp) / "photos"), "out": str(Path(tmp) / "clean")}]}))
            try:
                with ExitStack() as hosts:
                    for times, http in ((self.cold, self.cold_http),
                                        (self.warm, self.warm_http)):
                        host, session, answered, host_cpu = start_host(profile, self.env)
                        hosts.callback(host.wait)
                        hosts.callback(host.stdin.close)  # Chrome closing the port
                        times.append(session * 1000)
                        http.append(answered * 1000)
                        if times is self.cold:
                            self.cold_cpu.append(
                                (host_cpu + cpu_seconds(read_info(home).pid)) * 1000)
                    time.sleep(1)  # at rest: started, nothing asked of it yet
                    self.rest.append(rss_mb(read_info(home).pid))
            finally:
                stop_agent(home)  # not left for its grace period, into the next start

    def report(self) -> None:
        cold, rest = self.cold_http, self.rest
        print(f"first answer, agent started by the host: {spread(self.cold)}; its first "
              f"request answered: {spread(cold)}; target < 300 ms: "
              f"{statistics.median(cold) / 300:.2f}x of budget; CPU of the host and the "
              f"agent until then: {spread(self.cold_cpu)}")
        print(f"first answer, agent already running: {spread(self.warm)}; its first request "
              f"answered: {spread(self.warm_http)}")
        print(f"browser-started agent at rest: RSS median {statistics.median(rest):.1f} MB "
              f"(min {min(rest):.1f}, max {max(rest):.1f}); "
              f"target < 60 MB: {statistics.median(rest) / 60:.2f}x of budget")


def bare_start(runs: int = 10) -> None:
    """Python's own start beside the figures above, which include it: `python -c pass` as the
    launcher runs it (this machine's site-packages and their start-up hooks: here a `.pth`
    that imports certifi, which no seller's Python has) and with `-S` (none of them)."""
    for label, flags in (("with this machine's site-packages hooks", []), ("-S", ["-S"])):
        command = [sys.executable, *flags, "-c", "pass"]
        cpu = []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run(command, check=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
                       * 1000)
        counted = instructions(command)
        print(f"Python's bare start ({label}): CPU median {statistics.median(cpu):.1f} ms"
              + (f", {counted / 1e6:.0f}M user-mode instructions" if counted else ""))


def measure_start(starts: int, against: Path | None, watch: bool = False) -> None:
    runs = [Starts(REPO, watch)] + ([Starts(against, watch)] if against else [])
    for _ in range(starts):
        for run in runs:  # taking turns: the same load for both
            run.start()
    print(f"load average {os.getloadavg()[0]:.1f}")
    bare_start()
    for run in runs:
        if against:
            print(f"-- {run.checkout}")
        run.report()
    if against:
        ours, theirs = runs
        for name, what in (("cold_http", "first request answered, agent started"),
                           ("cold_cpu", "CPU of the host and the agent until then"),
                           ("warm_http", "first request answered, agent running")):
            a, b = (statistics.median(getattr(run, name)) for run in runs)
            print(f"{what}: median {a:.0f} ms against {b:.0f} ms, {a / b:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--against", type=Path, default=None,
                        help="another checkout of iprdesk whose starts take turns with ours")
    parser.add_argument("--watch", action="store_true",
                        help="each start's agent watches a folder (config.json `watch`)")
    args = parser.parse_args()
    measure_start(args.starts, args.against and args.against.resolve(), args.watch)
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
