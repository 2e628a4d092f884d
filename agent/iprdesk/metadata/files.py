"""Cleaning files on disk (CLI and folder watcher): read, clean, write atomically.

The original is never modified unless asked (in place), and then only by an atomic rename
of a fully written temp file that is on disk: a crash leaves either the old or the new file.
"""

import contextlib
import functools
import mmap
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from iprdesk.atomic import (
    StagedFiles,
    atomic_writer,
    remove_quietly,
    stage_file,
)
from iprdesk.lazy import lazy_module
from iprdesk.metadata import BadImage, Cleaned, Report, is_image, strip_image
from iprdesk.metadata.base import ImageProblem
from iprdesk.text.i18n import Message

# Loaded by a batch that uses them: one file is cleaned in this process (signal's enums alone
# cost ~1 ms of its start).
workers = lazy_module("iprdesk.workers")

MAX_FILE_BYTES = 512 * 1024 * 1024  # beyond any photo; refuse before reading it into memory


@contextlib.contextmanager
def _reading(path: Path):
    """Turn the ways a file cannot be read into BadImage naming it."""
    try:
        yield
    except FileNotFoundError:
        raise BadImage(path, ImageProblem("unreadable", Message("metadata.problem.no_such_file"))
                       ) from None
    except IsADirectoryError:
        raise BadImage(path, ImageProblem("unreadable", Message("metadata.problem.is_folder"))
                       ) from None
    except OSError as e:
        raise BadImage(path, ImageProblem("unreadable", Message(
            "metadata.problem.unreadable", {"strerror": e.strerror}))) from None


