"""One portable exclusive file lock for every store that several processes write (auth.json,
cases, URL watches, the vault, the one agent of a data directory).

POSIX: `flock`, held per open file, released when the file is closed or the process dies.
Windows: `msvcrt.locking` on the file's first byte, the same guarantees.
"""

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fd: int, blocking: bool) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                return True
            except OSError:
                if not blocking:
                    return False
                time.sleep(0.05)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fd: int, blocking: bool) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            return True
        except BlockingIOError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _fd(handle) -> int:
    return handle if isinstance(handle, int) else handle.fileno()


def lock(handle, blocking: bool = True) -> bool:
    """Lock an open file (or descriptor) exclusively; without `blocking`, False if taken."""
    return _lock(_fd(handle), blocking)


def unlock(handle) -> None:
    _unlock(_fd(handle))


def _open(path: Path) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)


@contextlib.contextmanager
def exclusive(path: Path | str) -> Iterator[None]:
    """Hold the lock file `path` (created if missing) for the block, waiting for it."""
    fd = _open(Path(path))
    try:
        _lock(fd, True)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def try_hold(path: Path | str) -> int | None:
    """Take the lock file `path` without waiting: its descriptor (close it to release), or
    None while another process holds it."""
    fd = _open(Path(path))
    if _lock(fd, False):
        return fd
    os.close(fd)
    return None


def held_elsewhere(path: Path | str) -> bool:
    """True while another process holds the lock file `path`."""
    if not Path(path).exists():
        return False
    fd = try_hold(path)
    if fd is None:
        return True
    os.close(fd)
    return False
