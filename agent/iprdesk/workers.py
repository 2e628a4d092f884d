"""Worker processes of the batches that use every core (`strip`, `audit`).

`audit` runs a ProcessPoolExecutor; `strip` runs ForkedWorkers, which start with a fork each
instead of importing multiprocessing and running a pool's threads (a batch of 40 photos spent
about as much CPU starting its pool as cleaning 10 of them).

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
import os
import signal
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
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


def _readable(descriptors) -> list[int]:
    """The descriptors with data or an end to read, after at most a short wait (poll, not
    select: the parent may hold more descriptors than select can watch)."""
    import select  # loaded with the workers, as pickle: `strip one.jpg` does not pay for them

    poll = select.poll()
    for fd in descriptors:
        poll.register(fd, select.POLLIN)
    return [fd for fd, _ in poll.poll(_LOOK_SECONDS * 1000)]


class WorkerDied(Exception):
    """The worker process given an item died, and so did the one it was given to alone."""


# One item's outcome from a worker: the item's index and the length of the pickled
# (value, exception) that follows.
_FRAME = struct.Struct("<II")
# Items sent to a worker ahead of the one it is on, so that it never waits for the parent.
_AHEAD = 2


class _Worker:
    def __init__(self, pid: int, tasks: int, results: int, alone: bool):
        self.pid, self.tasks, self.results, self.alone = pid, tasks, results, alone
        self.given: deque[int] = deque()  # indices sent and not answered yet, in order
        self.buffer = b""


def _signal(worker: _Worker, signum: int) -> None:
    # Not reaped by this process yet, so the pid is still the worker's (unless SIGCHLD is
    # ignored, when the system reaps it: then it is gone).
    with contextlib.suppress(ProcessLookupError):
        os.kill(worker.pid, signum)


class ForkedWorkers:
    """`function(item)` for each item, in up to `count` processes forked from this one; run()
    yields each item's (value, exception) in the items' order.

    A worker that dies (a crash in a decoder, SIGBUS from a file truncated under its memory
    map, the OOM killer) takes along the items it was given: each is given again to a worker
    of its own, so only an item that kills that one too fails, with WorkerDied. Workers ignore
    Ctrl-C; the parent looks at `interrupts` while it waits, and an interrupted run (or one the
    caller stops reading) ends its workers at once (`close`), even one stuck reading a file.
    """

    def __init__(self, function: Callable, items: Sequence, count: int, interrupts: Interrupts):
        self._function, self._items, self._count = function, items, count
        self._interrupts = interrupts
        self._pending = deque(range(len(items)))
        self._alone: deque[int] = deque()  # given to a worker that died: one worker each
        self._workers: dict[int, _Worker] = {}  # by the descriptor its results come on
        self._outcomes: dict[int, tuple] = {}

    def run(self) -> Iterator[tuple]:
        try:
            for index in range(len(self._items)):
                while index not in self._outcomes:
                    self._start_workers()
                    self._wait()
                yield self._outcomes.pop(index)
        finally:
            self.close()

    def _start_workers(self) -> None:
        while len(self._workers) < self._count and (self._alone or self._pending):
            if self._alone:
                worker = self._fork(alone=True)
                self._give(worker, self._alone.popleft())
                self._close_tasks(worker)  # that one item only
            else:
                worker = self._fork(alone=False)
                for _ in range(_AHEAD):
                    self._give_next(worker)

    def _fork(self, alone: bool) -> _Worker:
        tasks_out, tasks_in = os.pipe()
        results_out, results_in = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            status = 1
            try:
                # The parent's ends of every pipe: a worker holding another's tasks open
                # would keep that one from seeing their end.
                for fd in [tasks_in, results_out, *(fd for w in self._workers.values()
                                                    for fd in (w.tasks, w.results) if fd >= 0)]:
                    os.close(fd)
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                self._serve(tasks_out, results_in)
                status = 0
            finally:
                os._exit(status)
        os.close(tasks_out)
        os.close(results_in)
        worker = _Worker(pid, tasks_in, results_out, alone)
        self._workers[results_out] = worker
        return worker

    def _serve(self, tasks: int, results: int) -> None:
        import pickle

        while len(message := os.read(tasks, 4)) == 4:
            index = int.from_bytes(message, "little")
            try:
                outcome = (self._function(self._items[index]), None)
            except Exception as e:  # noqa: BLE001 - the parent raises it where it takes it
                outcome = (None, e)
            try:
                data = pickle.dumps(outcome)
            except Exception as e:  # noqa: BLE001
                data = pickle.dumps((None, RuntimeError(f"unpicklable outcome: {e!r}")))
            message = _FRAME.pack(index, len(data)) + data
            while message:
                message = message[os.write(results, message):]

    def _give(self, worker: _Worker, index: int) -> None:
        worker.given.append(index)
        with contextlib.suppress(BrokenPipeError):  # it died: its end of results tells
            os.write(worker.tasks, index.to_bytes(4, "little"))

    def _give_next(self, worker: _Worker) -> None:
        if self._pending:
            self._give(worker, self._pending.popleft())
        else:  # nothing left: the worker ends once it has answered
            self._close_tasks(worker)

    @staticmethod
    def _close_tasks(worker: _Worker) -> None:
        if worker.tasks >= 0:
            os.close(worker.tasks)
            worker.tasks = -1

    def _wait(self) -> None:
        """Take what the workers sent, in short waits: KeyboardInterrupt once Ctrl-C is noted."""
        import pickle

        ready = _readable(self._workers)
        self._interrupts.check()
        for fd in ready:
            worker = self._workers[fd]
            data = os.read(fd, 1 << 20)
            if not data:
                self._ended(worker)
                continue
            worker.buffer += data
            while len(worker.buffer) >= _FRAME.size:
                index, size = _FRAME.unpack_from(worker.buffer)
                if len(worker.buffer) < _FRAME.size + size:
                    break
                end = _FRAME.size + size
                # From a child of this process, over a pipe only the two of them hold.
                self._outcomes[index] = pickle.loads(worker.buffer[_FRAME.size:end])  # noqa: S301
                worker.buffer = worker.buffer[end:]
                worker.given.remove(index)
                if not worker.alone:
                    self._give_next(worker)

    def _ended(self, worker: _Worker) -> None:
        """A worker closed its results: it is done, or it died with items given."""
        del self._workers[worker.results]
        self._reap(worker)
        for index in worker.given:
            if worker.alone:
                self._outcomes[index] = (None, WorkerDied())
            else:
                self._alone.append(index)

    def _reap(self, worker: _Worker) -> None:
        os.close(worker.results)
        self._close_tasks(worker)
        with contextlib.suppress(ChildProcessError):  # reaped already (SIGCHLD ignored)
            os.waitpid(worker.pid, 0)

    def close(self) -> None:
        """End every worker at once: they only read and compute, and one stuck reading a file
        that never ends (a stalled network share) would be waited for forever."""
        workers, self._workers = list(self._workers.values()), {}
        for worker in workers:
            _signal(worker, signal.SIGTERM)
        running = {worker.results: worker for worker in workers}
        deadline = time.monotonic() + _GRACE_SECONDS
        while running and time.monotonic() < deadline:  # its results close when it exits
            for fd in _readable(running):
                if not os.read(fd, 1 << 20):
                    del running[fd]
        for worker in running.values():  # outlived SIGTERM
            _signal(worker, signal.SIGKILL)
        for worker in workers:
            self._reap(worker)
