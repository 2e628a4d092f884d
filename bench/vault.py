"""Vault throughput against age, and capture-to-stored latency through the agent.

1. Add 200 MB of mixed files (large, medium and small, incompressible like photos and PDFs)
   as `iprdesk vault add` does, then read every one back; against Debian's `age -r`
   encrypting the same files one by one and `age -d` decrypting them, measured in the same
   run. The vault does more than age (SHA-256 of the original, BLAKE3 of the object file,
   encrypted metadata, fsync of every file, the journal), so this is the price of crash
   safety. Target: within 1.5x.
2. Add 20 files of 10 MB, and one of 100 MB: issue 16's target is age's time or less. Wall
   time and CPU time (user + sys: the vault's process, age's children) of `--runs` runs
   taking turns with age, each run's ratio against its turn's age, their median and range
   (on a shared machine the wall time mostly measures the others' load).
3. A 2 MB screenshot POSTed to /v1/evidence on the real agent process, request to answer.
   Target: under 150 ms.

    python bench/vault.py [--megabytes 200] [--runs 3] [--captures 30] [--issue-sets-only]
"""

import argparse
import asyncio
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "agent")]

from iprdesk.server.pairing import AuthStore  # noqa: E402
from iprdesk.vault import Vault  # noqa: E402
from iprdesk.vault.crypto import KdfParams  # noqa: E402
from tests.helpers import AgentProcess  # noqa: E402

PASSPHRASE = "bench passphrase"
# (share of the total, size of one file): a few big files, more medium ones, many small ones.
MIX = [(0.5, 5 * 1024 * 1024), (0.25, 512 * 1024), (0.25, 48 * 1024)]


