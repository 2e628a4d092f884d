"""Running inputs through targets in a guarded worker process, and campaigns of mutants.

The worker is forked once and fed one input at a time over a pipe. It runs each under a CPU
timer (SIGPROF, whose default action kills it: a hang inside C code is caught too) and an
address-space limit (an allocation past it raises MemoryError, or kills the worker), so one
bad input costs one worker, never the machine. CPU time, not wall time, decides a hang: a busy
machine makes inputs slower, not defects.
"""

import contextlib
import hashlib
import multiprocessing as mp
import os
import random
import re
import signal
import tempfile
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.fuzz import Defect, Target, targets
from tests.fuzz.mutate import mutant

CPU_SECONDS = 5.0
MEMORY_BYTES = 1 << 30
# A worker that neither answers nor uses CPU (blocked) is given up on after this long.
WALL_SECONDS = 120.0
# One success in this many has its output checked by exiftool too (one run at the end).
EXIFTOOL_EVERY = 20
REGRESSIONS = Path(__file__).parent / "regressions"


@dataclass
class Found:
    """A defect: which target, what kind, where it came from, and the input itself."""

    target: str
    kind: str  # exception, hang, memory, crash, wrong success, metadata left
    detail: str
    signature: str  # the same defect found twice has the same signature
    origin: str  # how the input was made ("seed 2: flip@10.3") or the file replayed
    data: bytes = field(repr=False)


@dataclass
class Tally:
    target: str
    inputs: int = 0
    accepted: int = 0
    refused: Counter = field(default_factory=Counter)
    defects: list[Found] = field(default_factory=list)


def _signature(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "/iprdesk/" in f.filename.replace(os.sep, "/")]

    def where(f):
        return f"{Path(f.filename).name}:{f.lineno}"

    parts = [type(error).__name__]
    if ours:
        parts.append(where(ours[-1]))
    if frames and (not ours or frames[-1] is not ours[-1]):
        parts.append(where(frames[-1]))
    return " ".join(parts)


def _vm_size() -> int | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return None


def _limit_memory(extra: int) -> None:
    """Let the worker grow by `extra` bytes of address space beyond what it has now."""
    import resource

    size = _vm_size()
    if size is not None:
        resource.setrlimit(resource.RLIMIT_AS, (size + extra, resource.RLIM_INFINITY))


def _peak_rss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _serve(conn, registry: dict[str, Target], cpu_seconds: float, memory: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's
    signal.signal(signal.SIGPROF, signal.SIG_DFL)
    _limit_memory(memory)
    while (job := conn.recv()) is not None:
        name, data, want_output = job
        target = registry[name]
        output = None
        signal.setitimer(signal.ITIMER_PROF, cpu_seconds)
        try:
            output = target.run(data)
            result = ("ok", None, None)
        except target.expected as e:
            result = ("refused", getattr(e, "code", type(e).__name__), None)
        except Defect as e:
            result = ("defect", "wrong success", str(e))
        except MemoryError as e:
            result = ("defect", "memory", _signature(e))
        except Exception as e:  # noqa: BLE001 - any other exception is what we look for
            result = ("defect", "exception", f"{type(e).__name__}: {e}"[:300], _signature(e))
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        if _peak_rss() > memory:
            conn.send(("defect", "memory", f"peak RSS {_peak_rss() >> 20} MiB"))
            return  # the peak stays: a fresh worker measures the next input
        if result[0] == "ok" and want_output and isinstance(output, bytes):
            result = ("ok", None, output)
        conn.send(result)


class Worker:
    """One guarded worker process, restarted after an input kills it. It knows the
    registered targets, or those of `registry`."""

    def __init__(self, cpu_seconds: float = CPU_SECONDS, memory: int = MEMORY_BYTES,
                 registry: dict[str, Target] | None = None):
        self._cpu, self._memory = cpu_seconds, memory
        self._registry = targets() if registry is None else registry
        self._process = self._conn = None

    def _start(self) -> None:
        ctx = mp.get_context("fork")
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(
            target=_serve, args=(child, self._registry, self._cpu, self._memory), daemon=True)
        self._process.start()
        child.close()

    def _died(self) -> tuple:
        self._process.join(5)
        code = self._process.exitcode
        self._process = None
        if code == -signal.SIGPROF:
            return ("defect", "hang", f"over {self._cpu:g} s of CPU on one input")
        if code == -signal.SIGKILL:
            return ("defect", "memory", "killed (out of memory?)")
        return ("defect", "crash", f"the worker died (exit {code})")

    def run(self, target: str, data: bytes, want_output: bool = False) -> tuple:
        """(status, detail, extra): ("ok", None, output or None), ("refused", code, None) or
        ("defect", kind, detail[, signature])."""
        if self._process is None:
            self._start()
        try:
            self._conn.send((target, data, want_output))
            if not self._conn.poll(WALL_SECONDS):
                self._process.kill()
                self._process.join()
                self._process = None
                return ("defect", "hang", f"no answer in {WALL_SECONDS:g} s")
            result = self._conn.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError):
            return self._died()
        if result[:2] == ("defect", "memory") and self._process is not None:
            self._process.join(5)  # it stops itself after a memory defect
            self._process = None
        return result

    def close(self) -> None:
        if self._process is not None:
            with contextlib.suppress(OSError):
                self._conn.send(None)
            self._process.join(5)
            if self._process.is_alive():
                self._process.kill()
            self._process = None


