"""Heavy work in flight, bounded: the routes that decode, encrypt or build large things.

A heavy request takes a place before its body is read: as many run as the machine has cores
(one thread each), a queue of fixed depth waits behind them, and any request beyond that is
answered at once with 503 `busy` and Retry-After. Memory then stays bounded by the places,
whatever the number of uploads, instead of every body being buffered while it waits.
"""

import asyncio
import contextlib
import functools
import os
from concurrent.futures import ThreadPoolExecutor

from iprdesk.errors import BadInput, Busy

RETRY_AFTER_SECONDS = 1
# Freed image buffers go back to the system once no heavy request came for this long: given
# back after each request, the next one's megabytes were fresh pages again (~1,000 page
# faults a 6 MB upload), and uploads come in runs (a product's photos).
TRIM_AFTER_IDLE_SECONDS = 2.0


def cores() -> int:
    """The cores this process may run on (its affinity, not the machine's total)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@functools.cache
def _malloc_trim():
    """glibc's malloc_trim, or None elsewhere: found among the process's own symbols, by the
    first trim. Not at the agent's start, which a browser's first answer waits on: ctypes'
    import, and `ctypes.util.find_library` runs `ldconfig -p` (bench/NOTES.md)."""
    import ctypes

    try:
        return getattr(ctypes.CDLL(None), "malloc_trim", None)
    except (OSError, TypeError):  # Windows: no process-wide symbols to look in
        return None


def _trim(pad: int) -> None:
    if (malloc_trim := _malloc_trim()) is not None:
        malloc_trim(pad)


class WorkQueue:
    def __init__(self, depth: int, workers: int | None = None):
        if not isinstance(depth, int) or isinstance(depth, bool) or depth < 0:
            raise BadInput(key="error.agent.work_queue_depth", params={"depth": depth})
        self.workers = workers or cores()
        self.capacity = self.workers + depth
        self.in_flight = 0
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="iprdesk-work")
        self._trim = _trim  # on the pool's threads
        self._trim_timer: asyncio.TimerHandle | None = None

    @contextlib.contextmanager
    def place(self):
        """A place for one heavy request, or Busy when every place is taken."""
        if self.in_flight >= self.capacity:
            raise Busy(RETRY_AFTER_SECONDS)
        self.in_flight += 1
        if self._trim_timer is not None:
            self._trim_timer.cancel()
            self._trim_timer = None
        try:
            yield
        finally:
            self.in_flight -= 1
            if not self.in_flight:
                # glibc keeps freed image buffers in its arenas; give them back once idle.
                self._trim_timer = asyncio.get_running_loop().call_later(
                    TRIM_AFTER_IDLE_SECONDS, self._pool.submit, self._trim, 0)

    async def run(self, function, *args):
        """`function(*args)` on one of the pool's threads."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, function, *args)

    def close(self) -> None:
        if self._trim_timer is not None:
            self._trim_timer.cancel()
        self._pool.shutdown(wait=True)
