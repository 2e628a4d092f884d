"""iprdesk's own mutation fuzzer: every reader of untrusted files, fed seeded mutants.

A target is a name, a few small well-formed seed files and a function of one file's bytes
that either returns (success) or raises the product's own error (`iprdesk.errors.IprdeskError`
by default). Anything else is a defect:

- any other exception (a traceback a user would see);
- a hang: over 5 s of CPU time on one input (or a minute without an answer);
- memory: a MemoryError, or a peak over 1 GiB;
- a wrong success, which the target reports by raising `Defect` (metadata left in a cleaned
  file, a pixel changed...). A target may return a cleaned output file: the harness gives a
  sample of those to exiftool, which must find no metadata in them.

Adding a target: a module in `tests/fuzz/targets/` (every module there is loaded) calls

    register(Target("bundle", bundle_seeds, verify))  # tests/fuzz/targets/bundles.py

`seeds` is called once per process and must return the same files on every machine (make
them in code; no corpus), so that `--seed S` names the same mutants everywhere.

Run a campaign: `python -m tests.fuzz --target jpeg --count 20000 --seed 1` (see `--help`);
the test suite runs a short one (`tests/test_fuzz.py`) and replays every file in
`tests/fuzz/regressions/<target>/`: inputs that once broke something, kept small.
"""

import importlib
import pkgutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# `python -m tests.fuzz` imports this package first: this checkout's code wins over an
# installed copy, as it does under pytest (pyproject's `pythonpath`).
_AGENT = str(Path(__file__).resolve().parents[2] / "agent")
if _AGENT not in sys.path:
    sys.path.insert(0, _AGENT)

from iprdesk.errors import IprdeskError  # noqa: E402


class Defect(Exception):
    """Raised by a target for a success that is wrong (the file was accepted, but...)."""


@dataclass(frozen=True)
class Target:
    name: str
    seeds: Callable[[], list[bytes]]
    # Returns normally, or raises one of `expected`; may return an output file for exiftool.
    run: Callable[[bytes], bytes | None]
    expected: tuple[type[BaseException], ...] = (IprdeskError,)


_TARGETS: dict[str, Target] = {}


def register(target: Target) -> Target:
    if target.name in _TARGETS:
        raise ValueError(f"fuzz target {target.name!r} is registered twice")
    _TARGETS[target.name] = target
    return target


def targets() -> dict[str, Target]:
    """Every registered target, by name (loads `tests/fuzz/targets/*` the first time)."""
    package = importlib.import_module(f"{__name__}.targets")
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    return dict(sorted(_TARGETS.items()))
