"""The vault at scale: `vault list` and adding one item, with 10,000 items against an empty
vault, measured in the same run.

Builds a vault of `--items` small pieces of evidence (each added on its own, one journal
entry each, as captures arrive), then times, each in a fresh process as a user runs them:
`iprdesk vault list --json` (the unlock's Argon2id is at its floor here and timed apart, so the
figure is the listing) and `iprdesk vault add` of one file, each against the same command on
an empty vault, the two taking turns. In-process figures follow: `Vault.list()` on a fresh
Vault object (what the agent's first listing costs) and again (its later ones).
Targets (issue 16): list < 0.5 s at 10,000 items; an add as fast as on an empty vault.

    python bench/vault_scale.py [--items 10000] [--runs 5] [--keep DIR]

`--keep DIR` builds the large vault in DIR once and reuses it on later runs (building 10,000
items takes minutes), so that runs of two versions can list the same vault.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "agent")]

from bench import spread  # noqa: E402
from iprdesk.vault import Vault  # noqa: E402
from iprdesk.vault.crypto import KdfParams  # noqa: E402

PASSPHRASE = "bench passphrase"
CHEAP_KDF = KdfParams.floor()  # the floor every vault has: the unlock stays small


def build(home: Path, items: int) -> Vault:
    vault = Vault.create(home, PASSPHRASE, kdf=CHEAP_KDF)
    started, last = time.perf_counter(), 0.0
    for i in range(items):
        vault.add(os.urandom(2048), {"kind": "screenshot", "note": f"capture {i}",
                                     "source_url": f"https://www.joom.com/en/products/{i:024x}"})
        if time.perf_counter() - last > 10:
            last = time.perf_counter()
            print(f"  {i + 1} items, {last - started:.0f} s", flush=True)
    return vault


def env() -> dict:
    return {**os.environ, "IPRDESK_PASSPHRASE": PASSPHRASE,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO / "agent"),
                                                        os.environ.get("PYTHONPATH")]))}


def timed(args: list[str]) -> float:
    """The command's run, in milliseconds."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "iprdesk", *args], check=True, capture_output=True,
                   env=env())
    return (time.perf_counter() - start) * 1000


def taking_turns(runs: int, *commands) -> list[list[float]]:
    times = [[] for _ in commands]
    for _ in range(runs):
        for spent, command in zip(times, commands, strict=True):
            spent.append(command())
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        big, empty = args.keep or tmp / "big", tmp / "empty"
        big.mkdir(exist_ok=True)
        empty.mkdir()
        Vault.create(empty, PASSPHRASE, kdf=CHEAP_KDF)
        if not Vault.exists(big):
            print(f"building a vault of {args.items} items, one add each...", flush=True)
            started = time.perf_counter()
            build(big, args.items)
            print(f"built in {time.perf_counter() - started:.0f} s")
        args.items = Vault.open(big).count()
        sample = tmp / "receipt.pdf"
        sample.write_bytes(os.urandom(200_000))

        unlock = taking_turns(args.runs, lambda: timed(["vault", "info", "--home", str(empty)]))
        big_list, empty_list = taking_turns(
            args.runs,
            lambda: timed(["vault", "list", "--json", "--home", str(big)]),
            lambda: timed(["vault", "list", "--json", "--home", str(empty)]))
        big_add, empty_add = taking_turns(
            args.runs,
            lambda: timed(["vault", "add", str(sample), "--home", str(big)]),
            lambda: timed(["vault", "add", str(sample), "--home", str(empty)]))
        print(f"process start + `vault info`: {spread(unlock[0])}")
        print(f"vault list, {args.items} items: {spread(big_list)}; empty vault: "
              f"{spread(empty_list)}; the listing itself "
              f"{min(big_list) - min(empty_list):.0f} ms (target < 500 ms)")
        print(f"vault add of one file, {args.items} items: {spread(big_add)}; empty vault: "
              f"{spread(empty_add)}; ratio {min(big_add) / min(empty_add):.2f} (target 1.0)")

        vault = Vault.open(big)
        vault.unlock(PASSPHRASE)
        start = time.perf_counter()
        listed = vault.list()
        first = time.perf_counter() - start
        start = time.perf_counter()
        vault.list()
        again = time.perf_counter() - start
        print(f"in process: first Vault.list() {first * 1000:.0f} ms, again {again * 1000:.0f} ms "
              f"({len(listed)} items); load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
