"""The vault at scale: `vault list`, adding one item, export and verify, at 10,000 and 100,000
items, each against the same on an empty vault (or per MB) measured in the same run.

For each size, a vault of that many small pieces of evidence (2 KB each, one add and one
journal entry each, as captures arrive) is built through the library in this one process, its
fsyncs left to one `sync` at the end (the files on disk are the same). Then, each in a fresh
process as a user runs them and taking turns with the empty vault: `iprdesk vault list --json`
(the unlock's Argon2id is at its floor here; the difference to the empty vault is the
listing) and `iprdesk vault add` of one file. In process: `Vault.list()` building the listing
index from the objects, then on a fresh Vault (the agent's first listing) and again; then an
export of every item and a deep verify, per MB of evidence: linear in bytes when the two
sizes give the same figure. Wall time and CPU time (user + sys), with the load average.
Targets (issue 16): list < 0.5 s at 10,000 items and < 5 s at 100,000; an add as fast as on
an empty vault; export and verify linear in bytes.

    python bench/vault_scale.py [--sizes 10000 100000] [--runs 3] [--keep DIR]

`--keep DIR` keeps the built vaults in DIR and reuses them on later runs.
"""

import argparse
import contextlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "agent")]

from bench import spread  # noqa: E402
from iprdesk.vault import Vault  # noqa: E402
from iprdesk.vault.bundle import export_bundle  # noqa: E402
from iprdesk.vault.crypto import KdfParams  # noqa: E402

PASSPHRASE = "bench passphrase"
CHEAP_KDF = KdfParams.floor()  # the floor every vault has: the unlock stays small
ITEM_BYTES = 2048


@contextlib.contextmanager
def fsync_at_the_end():
    """The build's many fsyncs become one sync: same files, minutes instead of hours."""
    real = os.fsync
    os.fsync = lambda fd: None
    try:
        yield
    finally:
        os.fsync = real
        os.sync()


def build(home: Path, items: int) -> None:
    started = time.perf_counter()
    with fsync_at_the_end():
        vault = Vault.create(home, PASSPHRASE, kdf=CHEAP_KDF)
        last = started
        for i in range(items):
            vault.add(os.urandom(ITEM_BYTES),
                      {"kind": "screenshot", "note": f"capture {i}",
                       "source_url": f"https://www.joom.com/en/products/{i:024x}"})
            if time.perf_counter() - last > 30:
                last = time.perf_counter()
                print(f"  {i + 1} items, {last - started:.0f} s", flush=True)
    print(f"  built {items} items in {time.perf_counter() - started:.0f} s", flush=True)


def env() -> dict:
    return {**os.environ, "IPRDESK_PASSPHRASE": PASSPHRASE,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO / "agent"),
                                                        os.environ.get("PYTHONPATH")]))}


def cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Command:
    """One CLI command run in fresh processes: wall and CPU milliseconds of each run."""

    def __init__(self, *args: str):
        self.args, self.wall, self.cpu = args, [], []

    def __call__(self) -> None:
        cpu, start = cpu_children(), time.perf_counter()
        subprocess.run([sys.executable, "-m", "iprdesk", *self.args], check=True,
                       capture_output=True, env=env())
        self.wall.append((time.perf_counter() - start) * 1000)
        self.cpu.append((cpu_children() - cpu) * 1000)


def taking_turns(runs: int, *commands: Command) -> None:
    for _ in range(runs):
        for command in commands:
            command()


def timed(fn):
    """fn's result, wall seconds, CPU seconds (this process, all threads)."""
    cpu, start = cpu_self(), time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start, cpu_self() - cpu


def against(big: Command, empty: Command) -> str:
    return (f"{spread(big.wall)}, CPU {min(big.cpu):.0f} ms; empty vault {spread(empty.wall)}, "
            f"CPU {min(empty.cpu):.0f} ms")


