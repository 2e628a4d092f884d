"""Worker processes of the batches that use every core (`strip`, `audit`).

Ctrl-C reaches every process of the terminal's foreground group; the workers ignore it
(`ignore_interrupts`, their initializer), so the parent alone decides what an interrupted
batch leaves behind and says so once, without a traceback from each worker.

While a pool runs, the parent notes Ctrl-C (`interrupts_noted`) instead of taking it as a
KeyboardInterrupt at whatever line it is on, and looks at the note while it waits for a
worker (`wait_for_result`). That wait must not be one long lock wait: a signal only breaks
such a wait when it lands on the main thread during it. One handled just before the
wait starts (the main thread descheduled between its last check for signals and the wait, as
under load), or by another thread of the process (the pool's manager, a queue's feeder),
leaves it asleep until the result comes, which for a worker stuck on a stalled file is never.
"""

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only imported by a batch: `strip one.jpg` does not pay for it
    from concurrent.futures import Future, ProcessPoolExecutor

# How often a parent waiting for a worker looks whether Ctrl-C came.
_LOOK_SECONDS = 0.1
# How long ended workers get to exit before they are killed.
_GRACE_SECONDS = 5.0


def ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Interrupts:
    """Ctrl-C noted while a pool runs, raised as KeyboardInterrupt where the parent looks."""

    def __init__(self) -> None:
        self.noted = False

    def note(self, *_) -> None:  # the SIGINT handler: takes no lock, raises nothing
        self.noted = True

    def check(self) -> None:
        if self.noted:
            self.noted = False
            raise KeyboardInterrupt


@contextlib.contextmanager
def interrupts_noted() -> Iterator[Interrupts]:
    """Note Ctrl-C for the duration instead of raising it. Only the main thread gets signals,
    and only where Ctrl-C would raise KeyboardInterrupt is that changed; a Ctrl-C noted but
    not yet looked at when this ends is raised again where the caller stands."""
    handler = signal.getsignal(signal.SIGINT)
    if isinstance(getattr(handler, "__self__", None), Interrupts):  # a batch within a batch
        yield handler.__self__
        return
    interrupts = Interrupts()
    if (threading.current_thread() is not threading.main_thread()
            or handler is not signal.default_int_handler):
        yield interrupts
        return
    signal.signal(signal.SIGINT, interrupts.note)
    try:
        yield interrupts
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if interrupts.noted:
            signal.raise_signal(signal.SIGINT)


def wait_for_result(future: "Future", interrupts: Interrupts):
    """The future's result, waited for in short waits: KeyboardInterrupt once Ctrl-C is noted."""
    from concurrent.futures import wait  # loaded with the pool

    while not wait([future], timeout=_LOOK_SECONDS).done:
        interrupts.check()
    interrupts.check()
    return future.result()


def end_workers(pool: "ProcessPoolExecutor") -> None:
    """Stop a pool at once: its workers are ended mid-task (they only read and compute; a
    worker stuck reading a file that never ends, such as a stalled network share, would keep
    `shutdown` waiting forever) and the queued tasks dropped."""
    from multiprocessing.connection import wait

    # The executor lists its processes only privately; Python 3.14 adds terminate_workers().
    exits = {}
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(OSError, ValueError):
            process.terminate()
            exits[process.sentinel] = process
    # The pool's manager notices the ended workers and stops; one that outlives SIGTERM is
    # killed, so that the shutdown below never waits for it.
    ended = wait(list(exits), timeout=_GRACE_SECONDS) if exits else []
    for sentinel, process in exits.items():
        if sentinel not in ended:
            with contextlib.suppress(OSError, ValueError):
                process.kill()
    pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def ended_on_interrupt(pool: "ProcessPoolExecutor") -> Iterator["ProcessPoolExecutor"]:
    """The pool, shut down once its tasks are done; interrupted (Ctrl-C, an error, or the
    caller stopped reading) its workers are ended at once (`end_workers`), not waited for."""
    try:
        yield pool
    except BaseException:
        end_workers(pool)
        raise
    pool.shutdown()