def _record(tally: Tally, result: tuple, origin: str, data: bytes) -> bytes | None:
    tally.inputs += 1
    status, detail, extra, *sig = result
    if status == "ok":
        tally.accepted += 1
        return extra
    if status == "refused":
        tally.refused[detail] += 1
        return None
    signature = f"{detail}: {sig[0]}" if sig else f"{detail}: {extra}"
    tally.defects.append(Found(tally.target, detail, extra, signature, origin, data))
    return None


def _sniff_extension(data: bytes) -> str:
    for head, ext in ((b"\xff\xd8", ".jpg"), (b"\x89PNG", ".png"), (b"RIFF", ".webp"),
                      (b"GIF8", ".gif")):
        if data.startswith(head):
            return ext
    return ".bin"


def exiftool_check(tally: Tally, outputs: dict[str, tuple[bytes, bytes]]) -> None:
    """Defects for sampled outputs ({origin: (input, output)}) where exiftool finds metadata."""
    import shutil

    from tests import image_fixtures as fx

    if not outputs or shutil.which("exiftool") is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        names = {}
        for i, (origin, (_, output)) in enumerate(outputs.items()):
            path = Path(tmp) / f"out{i}{_sniff_extension(output)}"
            path.write_bytes(output)
            names[path.name] = origin
        tags = fx.exiftool_files(sorted(Path(tmp).iterdir()))
    for name, origin in names.items():
        left = fx.leftover_metadata(tags.get(name, {}))
        if left:
            tally.defects.append(Found(tally.target, "metadata left", f"exiftool: {left}"[:300],
                                       f"metadata left: {sorted(left)}", origin,
                                       outputs[origin][0]))


def mutant_of(target: Target, seeds: list[bytes], seed: int, index: int) -> tuple[bytes, str]:
    """Mutant number `index` of campaign `seed` for `target`: the same on every machine."""
    return mutant(seeds, random.Random(f"{seed}/{target.name}/{index}"))


def campaign(target: Target, count: int, seed: int, worker: Worker, *,
             exiftool_every: int = EXIFTOOL_EVERY, progress=None) -> Tally:
    """Run the seeds, then `count` mutants of them, through `target`."""
    tally = Tally(target.name)
    seeds = target.seeds()
    for i, data in enumerate(seeds):
        result = worker.run(target.name, data)
        if result[0] != "ok":  # a seed must be a file the target accepts
            tally.defects.append(Found(target.name, "seed refused", str(result[1:]),
                                       f"seed {i} refused", f"seed {i}", data))
    sampled: dict[str, tuple[bytes, bytes]] = {}
    for index in range(count):
        data, how = mutant_of(target, seeds, seed, index)
        origin = f"--seed {seed} --index {index} ({how})"
        want = exiftool_every > 0 and index % exiftool_every == 0
        output = _record(tally, worker.run(target.name, data, want), origin, data)
        if output is not None:
            sampled[origin] = (data, output)
        if progress:
            progress(tally)
    exiftool_check(tally, sampled)
    return tally


def regression_files(target: str) -> list[Path]:
    folder = REGRESSIONS / target
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def replay(target: Target, files: list[Path], worker: Worker) -> Tally:
    """Run saved inputs through `target`; every output is also checked by exiftool."""
    tally = Tally(target.name)
    outputs = {}
    for path in files:
        data = path.read_bytes()
        output = _record(tally, worker.run(target.name, data, True), path.name, data)
        if output is not None:
            outputs[path.name] = (data, output)
    exiftool_check(tally, outputs)
    return tally


def save(found: Found) -> Path:
    """Keep a defect's input as a regression file (named by its kind and content)."""
    # Line numbers change with every edit: the name keeps the kind and the files.
    words = re.sub(r":\d+", "", found.signature.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", words).strip("-")[:48].strip("-")
    path = REGRESSIONS / found.target / f"{slug}-{hashlib.sha256(found.data).hexdigest()[:10]}.bin"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(found.data)
    return path
