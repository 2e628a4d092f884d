"""The watched folder: every image that lands in IN (sub-folders too) is cleaned into OUT.

watchdog reports file events; a file is cleaned once it has stopped changing (same size and
modification time for `settle` seconds), so a photo still being copied is never read half
written. Output mirrors the sub-folder layout. Events under OUT are ignored (OUT may live
inside IN), as are hidden and partial names (our own atomic temp files among them) and
non-images. A failure is logged and the watcher goes on. On start, files already in IN
whose cleaned copy is missing or older are cleaned too, so nothing is lost while it was off.

Whoever can write into IN (a shared or synced folder, an unpacked archive) must not reach past
it: links leading out of IN are not followed (checked again when the file is read, which
refuses a link and anything but a regular file), and nothing is written where a link would
take it out of OUT (OUT may live inside IN, so links can be planted there too).
"""

import errno
import logging
import os
import stat
import threading
import time
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from iprdesk.config import watch_entries
from iprdesk.errors import BadInput
from iprdesk.metadata import BadImage, is_image, strip_image
from iprdesk.metadata.files import check_size, is_hidden_or_partial, write_cleaned
from iprdesk.text import i18n

log = logging.getLogger("iprdesk.watch")
# Windows has neither flag (nor FIFOs; its links are checked by _wanted before the read).
_NO_FOLLOW_NO_BLOCK = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)

_ARRIVALS = frozenset(["created", "modified", "moved", "closed"])


class _Events(FileSystemEventHandler):
    def __init__(self, watcher: "FolderWatcher"):
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        # Reads (ours included) raise "opened"/"closed_no_write": only writes and arrivals count.
        if event.is_directory or event.event_type not in _ARRIVALS:
            return
        target = getattr(event, "dest_path", "") or event.src_path
        self.watcher.notice(Path(target))


class FolderWatcher:
    def __init__(self, in_dir: Path, out_dir: Path, *, heic_to_jpeg: bool = False,
                 lang: str = "en", settle: float = 1.0, keep_original=None):
        self.in_dir = Path(in_dir).resolve()
        self.out_dir = Path(out_dir).resolve()
        if self.out_dir == self.in_dir:
            raise BadInput(key="error.watch.out_is_in", params={"out": str(out_dir)})
        if self.in_dir.is_relative_to(self.out_dir):
            raise BadInput(key="error.watch.in_inside_out", params={"folder": str(in_dir)})
        self.heic_to_jpeg, self.lang, self.settle = heic_to_jpeg, lang, settle
        # Called with (name, original bytes, clean bytes) before the clean copy is written.
        self.keep_original = keep_original
        self._pending: dict[Path, tuple[float, tuple | None]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._observer = Observer()
        self._worker = threading.Thread(target=self._run, name="iprdesk-watch", daemon=True)

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._observer.schedule(_Events(self), str(self.in_dir), recursive=True)
        self._observer.start()
        self._worker.start()
        for path in self.in_dir.rglob("*"):
            if path.is_file() and self._wanted(path) and self._stale(path):
                self.notice(path)
        log.info("watching %s → %s", self.in_dir, self.out_dir)

    def stop(self) -> None:
        self._stop.set()
        self._observer.stop()
        self._observer.join(timeout=5)
        self._worker.join(timeout=5)

    # -- events -------------------------------------------------------------------------

    def _wanted(self, path: Path) -> bool:
        path = path.resolve() if path.exists() else path
        return (path.is_relative_to(self.in_dir) and not path.is_relative_to(self.out_dir)
                and not is_hidden_or_partial(path))

    def _out_dir_for(self, path: Path) -> Path:
        return self.out_dir / path.resolve().parent.relative_to(self.in_dir)

    def _stale(self, path: Path) -> bool:
        """True when no cleaned copy is at least as new as the original."""
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return False
        out = self._out_dir_for(path)
        copies = [out / path.name, out / (path.stem + ".jpg")]
        return not any(c.exists() and c.stat().st_mtime >= mtime for c in copies)

    def notice(self, path: Path) -> None:
        if self._wanted(path):
            with self._lock:
                self._pending[path] = (time.monotonic(), None)

    # -- worker -------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.wait(min(self.settle / 4, 0.25)):
            for path in self._settled():
                self._process(path)

    def _settled(self) -> list[Path]:
        """Pending files whose size and mtime did not change for `settle` seconds."""
        ready, now = [], time.monotonic()
        with self._lock:
            for path, (since, seen) in list(self._pending.items()):
                try:
                    st = path.stat()
                except OSError:  # gone (moved away, deleted, a temp file renamed)
                    del self._pending[path]
                    continue
                signature = (st.st_size, st.st_mtime_ns)
                if signature != seen:
                    self._pending[path] = (now, signature)
                elif now - since >= self.settle:
                    del self._pending[path]
                    ready.append(path)
        return ready

    def _text(self, key: str, **params) -> str:
        return i18n.text(f"watch.{key}", self.lang, **params)

    def _read(self, path: Path) -> bytes | None:
        """The file's bytes if it still is a regular file inside IN, else None (logged).

        Checked again here, not only when it was noticed: a file can be swapped for a link
        before it settles. The last component is opened without following a link, and
        without blocking (a FIFO named like a photo must not hang the watcher)."""
        if not self._wanted(path):
            log.warning(self._text("outside_in", path=path))
            return None
        fd = os.open(path, os.O_RDONLY | _NO_FOLLOW_NO_BLOCK)
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                log.warning(self._text("not_file", path=path))
                return None
            check_size(path, info.st_size)
            return f.read()

    def _process(self, path: Path) -> None:
        try:
            try:
                data = self._read(path)
            except OSError as e:
                if e.errno != errno.ELOOP:  # O_NOFOLLOW met a link: swapped after the check
                    raise
                log.warning(self._text("outside_in", path=path))
                return
            if data is None:
                return
            if not is_image(data[:32]):
                log.debug("skipped %s: not an image", path)
                return
            out_dir = self._out_dir_for(path)
            if not out_dir.resolve().is_relative_to(self.out_dir):
                log.warning(self._text("outside_out", path=path, dest=out_dir))
                return
            cleaned = strip_image(data, path.name, heic_to_jpeg=self.heic_to_jpeg)
            if self.keep_original is not None and not cleaned.report.clean:
                self.keep_original(path.name, data, cleaned.data)
            dest = write_cleaned(cleaned, path, out_dir)
            key = "copied" if cleaned.report.clean else "cleaned"
            log.info(self._text(key, summary=cleaned.report.summary(self.lang), dest=dest))
        except BadImage as e:
            log.warning("✗ %s", e.text(self.lang))
        except OSError as e:
            log.warning(self._text("os_error", path=path, strerror=e.strerror or str(e)))
        except Exception:  # noqa: BLE001 - one bad file must never stop the watcher
            log.exception(self._text("unexpected", path=path))


def watchers_from_config(entries: list[dict], keep_original=None) -> list[FolderWatcher]:
    """The watchers configured in config.json `watch` (config.watch_entries checks them)."""
    return [FolderWatcher(src, out, heic_to_jpeg=heic_to_jpeg, keep_original=keep_original)
            for src, out, heic_to_jpeg in watch_entries(entries)]
