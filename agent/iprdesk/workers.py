"""Worker processes of the batches that use every core (`strip`, `audit`).

Ctrl-C reaches every process of the terminal's foreground group; the workers ignore it
(`ignore_interrupts`, their initializer), so the parent alone decides what an interrupted
batch leaves behind and says so once, without a traceback from each worker.
"""

import contextlib
import signal
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only imported by a batch: `strip one.jpg` does not pay for it
    from concurrent.futures import ProcessPoolExecutor


def ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def end_workers(pool: "ProcessPoolExecutor") -> None:
    """Stop a pool at once: its workers are ended mid-task (they only read and compute; a
    worker stuck reading a file that never ends, such as a stalled network share, would keep
    `shutdown` waiting forever) and the queued tasks dropped."""
    # The executor lists its processes only privately; Python 3.14 adds terminate_workers().
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(OSError, ValueError):
            process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)
