"""Benchmarks (`python bench/<name>.py`): speed targets are measured here, never asserted in
tests. What several of them print the same way lives in this module."""

import statistics


def spread(ms: list[float]) -> str:
    """Timings in milliseconds as their median and range."""
    return f"median {statistics.median(ms):.0f} ms (min {min(ms):.0f}, max {max(ms):.0f})"
