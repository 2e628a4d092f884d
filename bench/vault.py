"""Vault throughput against age, and capture-to-stored latency through the agent.

1. Add 200 MB of mixed files (large, medium and small, incompressible like photos and PDFs)
   as `iprdesk vault add` does, then read every one back; against Debian's `age -r`
   encrypting the same files one by one and `age -d` decrypting them, measured in the same
   run. The vault does more than age (SHA-256 of the original, encrypted metadata, fsync of
   every file, the journal), so this is the price of crash safety. Target: within 1.5x.
2. A 2 MB screenshot POSTed to /v1/evidence on the real agent process, request to answer.
   Target: under 150 ms.

    python bench/vault.py [--megabytes 200] [--captures 30]
"""

import argparse
import asyncio
import os
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


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench_vault(home: Path, files: list[Path]) -> tuple[float, float]:
    vault = Vault.create(home, PASSPHRASE, kdf=KdfParams.floor())

    def add():
        vault.add_many([(f, {"kind": "other", "original_name": f.name}) for f in files])

    def read():
        for object_id in vault.ids():
            for _ in vault.chunks(object_id):
                pass

    return timed(add), timed(read)


def bench_age(work: Path, files: list[Path]) -> tuple[float, float]:
    work.mkdir(exist_ok=True)
    key = work / "age.key"
    subprocess.run(["age-keygen", "-o", str(key)], check=True, capture_output=True)
    recipient = subprocess.run(["age-keygen", "-y", str(key)], check=True, capture_output=True,
                               text=True).stdout.strip()
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
    parser.add_argument("--captures", type=int, default=30)
    args = parser.parse_args()
    if not shutil.which("age"):
        sys.exit("age is not installed (apt-get install age)")
    with tempfile.TemporaryDirectory(dir=Path.home()) as tmp:
        work = Path(tmp)
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
        # One big file: raw throughput, without age's process start per file.
        big = work / "in" / "big.bin"
        big.write_bytes(os.urandom(100 * 1024 * 1024))
        (work / "home-big").mkdir()
        v_big, _ = bench_vault(work / "home-big", [big])
        a_big, _ = bench_age(work / "age-big", [big])
        print(f"one 100 MB file, add: vault {v_big:.2f} s   age -r {a_big:.2f} s   "
              f"ratio {v_big / a_big:.2f}x (the vault also hashes and fsyncs)")

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
