"""Cleaning files on disk (CLI and folder watcher): read, clean, write atomically.

The original is never modified unless asked (in place), and then only by an atomic rename
of a fully written, fsynced temp file: a crash leaves either the old or the new file.
"""

import os
from pathlib import Path

from iprdesk.atomic import atomic_write_bytes
from iprdesk.metadata import BadImage, Cleaned, strip_image

MAX_FILE_BYTES = 512 * 1024 * 1024  # beyond any photo; refuse before reading it into memory


def read_image(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise BadImage(f"{path.name}: the file is {size // (1024 * 1024)} MB, larger than "
                           "any photo iprdesk cleans", code="too_large")
        return path.read_bytes()
    except FileNotFoundError:
        raise BadImage(f"{path}: no such file", code="unreadable") from None
    except IsADirectoryError:
        raise BadImage(f"{path}: is a folder, not a file", code="unreadable") from None
    except OSError as e:
        raise BadImage(f"{path}: cannot be read ({e.strerror})", code="unreadable") from None


def clean_path(path: Path, *, heic_to_jpeg: bool = False) -> Cleaned:
    return strip_image(read_image(path), path.name, heic_to_jpeg=heic_to_jpeg)


def destination(cleaned: Cleaned, src: Path, out_dir: Path | None) -> Path:
    """Where the cleaned file goes: OUT_DIR/<name>; in place, the file itself (through a
    symlink: the file it points to), or a new file beside it after a conversion."""
    if out_dir is not None:
        return out_dir / cleaned.report.output_file
    src = src.resolve()
    return src.parent / cleaned.report.output_file if cleaned.report.converted else src


def write_cleaned(cleaned: Cleaned, src: Path, out_dir: Path | None, *,
                  sync_dir: bool = True) -> Path | None:
    """Write the cleaned bytes; return the path written, None when nothing had to change.

    In place (out_dir None): the original is replaced atomically, or left alone when it was
    already clean; a conversion writes a new file beside it and never overwrites another.
    `sync_dir=False` leaves the folder's fsync to the caller (once per batch).
    """
    dest = destination(cleaned, src, out_dir)
    same_file = dest.exists() and dest.resolve() == src.resolve()
    if out_dir is None:
        if same_file and cleaned.report.clean:
            return None
        if not same_file and dest.exists():
            raise BadImage(f"{src.name}: {dest.name} already exists beside it; move it away "
                           "first", code="exists")
    elif same_file:
        raise BadImage(f"{src.name}: the output folder is the file's own folder; use "
                       "--in-place to replace it", code="exists")
    mode = src.stat().st_mode & 0o777 if src.exists() else 0o644
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        atomic_write_bytes(dest, cleaned.data, mode=mode, sync_dir=sync_dir)
    except OSError as e:
        raise BadImage(f"{src.name}: cannot write {dest} ({e.strerror})", code="unwritable") from e
    return dest


def is_hidden_or_partial(path: Path) -> bool:
    """Names that browsers, editors and our own atomic writes use while a file is in flight."""
    name = path.name
    return (name.startswith((".", "~")) or name.endswith("~")
            or os.path.splitext(name)[1].lower() in (".part", ".crdownload", ".tmp",
                                                      ".download", ".partial"))
