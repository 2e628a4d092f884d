"""python -m tests.fuzz: a fuzz campaign on demand (see tests/fuzz/__init__.py).

    nice -n 19 python -m tests.fuzz --count 20000 --seed 1    # all targets, 20,000 in all
    python -m tests.fuzz --target jpeg --count 5000 --seed 7
    python -m tests.fuzz --target heic --seed 1 --index 412   # one mutant, with its traceback
    python -m tests.fuzz --replay                              # the regression files only

Defects are printed grouped by kind; the input of each new one is saved under
tests/fuzz/regressions/<target>/ (unless --no-save), to be replayed by the test suite.
Exit status 1 when any defect was found.
"""

import argparse
import sys
import time
import traceback
from pathlib import Path

from tests.fuzz import run, targets

REPO = Path(__file__).resolve().parents[2]


def _show(target, seed: int, index: int) -> int:
    data, how = run.mutant_of(target, target.seeds(), seed, index)
    print(f"{target.name} --seed {seed} --index {index}: {how} ({len(data)} bytes)")
    try:
        target.run(data)
    except target.expected as e:
        print(f"refused: {getattr(e, 'code', '')} {e}")
        return 0
    except Exception:  # noqa: BLE001 - the point is to see it
        traceback.print_exc()
        return 1
    print("accepted")
    return 0


def _report(tally: run.Tally, elapsed: float) -> None:
    refused = ", ".join(f"{code} {n}" for code, n in tally.refused.most_common())
    print(f"{tally.target}: {tally.inputs} inputs in {elapsed:.0f} s, {tally.accepted} accepted, "
          f"{sum(tally.refused.values())} refused ({refused or 'none'}), "
          f"{len(tally.defects)} defects")


def main(argv=None) -> int:
    registry = targets()
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", action="append", choices=sorted(registry),
                        help="a target to fuzz (repeatable; default: all)")
    parser.add_argument("--count", type=int, default=1000,
                        help="mutants in all, shared evenly by the targets (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="campaign seed (default 1)")
    parser.add_argument("--index", type=int, help="run only this mutant, in this process")
    parser.add_argument("--replay", action="store_true", help="replay the regression files")
    parser.add_argument("--no-save", action="store_true",
                        help="do not save new defects as regression files")
    args = parser.parse_args(argv)
    chosen = [registry[name] for name in args.target or registry]
    if args.index is not None:
        if len(chosen) != 1:
            parser.error("--index needs exactly one --target")
        return _show(chosen[0], args.seed, args.index)

    worker = run.Worker()
    defects: dict[str, list[run.Found]] = {}
    try:
        for target in chosen:
            start = time.monotonic()
            if args.replay:
                tally = run.replay(target, run.regression_files(target.name), worker)
            else:
                count = -(-args.count // len(chosen))
                tally = run.campaign(target, count, args.seed, worker)
            _report(tally, time.monotonic() - start)
            for found in tally.defects:
                defects.setdefault(f"{found.target} {found.signature}", []).append(found)
    finally:
        worker.close()
    for signature, found in defects.items():
        smallest = min(found, key=lambda f: len(f.data))
        print(f"\nDEFECT x{len(found)}: {signature}\n  {smallest.kind}: {smallest.detail}\n"
              f"  e.g. {smallest.origin}")
        if not args.no_save and not args.replay:
            print(f"  saved {run.save(smallest).relative_to(REPO)}")
    print(f"\n{sum(map(len, defects.values()))} defects")
    return 1 if defects else 0


if __name__ == "__main__":
    sys.exit(main())
