"""Benchmarks (`python bench/<name>.py`): speed targets are measured here, never asserted in
tests. What several of them print the same way lives in this module."""

import contextlib
import os
import statistics
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
