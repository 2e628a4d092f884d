"""Crash-safe file writes: temp file in the same folder, fsync, rename, fsync the folder.

A reader sees either the old file or the new one, never a half-written one, even if the
process is killed or the disk fills up in the middle. StagedFiles does the same for a batch
with one flush of the filesystem instead of one fsync per file.
"""

import contextlib
import functools
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from iprdesk import errors


def fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable. Windows cannot open a folder for this, and NTFS
    journals renames itself."""
    if os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# Large pieces go to the kernel in slices of this size: one 6 MB write() of a memory-mapped
# span measured two to three times slower than a stream of 256 KiB writes.
_WRITE_SLICE = 256 * 1024


def slices(data):
    """`data` in views of at most _WRITE_SLICE bytes."""
    view = memoryview(data)
    for start in range(0, len(view), _WRITE_SLICE):
        yield view[start:start + _WRITE_SLICE]


def write_all(fd: int, data) -> None:
    """Write all of `data` to the file descriptor `fd`, at its position."""
    for part in slices(data):
        while part:
            part = part[os.write(fd, part):]


def write_pieces(f, pieces: Iterable[bytes | memoryview]) -> None:
    for piece in pieces:
        for part in slices(piece):
            f.write(part)


# tempfile.mkstemp's flags: a new file, never through a symlink planted under its name.
_NEW_FILE = (os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
             | getattr(os, "O_BINARY", 0))


def _temp_beside(path: Path, tag: str = "") -> tuple[int, str]:
    """A new file `.<name>.[<tag>.]<random>.tmp` beside `path`, open, for its owner only; its
    descriptor and absolute path. As tempfile.mkstemp, without importing tempfile (shutil,
    random, bz2, lzma: ~4 ms of a one-file `strip`'s start, bench/strip.py)."""
    prefix = os.path.abspath(os.path.join(path.parent, f".{path.name}.{tag + '.' if tag else ''}"))
    while True:
        tmp = f"{prefix}{os.urandom(6).hex()}.tmp"
        try:
            return os.open(tmp, _NEW_FILE, 0o600), tmp
        except FileExistsError:  # one chance in 2**48
            continue


@contextlib.contextmanager
def atomic_writer(path: Path | str, mode: int = 0o600, durable: bool = True):
    """Stream into a temp file beside `path`; it replaces `path` only if the block succeeds.
    `durable=False`: no fsync, for a file that means nothing after a crash (whole or absent
    to its readers all the same)."""
    path = Path(path)
    fd, tmp = _temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        remove_quietly(Path(tmp))
        raise
    if durable:
        fsync_dir(path.parent)


def atomic_write_bytes(path: Path | str, data: bytes, mode: int = 0o600,
                       durable: bool = True) -> None:
    with atomic_writer(path, mode, durable) as f:
        f.write(data)


def atomic_write_json(path: Path | str, value, mode: int = 0o600, durable: bool = True) -> None:
    data = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True).encode() + b"\n"
    atomic_write_bytes(path, data, mode, durable)


@functools.cache
def _linux_calls() -> dict:
    """syncfs and sync_file_range where the C library has them (Linux), else None each;
    ctypes is loaded by the first batch that uses them, not by every import of this module."""
    import ctypes

    def call(name: str, *argtypes):
        try:
            function = getattr(ctypes.CDLL(None, use_errno=True), name)
        except (OSError, AttributeError, TypeError):  # not Linux
            return None
        function.argtypes = argtypes
        return function

    return {"syncfs": call("syncfs", ctypes.c_int),
            "sync_file_range": call("sync_file_range", ctypes.c_int, ctypes.c_int64,
                                    ctypes.c_int64, ctypes.c_uint),
            "get_errno": ctypes.get_errno}


_SYNC_FILE_RANGE_WRITE = 2  # start writing the dirty pages back; do not wait


