"""Crash-safe file writes: temp file in the same folder, fsync, rename, fsync the folder.

A reader sees either the old file or the new one, never a half-written one, even if the
process is killed or the disk fills up in the middle.
"""

import contextlib
import json
import os
import tempfile
from pathlib import Path


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_writer(path: Path | str, mode: int = 0o600, *, sync_dir: bool = True):
    """Stream into a temp file beside `path`; it replaces `path` only if the block succeeds.

    `sync_dir=False` is for batch writers that fsync each folder once at the end.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if sync_dir:
        fsync_dir(path.parent)


def atomic_write_bytes(path: Path | str, data: bytes, mode: int = 0o600, *,
                       sync_dir: bool = True) -> None:
    with atomic_writer(path, mode, sync_dir=sync_dir) as f:
        f.write(data)


def atomic_write_json(path: Path | str, value, mode: int = 0o600) -> None:
    data = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True).encode() + b"\n"
    atomic_write_bytes(path, data, mode)