def measure_cli(big_home: Path, empty_home: Path, sample: Path, runs: int) -> None:
    vault = Vault.open(big_home)
    vault.unlock(PASSPHRASE)
    index = Vault.location(big_home) / "index"
    index.unlink(missing_ok=True)
    _, rebuild, rebuild_cpu = timed(vault.list)
    print(f"  Vault.list() building the listing index from the objects: {rebuild:.2f} s "
          f"(CPU {rebuild_cpu:.2f} s)")
    big_list = Command("vault", "list", "--json", "--home", str(big_home))
    empty_list = Command("vault", "list", "--json", "--home", str(empty_home))
    taking_turns(runs, big_list, empty_list)
    print(f"  vault list: {against(big_list, empty_list)}; the listing itself "
          f"{min(big_list.wall) - min(empty_list.wall):.0f} ms wall, "
          f"{min(big_list.cpu) - min(empty_list.cpu):.0f} ms CPU")
    big_add = Command("vault", "add", str(sample), "--home", str(big_home))
    empty_add = Command("vault", "add", str(sample), "--home", str(empty_home))
    taking_turns(runs, big_add, empty_add)
    print(f"  vault add of one file: {against(big_add, empty_add)}; ratio "
          f"{min(big_add.wall) / min(empty_add.wall):.2f} wall, "
          f"{min(big_add.cpu) / min(empty_add.cpu):.2f} CPU (target 1.0)")


def measure(big_home: Path, empty_home: Path, sample: Path, runs: int,
            bulk_only: bool = False) -> dict:
    print(f"{big_home.name}, load average {os.getloadavg()[0]:.1f}")
    if not bulk_only:
        measure_cli(big_home, empty_home, sample, runs)
    fresh = Vault.open(big_home)
    fresh.unlock(PASSPHRASE)
    listed, first, first_cpu = timed(fresh.list)
    _, again, again_cpu = timed(fresh.list)
    print(f"  in process: first Vault.list() {first * 1000:.0f} ms (CPU {first_cpu * 1000:.0f}), "
          f"again {again * 1000:.0f} ms (CPU {again_cpu * 1000:.0f})")
    megabytes = sum(item.size for item in listed) / 1e6
    bundle = big_home / "all.zip"
    _, export, export_cpu = timed(lambda: export_bundle(fresh, bundle))
    bundle.unlink()
    report, verify, verify_cpu = timed(lambda: fresh.verify(deep=True))
    assert report.ok, report.problems
    for name, wall, cpu in (("export", export, export_cpu), ("deep verify", verify, verify_cpu)):
        print(f"  {name} of all {len(listed)} items, {megabytes:.0f} MB: {wall:.1f} s, CPU "
              f"{cpu:.1f} s: {cpu / megabytes:.3f} s/MB, {cpu / len(listed) * 1000:.2f} ms "
              f"per item (wall {wall / megabytes:.3f} s/MB, {wall / len(listed) * 1000:.2f} ms "
              f"per item)", flush=True)
    print(f"  load average {os.getloadavg()[0]:.1f}", flush=True)
    return {"export": export_cpu / megabytes, "verify": verify_cpu / megabytes}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--bulk-only", action="store_true",
                        help="only export and verify, not the CLI's list and add")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        kept = args.keep or tmp
        empty = tmp / "empty"
        empty.mkdir()
        Vault.create(empty, PASSPHRASE, kdf=CHEAP_KDF)
        sample = tmp / "receipt.pdf"
        sample.write_bytes(os.urandom(200_000))
        per_mb = {}
        for size in args.sizes:
            home = kept / f"vault-{size}"
            home.mkdir(parents=True, exist_ok=True)
            if not Vault.exists(home):
                print(f"building a vault of {size} items, one add each...", flush=True)
                build(home, size)
            per_mb[size] = measure(home, empty, sample, args.runs, args.bulk_only)
        if len(per_mb) > 1:
            small, large = min(per_mb), max(per_mb)
            print(f"CPU per MB, {large} items against {small}: export "
                  f"{per_mb[large]['export'] / per_mb[small]['export']:.2f}x, verify "
                  f"{per_mb[large]['verify'] / per_mb[small]['verify']:.2f}x (1.0: linear)")


if __name__ == "__main__":
    main()
