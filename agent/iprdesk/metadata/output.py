"""Writing a cleaned file out of its pieces: the one copy strategy of every format handler.

New bytes (rewritten headers) are written from memory, gathered into few writes. A long Span
of the input (the image data, nearly all of a photo) is copied by the kernel from the input
file to the output file where the system can (`copy_file_range`, else `sendfile`, Linux),
so the scan data never passes through Python; elsewhere (Windows, macOS, a filesystem pair
that refuses, input held only in memory) it is written from the input held in memory.
Either way the output is the same bytes.
"""

import errno
import os

from iprdesk.atomic import write_all
from iprdesk.metadata.base import Pieces, Span

# Spans shorter than this are gathered with the new bytes into one write: a kernel copy
# costs a system call of its own, which a few hundred bytes of headers do not repay.
_KERNEL_COPY_MIN = 64 * 1024
# What a kernel copy answers when it cannot copy between these two files (another
# filesystem, a filesystem or system without it, macOS's sendfile to a file): fall back.
_NOT_HERE = frozenset([errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP,
                       errno.ENOTSUP, errno.ENOTSOCK])


def _kernel_copies() -> tuple:
    """The system's ways to copy `count` bytes at `offset` of one file to another's current
    position, best first; each returns the bytes copied."""
    calls = []
    if hasattr(os, "copy_file_range"):
        calls.append(lambda src, dst, offset, count: os.copy_file_range(src, dst, count, offset))
    if hasattr(os, "sendfile"):
        calls.append(lambda src, dst, offset, count: os.sendfile(dst, src, offset, count))
    return tuple(calls)


KERNEL_COPIES = _kernel_copies()


def joined(pieces: Pieces, source) -> bytes:
    """The cleaned file as one bytes object (`source` is the input the Spans refer to)."""
    if len(pieces) == 1 and isinstance(source, bytes) and _whole(pieces[0], source):
        return source  # nothing changed: the very bytes we were given
    return b"".join(views(pieces, source))


def views(pieces: Pieces, source):
    """The cleaned file as its parts in order, without copying: views of `source` (adjacent
    Spans merged) and the new bytes."""
    view = memoryview(source)
    for piece in _merged(pieces):
        yield view[piece.start:piece.stop] if isinstance(piece, Span) else piece


def _whole(piece, source) -> bool:
    return isinstance(piece, Span) and piece.start == 0 and piece.stop == len(source)


def write(fd: int, pieces: Pieces, source, source_fd: int | None = None) -> None:
    """Write the cleaned file to `fd` at its position. `source` is the input (bytes or a
    memory map); `source_fd`, when given, is the input file open for reading, from which
    long Spans are copied by the kernel."""
    view = memoryview(source)
    gathered: list = []  # short pieces waiting to go out in one write
    size = 0

    def flush():
        nonlocal gathered, size
        write_all(fd, b"".join(gathered))
        gathered, size = [], 0

    for piece in _merged(pieces):
        if len(piece) >= _KERNEL_COPY_MIN:
            flush()
            if isinstance(piece, Span) and source_fd is not None:
                _copy_span(fd, source_fd, piece, view)
            else:
                write_all(fd, view[piece.start:piece.stop] if isinstance(piece, Span) else piece)
            continue
        gathered.append(view[piece.start:piece.stop] if isinstance(piece, Span) else piece)
        size += len(piece)
        if size >= _KERNEL_COPY_MIN:
            flush()
    flush()


def _merged(pieces: Pieces):
    """The pieces with adjacent Spans joined (a JPEG's scan header and its scan data)."""
    run = None
    for piece in pieces:
        if isinstance(piece, Span) and run is not None and run.stop == piece.start:
            run = Span(run.start, piece.stop)
            continue
        if run is not None:
            yield run
        run = piece if isinstance(piece, Span) else None
        if run is None:
            yield piece
    if run is not None:
        yield run


def _copy_span(fd: int, source_fd: int, span: Span, view: memoryview) -> None:
    offset = span.start
    for copy in KERNEL_COPIES:
        try:
            while offset < span.stop:
                copied = copy(source_fd, fd, offset, span.stop - offset)
                if copied == 0:  # the input is shorter than when it was read
                    break
                offset += copied
        except OSError as e:
            if e.errno not in _NOT_HERE:
                raise
            continue  # nothing more was copied: the next way goes on from `offset`
        if offset == span.stop:
            return
        break
    write_all(fd, view[offset:span.stop])