def start_writeback(fd: int) -> None:
    """Have the kernel start writing a file to disk now, so that the flush at commit has
    little left to wait for. Only a hint: the flush is what makes the data durable."""
    sync_file_range = _linux_calls()["sync_file_range"]
    if sync_file_range is not None:
        sync_file_range(fd, 0, 0, _SYNC_FILE_RANGE_WRITE)


def _flush(files: list[Path]) -> None:
    """Make the data of `files` durable: one syncfs(2) per filesystem where the system has
    it (Linux), else one fsync per file. One file alone is fsynced: syncfs would also wait
    for every other program's writes to that filesystem."""
    syncfs = _linux_calls()["syncfs"] if len(files) > 1 else None
    if syncfs is None:
        for file in files:
            fd = os.open(file, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        return
    folders = {os.stat(file.parent).st_dev: file.parent for file in files}
    for folder in folders.values():
        fd = os.open(folder, os.O_RDONLY)
        try:
            if syncfs(fd) != 0:
                err = _linux_calls()["get_errno"]()
                raise OSError(err, os.strerror(err), str(folder))
        finally:
            os.close(fd)


def stage_file(path: Path, write: Callable[[BinaryIO], None], mode: int = 0o600, *,
               tag: str = "", writeback: bool = True) -> Path:
    """Write a temp file beside `path`, without an fsync, for StagedFiles to put in place.

    `write(f)` writes the content. Works in any process: a batch can stage in worker
    processes and commit in the parent.
    The temp file is named `.<name>.<tag>.<random>.tmp`, so a batch can find its own strays.
    `writeback`: have the kernel start writing it to disk at once (start_writeback), which
    a batch of one, flushed right after, does not need.
    """
    fd, tmp = _temp_beside(path, tag)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            if writeback:
                start_writeback(f.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        remove_quietly(Path(tmp))
        raise
    return Path(tmp)


def remove_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


class StagedFiles:
    """Many files replaced together, each atomically, with one flush instead of one fsync each.

    add() takes a temp file written by stage_file. commit() flushes each filesystem once,
    then renames every temp over its target and fsyncs each folder once: a target is only
    ever replaced by data already on disk, so a crash leaves each file old or new, never
    partial. A batch of 40 photos costs one flush where per-file fsyncs cost 40.
    """

    def __init__(self):
        self._staged: list[tuple[Path, Path]] = []  # (temp file, target)

    def add(self, temp: Path, target: Path) -> None:
        self._staged.append((temp, target))

    @property
    def temps(self) -> set[Path]:
        return {temp for temp, _ in self._staged}

    def commit(self) -> dict[Path, OSError]:
        """Put every staged file in place; return the targets that could not be replaced.

        If the flush itself fails (a disk error), nothing is replaced and OSError is raised.
        """
        staged, self._staged = self._staged, []
        try:
            _flush([temp for temp, _ in staged])
        except OSError:
            for temp, _ in staged:
                remove_quietly(temp)
            raise
        failed = {}
        for temp, target in staged:
            try:
                os.replace(temp, target)
            except OSError as e:
                failed[target] = e
                remove_quietly(temp)
        for folder in {target.parent for _, target in staged}:
            fsync_dir(folder)
        return failed

    def discard(self) -> None:
        staged, self._staged = self._staged, []
        for temp, _ in staged:
            remove_quietly(temp)


def read_case_file(path: Path, *, damaged: str, not_ours: str, code: str) -> dict:
    """A JSON store kept per case, `{"cases": {<case id>: ...}}`, written with
    atomic_write_json under a lock (the URL watch list, the case pictures); an absent file is
    empty. The file's content; BadInput `code` with the message `damaged` (unreadable JSON) or
    `not_ours` (JSON of another shape), each naming the file."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"cases": {}}
    except (OSError, ValueError) as e:
        raise errors.BadInput(key=damaged, params={"path": path, "e": e}, code=code) from e
    if not isinstance(raw, dict) or not isinstance(raw.get("cases"), dict):
        raise errors.BadInput(key=not_ours, params={"path": path}, code=code)
    return raw