def make_files(folder: Path, total: int) -> list[Path]:
    files = []
    for share, size in MIX:
        for n in range(max(1, int(total * share) // size)):
            path = folder / f"f{size}-{n}.bin"
            path.write_bytes(os.urandom(size))
            files.append(path)
    return files


def _cpu() -> float:
    """CPU seconds (user + sys) of this process and of its waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(fn) -> float:
    return timed_cpu(fn)[0]


def timed_cpu(fn) -> tuple[float, float]:
    """Wall and CPU seconds of fn()."""
    cpu, start = _cpu(), time.perf_counter()
    fn()
    return time.perf_counter() - start, _cpu() - cpu


def add_only(work: Path, files: list[Path], runs: int) -> tuple[list, list, list]:
    """(wall, CPU) of each of `runs` adds into a new vault, and of as many `age -r` taking
    turns with them; and the wall time of making age's output durable after each (the vault
    fsyncs every file)."""
    vault_runs, age_runs, age_syncs = [], [], []
    for n in range(runs):
        home = work / f"vault-{n}"
        home.mkdir()
        vault = Vault.create(home, PASSPHRASE, kdf=KdfParams.floor())
        vault_runs.append(timed_cpu(lambda vault=vault: vault.add_many(
            [(f, {"kind": "other", "original_name": f.name}) for f in files])))
        shutil.rmtree(home)
        age_runs.append(age_encrypt(work / f"age-{n}", files))
        age_syncs.append(timed(lambda n=n: [_fsync(f) for f in (work / f"age-{n}").iterdir()]))
        shutil.rmtree(work / f"age-{n}")
    return vault_runs, age_runs, age_syncs


def ratios(ours: list[float], theirs: list[float]) -> str:
    """Run by run ratios (each against its turn's peer) as their median and range."""
    each = sorted(a / b for a, b in zip(ours, theirs, strict=True))
    return f"{statistics.median(each):.2f}x ({each[0]:.2f} to {each[-1]:.2f})"


def issue_sets(work: Path, runs: int) -> None:
    """Issue 16's two sets: 20 files of 10 MB, one of 100 MB, added against `age -r`."""
    for name, count, megabytes in (("20 x 10 MB", 20, 10), ("one 100 MB file", 1, 100)):
        folder = work / name.replace(" ", "-")
        folder.mkdir()
        files = []
        for n in range(count):
            files.append(folder / f"f{n}.bin")
            files[-1].write_bytes(os.urandom(megabytes * 1024 * 1024))
        vault, age, age_sync = add_only(folder, files, runs)
        vault_wall, vault_cpu = zip(*vault, strict=True)
        age_wall, age_cpu = zip(*age, strict=True)
        durable = [a + sync for a, sync in zip(age_wall, age_sync, strict=True)]
        print(f"{name}, add, {runs} runs taking turns: vault {min(vault_wall):.2f} s (best), "
              f"CPU {min(vault_cpu):.2f} s; age -r {min(age_wall):.2f} s, CPU "
              f"{min(age_cpu):.2f} s; age -r then fsync {min(durable):.2f} s. Ratio per run: "
              f"CPU {ratios(vault_cpu, age_cpu)}, wall {ratios(vault_wall, age_wall)}, wall "
              f"against age + fsync {ratios(vault_wall, durable)} (target 1.0x); load average "
              f"{os.getloadavg()[0]:.1f}", flush=True)
        shutil.rmtree(folder)


def _fsync(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def age_encrypt(work: Path, files: list[Path]) -> tuple[float, float]:
    """Wall and CPU seconds of `age -r` on each file, one process each as a user runs it."""
    work.mkdir()
    _, recipient = age_key(work)
    return timed_cpu(lambda: [subprocess.run(["age", "-r", recipient, "-o",
                                              str(work / f"{f.name}.age"), str(f)], check=True)
                              for f in files])


def bench_vault(home: Path, files: list[Path]) -> tuple[float, float]:
    vault = Vault.create(home, PASSPHRASE, kdf=KdfParams.floor())

    def add():
        vault.add_many([(f, {"kind": "other", "original_name": f.name}) for f in files])

    def read():
        for object_id in vault.ids():
            for _ in vault.chunks(object_id):
                pass

    return timed(add), timed(read)


def age_key(work: Path) -> tuple[Path, str]:
    """A new age identity in `work`, and its recipient."""
    key = work / "age.key"
    subprocess.run(["age-keygen", "-o", str(key)], check=True, capture_output=True)
    return key, subprocess.run(["age-keygen", "-y", str(key)], check=True, capture_output=True,
                               text=True).stdout.strip()


def bench_age(work: Path, files: list[Path]) -> tuple[float, float]:
    work.mkdir(exist_ok=True)
    key, recipient = age_key(work)
    out = work / "age-out"
    out.mkdir()

    def encrypt():
        for f in files:
            subprocess.run(["age", "-r", recipient, "-o", str(out / f.name), str(f)], check=True)

    def decrypt():
        for f in files:
            subprocess.run(["age", "-d", "-i", str(key), "-o", os.devnull, str(out / f.name)],
                           check=True)

    return timed(encrypt), timed(decrypt)


async def capture_latencies(url: str, token: str, n: int) -> list[float]:
    screenshot = b"\x89PNG\r\n\x1a\n" + os.urandom(2 * 1024 * 1024 - 8)
    headers = {"Authorization": f"Bearer {token}"}
    timings = []
    async with aiohttp.ClientSession() as session:
        for i in range(n + 3):
            form = aiohttp.FormData()
            form.add_field("meta", '{"kind": "screenshot"}',
                           content_type="application/json")
            form.add_field("file", screenshot, filename=f"s{i}.png", content_type="image/png")
            start = time.perf_counter()
            async with session.post(url + "/v1/evidence", data=form, headers=headers) as r:
                await r.read()
                assert r.status == 201, r.status
            if i >= 3:  # the first requests warm up the agent
                timings.append((time.perf_counter() - start) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--captures", type=int, default=30)
    parser.add_argument("--issue-sets-only", action="store_true",
                        help="only the 20 x 10 MB and 100 MB adds against age")
    args = parser.parse_args()
    if not shutil.which("age"):
        sys.exit("age is not installed (apt-get install age)")
    with tempfile.TemporaryDirectory(dir=Path.home()) as tmp:
        work = Path(tmp)
        if args.issue_sets_only:
            issue_sets(work, args.runs)
            return
        (work / "in").mkdir()
        files = make_files(work / "in", args.megabytes * 1024 * 1024)
        size = sum(f.stat().st_size for f in files) / 1024 / 1024
        (work / "home").mkdir()
        v_add, v_read = bench_vault(work / "home", files)
        a_add, a_read = bench_age(work, files)
        print(f"{len(files)} files, {size:.0f} MB (on {work.parent})")
        print(f"add:  vault {v_add:6.2f} s ({size / v_add:5.0f} MB/s)   "
              f"age -r {a_add:6.2f} s   ratio {v_add / a_add:.2f}x")
        print(f"read: vault {v_read:6.2f} s ({size / v_read:5.0f} MB/s)   "
              f"age -d {a_read:6.2f} s   ratio {v_read / a_read:.2f}x")
        total_ratio = (v_add + v_read) / (a_add + a_read)
        print(f"add + read: ratio {total_ratio:.2f}x (target within 1.5x)")
        issue_sets(work, args.runs)
        home = work / "agent-home"
        home.mkdir()
        Vault.create(home, PASSPHRASE, kdf=KdfParams.floor())
        auth = AuthStore(home)
        code, _ = auth.new_code()
        token = auth.redeem(code)
        with AgentProcess(home) as agent:
            timings = asyncio.run(capture_latencies(agent.url, token, args.captures))
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(f"capture of a 2 MB screenshot through the agent: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
          f"(target < 150 ms: {p50 / 150:.2f}x of budget)")


if __name__ == "__main__":
    main()
