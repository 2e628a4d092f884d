"""Benchmarks (`python bench/<name>.py`): speed targets are measured here, never asserted in
tests. What several of them print the same way lives in this module."""

import contextlib
import functools
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
from pathlib import Path


def spread(ms: list[float]) -> str:
    """Timings in milliseconds as their median and range."""
    return f"median {statistics.median(ms):.0f} ms (min {min(ms):.0f}, max {max(ms):.0f})"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process: unlike wall time, barely moved by other load."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def instructions(command: list[str], env: dict | None = None) -> int | None:
    """User-mode instructions the command retired: the work done, which other load on a shared
    machine barely moves (it moves wall and CPU time). Counted by `perf stat` where the
    machine has hardware counters, else by valgrind's callgrind (about the same count, far
    slower, of the command's own process only: not for commands that fork workers); None
    with neither. The command runs once."""
    if _perf_counts():
        with tempfile.NamedTemporaryFile("r") as out:
            subprocess.run(["perf", "stat", "-x,", "-o", out.name, "-e", "instructions:u", "--",
                            *command], env=env, check=True, capture_output=True)
            return _perf_count(out.read())
    if shutil.which("valgrind"):
        done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                               *command], env=env, check=True, capture_output=True, text=True)
        counted = re.search(r"Collected : (\d+)", done.stderr)
        return int(counted.group(1)) if counted else None
    return None


def _perf_count(report: str) -> int | None:
    # CSV lines: value, unit, event...; the value is "<not supported>" without counters
    value = next((line.split(",")[0] for line in report.splitlines()
                  if ",instructions:u," in line), "")
    return int(value) if value.isdigit() else None


@functools.cache
def _perf_counts() -> bool:
    """Whether perf counts instructions on this machine (a VM may give it no counters)."""
    if not shutil.which("perf"):
        return False
    done = subprocess.run(["perf", "stat", "-x,", "-e", "instructions:u", "--", "true"],
                          capture_output=True, text=True)
    return done.returncode == 0 and _perf_count(done.stderr) is not None


def _tree(pid: int) -> list[int]:
    """The process and all its descendants."""
    pids, i = [pid], 0
    while i < len(pids):
        try:
            for task in Path(f"/proc/{pids[i]}/task").iterdir():
                pids += [int(p) for p in (task / "children").read_text().split()]
        except OSError:  # ended between two reads
            pass
        i += 1
    return pids


class PeakRss:
    """The highest RSS of a process (`tree`: summed with all its descendants), sampled every
    `every` seconds while in the `with` block."""

    def __init__(self, pid: int, *, tree: bool = False, every: float = 0.005):
        self.pid, self.tree, self.every = pid, tree, every
        self.peak, self._stop = 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self._stop.wait(self.every):
            total = 0.0
            for pid in _tree(self.pid) if self.tree else [self.pid]:
                with contextlib.suppress(OSError):  # ended since the listing
                    total += rss_mb(pid)
            self.peak = max(self.peak, total)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