def check_size(path: Path, size: int) -> None:
    """Refuse a file too large to be a photo before reading it into memory."""
    if size > MAX_FILE_BYTES:
        raise BadImage(path.name, ImageProblem("too_large", Message(
            "metadata.problem.too_large", {"mb": size // (1024 * 1024)})))


def read_image(path: Path) -> bytes:
    with _reading(path):
        check_size(path, path.stat().st_size)
        return path.read_bytes()


@contextlib.contextmanager
def opened_image(path: Path) -> Iterator[tuple[bytes | mmap.mmap, int | None]]:
    """The file as a read-only memory map (a 6 MB photo is not copied into the process) and
    its descriptor, open for the kernel to copy from while the cleaned file is written.

    For the CLI only: if another program truncates the file while it is mapped, reading it
    raises SIGBUS, which a long-running agent must not risk (it reads files into memory).
    Files that cannot be mapped (empty, pipes) are read instead, and have no descriptor.
    """
    with _reading(path):  # around the opening only: the caller's write errors are its own
        f = open(path, "rb")  # noqa: SIM115 - closed below, after the map
    with f:
        info = os.fstat(f.fileno())
        check_size(path, info.st_size)
        mapped = None
        if stat.S_ISREG(info.st_mode) and info.st_size:
            with contextlib.suppress(OSError):  # a filesystem that cannot map: read instead
                mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        if mapped is None:
            yield read_image(path), None
            return
        try:
            yield mapped, f.fileno()
        finally:
            with contextlib.suppress(BufferError):  # a view still held: it closes with it
                mapped.close()


_WILDCARDS = frozenset("*?[")


class NoMatch(ValueError):
    """A file-name pattern that matches no file."""

    def __init__(self, pattern: Path):
        super().__init__(f"{pattern}: no file matches")
        self.pattern = pattern


def expand_inputs(args: list[Path]) -> list[Path]:
    """The files that command-line arguments stand for, in order and each once.

    A folder stands for the images directly in it (sub-folders often repeat names such as
    IMG_0001.jpg, which one output folder could not hold); a pattern such as `photos/*.jpg`
    is expanded here, since Windows shells pass it on as it is. Anything else is taken as a
    file, so that a missing one is reported by name. Raises NoMatch for a pattern that
    matches nothing.
    """
    found: dict[Path, None] = {}
    for arg in args:
        if arg.is_dir():
            found.update(dict.fromkeys(
                p for p in sorted(arg.iterdir())
                if p.is_file() and not is_hidden_or_partial(p) and _looks_like_image(p)))
        elif not arg.exists() and _WILDCARDS & set(str(arg)):
            matches = sorted(Path(arg.anchor or ".").glob(
                str(arg.relative_to(arg.anchor)) if arg.anchor else str(arg)))
            if not matches:
                raise NoMatch(arg)
            found.update(dict.fromkeys(p for p in matches if p.is_file()))
        else:
            found[arg] = None
    return list(found)


def _looks_like_image(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return is_image(f.read(32))
    except OSError:
        return True  # let cleaning report why it cannot be read


def destination(cleaned: Cleaned, src: Path, out_dir: Path | None) -> Path:
    """Where the cleaned file goes: OUT_DIR/<name>; in place, the file itself (through a
    symlink: the file it points to), or a new file beside it after a conversion."""
    if out_dir is not None:
        return out_dir / cleaned.report.output_file
    src = src.resolve()
    return src.parent / cleaned.report.output_file if cleaned.report.converted else src


def _target(cleaned: Cleaned, src: Path, out_dir: Path | None) -> tuple[Path, int] | None:
    """The file to write and its mode, None when nothing has to change; refuses to
    overwrite anything but the original itself, in place."""
    dest = destination(cleaned, src, out_dir)
    same_file = dest.exists() and dest.resolve() == src.resolve()
    if out_dir is None:
        if same_file and cleaned.report.clean:
            return None
        if not same_file and dest.exists():
            raise BadImage(src.name, ImageProblem("exists", Message(
                "metadata.problem.exists_beside", {"name": dest.name})))
    elif same_file:
        raise BadImage(src.name, ImageProblem("exists", Message("metadata.problem.own_folder")))
    dest.parent.mkdir(parents=True, exist_ok=True)
    return dest, src.stat().st_mode & 0o777 if src.exists() else 0o644


def _unwritable(src: Path, dest: Path, error: OSError) -> BadImage:
    return BadImage(src.name, ImageProblem("unwritable", Message(
        "metadata.problem.unwritable", {"path": str(dest), "strerror": error.strerror})))


def write_cleaned(cleaned: Cleaned, src: Path, out_dir: Path | None) -> Path | None:
    """Write the cleaned file; return the path written, None when nothing had to change.

    In place (out_dir None): the original is replaced atomically, or left alone when it was
    already clean; a conversion writes a new file beside it and never overwrites another.
    """
    target = _target(cleaned, src, out_dir)
    if target is None:
        return None
    dest, mode = target
    try:
        with atomic_writer(dest, mode) as f:
            cleaned.write_to(f)
    except OSError as e:
        raise _unwritable(src, dest, e) from e
    return dest


def stage_clean(path: Path, out_dir: Path | None, *, heic_to_jpeg: bool = False,
                tag: str = "", writeback: bool = True) -> tuple[Report, Path | None, Path | None]:
    """Clean one file of a batch into a temp file beside its destination: the report, the
    destination and the temp file (both None when the file is left as it is). Runs in any
    process; a CleanBatch in the parent puts the temp files in place."""
    with opened_image(path) as (data, fd):
        cleaned = strip_image(data, path.name, heic_to_jpeg=heic_to_jpeg)
        target = _target(cleaned, path, out_dir)
        if target is None:
            return cleaned.report, None, None
        dest, mode = target
        dest = dest.resolve()
        try:
            temp = stage_file(dest, lambda f: cleaned.write_to(f, fd), mode, tag=tag,
                              writeback=writeback)
        except OSError as e:
            raise _unwritable(path, dest, e) from e
        return cleaned.report, dest, temp


# Fewer files than this are cleaned in this process: starting workers would cost more.
_MIN_FILES_FOR_WORKERS = 4


def _worker_count(n_files: int) -> int:
    if n_files < _MIN_FILES_FOR_WORKERS or not hasattr(os, "fork"):
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cpus or 1, n_files))


class CleanBatch:
    """The files of one `strip` run, cleaned on every CPU and put in place together.

    run() cleans each file (stage_clean, in worker processes for a real batch) and yields
    the outcomes in order; commit() then puts every cleaned file in place after one flush to
    disk. Until commit() no destination has changed, and discard() (or an interrupted run)
    leaves no temp file behind.
    """

    def __init__(self, out_dir: Path | None, *, heic_to_jpeg: bool = False):
        self._out_dir = out_dir
        self._tag = os.urandom(4).hex()  # names this batch's temp files
        self._stage = functools.partial(stage_clean, out_dir=out_dir, heic_to_jpeg=heic_to_jpeg,
                                        tag=self._tag)
        self._staged = StagedFiles()
        self._sources: dict[Path, Path] = {}  # destination -> the file cleaned into it

    def run(self, paths: list[Path]) -> Iterator[tuple[Path, Report | BadImage, Path | None]]:
        """Yield (file, its report or why it failed, where it will be written or None)."""
        count = _worker_count(len(paths))
        if count == 1:
            for path in paths:  # one file alone is flushed at once: no early writeback
                yield path, *self._take(path, functools.partial(
                    self._stage, path, writeback=len(paths) > 1))
            return
        try:
            with workers.interrupts_noted() as interrupts:
                outcomes = workers.ForkedWorkers(self._stage, paths, count, interrupts).run()
                with contextlib.closing(outcomes):
                    for path, outcome in zip(paths, outcomes, strict=True):
                        yield path, *self._take(path, functools.partial(_result, path, *outcome))
        finally:
            self._remove_strays(paths)

    def _remove_strays(self, paths: list[Path]) -> None:
        """Remove this batch's temp files that no outcome handed over: a run interrupted, or
        a worker that died, leaves some. The workers have ended: none is still being written."""
        # In place, a temp file sits beside the file a symlink points to.
        folders = {self._out_dir} if self._out_dir else {path.resolve().parent for path in paths}
        taken = self._staged.temps
        for folder in {folder.resolve() for folder in folders}:
            for temp in folder.glob(f".*.{self._tag}.*.tmp"):
                if temp not in taken:
                    remove_quietly(temp)

    def _take(self, path: Path, outcome) -> tuple[Report | BadImage, Path | None]:
        try:
            report, dest, temp = outcome()
        except BadImage as e:
            return e, None
        if temp is not None:
            if dest in self._sources:  # two inputs with one name must not overwrite each other
                remove_quietly(temp)
                return BadImage(path, ImageProblem("exists", Message(
                    "metadata.problem.same_name", {"name": dest.name, "folder": str(dest.parent)}
                ))), None
            self._sources[dest] = path
            self._staged.add(temp, dest)
        return report, dest

    def commit(self) -> dict[Path, BadImage]:
        """Put every staged file in place; return the source files that failed at this step."""
        try:
            failed = self._staged.commit()
        except OSError as e:
            return {src: _unwritable(src, dest, e) for dest, src in self._sources.items()}
        return {self._sources[dest]: _unwritable(self._sources[dest], dest, e)
                for dest, e in failed.items()}

    def discard(self) -> None:
        self._staged.discard()


def _result(path: Path, value, error: Exception | None):
    """A worker's outcome as stage_clean's: its value, or what it raised."""
    if isinstance(error, workers.WorkerDied):
        # It killed its worker (a crash in a decoder, SIGBUS from a file truncated under its
        # memory map, the OOM killer), then the one it was given to alone.
        raise BadImage(path, ImageProblem("damaged", Message(
            "metadata.problem.killed_worker"))) from None
    if error is not None:
        raise error
    return value


def is_hidden_or_partial(path: Path) -> bool:
    """Names that browsers, editors and our own atomic writes use while a file is in flight."""
    name = path.name
    return (name.startswith((".", "~")) or name.endswith("~")
            or os.path.splitext(name)[1].lower() in (".part", ".crdownload", ".tmp",
                                                      ".download", ".partial"))
