"""Slowing down wrong passphrases, so guessing through the agent or the CLI stays slow.

Argon2id makes one guess cost about half a second; without more, a script could still try
every passphrase of a list back to back. After the first FREE_FAILURES wrong passphrases in a
row (typos), each further one makes the next try wait 1, 2, 4 ... seconds, at most MAX_DELAY:
the rightful owner waits half a minute at worst, a guesser gets two tries a minute. A try
during the wait is refused at once, without deriving. The right passphrase clears the count.

The count lives in `<vault>/unlock-failures.json` (written atomically), so restarting the
agent or running the CLI again does not reset it, and the agent and the CLI share it. Whoever
can write the vault folder can delete it, but they can also copy the vault and guess offline,
which no delay stops: the delay is for guessers who can only ask.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from iprdesk.atomic import atomic_write_json
from iprdesk.locking import lock
from iprdesk.vault.errors import PassphraseBackoff, WrongPassphrase

log = logging.getLogger("iprdesk.vault")

FILE = "unlock-failures.json"
FREE_FAILURES = 2
MAX_DELAY = 30.0

Clock = Callable[[], float]


def delay_after(failures: int) -> float:
    """Seconds the next try waits after `failures` wrong passphrases in a row."""
    if failures <= FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY, 2.0 ** (failures - FREE_FAILURES - 1))


class Backoff:
    """The wrong-passphrase count of the vault in `folder`; `clock` is wall-clock seconds
    (not monotonic: the count outlives the process), injectable for tests."""

    def __init__(self, folder: Path, clock: Clock = time.time):
        self.folder = folder
        self.path = folder / FILE
        self.clock = clock

    def _read(self) -> tuple[int, float]:
        """(failures in a row, wall-clock time of the last one); (0, 0) when none or unreadable."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            failures, last = raw["failures"], raw["last_failure"]
        except FileNotFoundError:
            return 0, 0.0
        except (OSError, ValueError, KeyError, TypeError) as e:
            log.warning("ignoring an unreadable %s: %s", self.path.name, e)
            return 0, 0.0
        if type(failures) is not int or failures < 0 or type(last) not in (int, float):
            log.warning("ignoring an unreadable %s", self.path.name)
            return 0, 0.0
        return failures, float(last)

    def _write(self, failures: int) -> None:
        try:
            if failures:
                atomic_write_json(self.path, {"failures": failures,
                                              "last_failure": self.clock()})
            else:
                self.path.unlink(missing_ok=True)
        except OSError as e:  # read-only or full: the check itself must still answer
            log.warning("could not record wrong passphrases in %s: %s", self.path, e)

    def _wait(self, failures: int, last: float) -> float:
        """Seconds until a passphrase may be tried again (0 when it may now)."""
        delay = delay_after(failures)
        # Never more than the delay itself, even if the clock was set back since.
        return max(0.0, min(delay, last + delay - self.clock())) if delay else 0.0

    @contextlib.contextmanager
    def attempt(self) -> Iterator[None]:
        """One passphrase check, run in the block: PassphraseBackoff at once while a delay
        runs; a WrongPassphrase from the block is counted and says how long the next try
        waits; leaving the block normally clears the count.

        Tries are one at a time across processes (a lock on the vault folder, which exists
        even where nothing may be written), so parallel guesses cannot share one window.
        """
        fd = os.open(self.folder, os.O_RDONLY)
        try:
            lock(fd)
            failures, last = self._read()
            if (wait := self._wait(failures, last)) > 0:
                raise PassphraseBackoff(math.ceil(wait))
            try:
                yield
            except WrongPassphrase:
                self._write(failures + 1)
                raise WrongPassphrase(math.ceil(delay_after(failures + 1))) from None
            if failures:
                self._write(0)
        finally:
            os.close(fd)  # releases the lock
